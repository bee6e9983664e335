from odoo import api, fields, models
from odoo.tools import email_normalize


class CrmMigrationUserMatch(models.Model):
    """A source user and the Odoo user that owns their records."""

    _name = "crm.migration.user.match"
    _description = "Migration User Reconciliation"
    _order = "state desc, name"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    source_key = fields.Char("Source id", required=True)
    name = fields.Char()
    email = fields.Char()
    suspended = fields.Boolean(help="Suspended (inactive) in the source.")
    user_id = fields.Many2one("res.users", "Odoo user", context={"active_test": False})
    method = fields.Selection([("email", "Same e-mail"), ("manual", "Set by hand")])
    state = fields.Selection(
        [("matched", "Matched"), ("inactive", "Odoo user inactive"), ("unmatched", "No Odoo user")],
        compute="_compute_state", store=True, index=True,
    )
    record_count = fields.Integer(
        "Records owned", help="Staged records of the source this user owns.", readonly=True,
    )

    _sql_constraints = [
        ("source_key_uniq", "UNIQUE(source_id, source_key)", "A source user is reconciled once."),
    ]

    @api.depends("user_id", "user_id.active")
    def _compute_state(self):
        for match in self:
            if not match.user_id:
                match.state = "unmatched"
            elif not match.user_id.active:
                match.state = "inactive"
            else:
                match.state = "matched"

    def write(self, vals):
        if "user_id" in vals and "method" not in vals:
            vals["method"] = "manual" if vals["user_id"] else False
        return super().write(vals)

    @api.model
    def _match_by_email(self, emails):
        """{normalized e-mail: res.users id} of the users (active or not) with those e-mails."""
        normalized = {email_normalize(email) for email in emails if email}
        normalized.discard(False)
        if not normalized:
            return {}
        users = self.env["res.users"].with_context(active_test=False).search([
            "|", ("login", "in", list(normalized)), ("email_normalized", "in", list(normalized)),
        ], order="active desc, id")
        found = {}
        for user in users:
            for email in (email_normalize(user.login), user.email_normalized):
                if email in normalized:
                    found.setdefault(email, user.id)
        return found

    def action_create_user(self):
        """Provision the missing Odoo user (internal, same e-mail) for this source user."""
        for match in self.filtered(lambda m: not m.user_id and m.email):
            user = self.env["res.users"].with_context(no_reset_password=True).create({
                "name": match.name or match.email,
                "login": email_normalize(match.email) or match.email,
                "email": match.email,
                "active": not match.suspended,
            })
            match.write({"user_id": user.id, "method": "manual"})
        return True
