from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

#: Proposed sales rights -> the sales_team group that grants them (each implies the one before).
SALES_GROUPS = {
    "own": "sales_team.group_sale_salesman",
    "all": "sales_team.group_sale_salesman_all_leads",
    "admin": "sales_team.group_sale_manager",
}


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
    source_role = fields.Char("Role in the source", readonly=True)
    sales_access = fields.Selection(
        [("own", "User: own documents only"), ("all", "User: all documents"),
         ("admin", "Administrator")], "Sales rights",
        help="Proposed from the user's role in the source; applied to the Odoo user only when "
             "you apply it (rights are added, never removed).")
    sales_access_applied = fields.Boolean("Rights applied", readonly=True, copy=False)

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
        moved = self.browse()
        if "sales_access_applied" not in vals:
            moved = self.filtered(lambda match: match.sales_access_applied and (
                ("user_id" in vals and match.user_id.id != (vals["user_id"] or False))
                or ("sales_access" in vals and match.sales_access != vals["sales_access"])))
        result = super().write(vals)
        if moved:
            moved.sales_access_applied = False
        return result

    def action_apply_sales_access(self):
        """Give each matched Odoo user the sales rights of its line (confirmed by the admin)."""
        lines = self.filtered("sales_access")
        missing = lines.filtered(lambda line: not line.user_id or line.user_id.share)
        if missing:
            raise UserError(self.env._(
                "Sales rights go to internal Odoo users only; match or create one first for: "
                "%(names)s", names=", ".join(missing.mapped(lambda line: line.name or line.email))))
        for line in lines:
            group = self.env.ref(SALES_GROUPS[line.sales_access])
            line.user_id.write({"groups_id": [Command.link(group.id)]})
        lines.write({"sales_access_applied": True})
        return True

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
            match.filtered("sales_access").action_apply_sales_access()
        return True
