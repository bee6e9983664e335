from odoo import models
from odoo.tools import email_normalize


class CrmMigrationLoaderUsers(models.AbstractModel):
    """Source users are matched to Odoo users by e-mail, never created silently."""

    _name = "crm.migration.loader.users"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Users"

    def _match(self, source, staged):
        """Create or refresh the reconciliation rows of staged users; return them."""
        matches = self.env["crm.migration.user.match"].search(
            [("source_id", "=", source.id), ("source_key", "in", staged.mapped("source_key"))])
        Match = self.env["crm.migration.user.match"]
        by_key = {match.source_key: match for match in matches}
        fields = source._spec().users
        by_email = Match._match_by_email([fields.email(rec.payload) for rec in staged])
        result = Match
        for rec in staged:
            payload = rec.payload
            values = {"name": fields.name(payload), "email": fields.email(payload),
                      "suspended": bool(fields.suspended(payload)),
                      "source_role": fields.role(payload) or False}
            match = by_key.get(rec.source_key)
            if not match or not match.sales_access_applied:
                values["sales_access"] = fields.sales_access(payload) or False
            if not match or match.method != "manual":
                user_id = by_email.get(email_normalize(fields.email(payload) or ""), False)
                values.update(user_id=user_id, method="email" if user_id else False)
            if match:
                match.write(values)
            else:
                match = Match.create(dict(values, source_id=source.id, source_key=rec.source_key))
            result |= match
        return result

    def _match_all(self, source):
        """Match every staged user of ``source`` and count the records each owns."""
        users = source._spec().users
        staged = self.env["crm.migration.record"].search(
            [("source_id", "=", source.id), ("entity", "=", users.entity)])
        self._match(source, staged)
        owned = self.env["crm.migration.record"]._count_by(source, users.owner_column)
        for match in source.user_match_ids:
            match.record_count = owned.get(match.source_key, 0)

    def _validate_batch(self, phase, obj, staged):
        return {"done": len(staged)}

    def _load_batch(self, phase, obj, staged):
        run = phase.run_id
        matches = self._match(run.source_id, staged)
        unmatched = matches.filtered(lambda m: m.state == "unmatched")
        self.env["crm.migration.issue"].create([{
            "run_id": run.id, "step": phase.kind, "phase": phase.key, "level": "warning",
            "code": "unmatched_user",
            "entity": obj.entity, "source_key": match.source_key,
            "message": self.env._("Source user %(name)s <%(email)s> has no Odoo user with that e-mail; "
                         "their records are loaded %(how)s. Match or create the user in the "
                         "user reconciliation, then run again.",
                         name=match.name, email=match.email or self.env._("no e-mail"),
                         how=self.env._("with the fallback owner") if run.source_id.fallback_user_id
                         else self.env._("without owner")),
        } for match in unmatched])
        unmatched_keys = set(unmatched.mapped("source_key"))
        skipped = staged.filtered(lambda rec: rec.source_key in unmatched_keys)
        (staged - skipped)._mark("loaded")
        skipped._mark("skipped", self.env._("No Odoo user has this user's e-mail: match it in "
                                            "the user reconciliation."))
        return {"done": len(staged), "linked": len(matches) - len(unmatched),
                "skipped": len(unmatched), "warnings": len(unmatched)}
