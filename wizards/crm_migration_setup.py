from odoo import api, fields, models
from odoo.exceptions import UserError

from ..sources import PloomesClient, SourceError


class CrmMigrationSetup(models.TransientModel):
    """First step of a migration: connect the source and check the key."""

    _name = "crm.migration.setup"
    _description = "New Migration"

    kind = fields.Selection(
        lambda self: self.env["crm.migration.source"]._fields["kind"].selection,
        required=True, default="ploomes",
    )
    name = fields.Char("Source name", required=True, default=lambda self: self.env._("Ploomes account"))
    url = fields.Char("API URL", required=True, default="https://api2.ploomes.com")
    api_key = fields.Char("API key", required=True)
    fallback_user_id = fields.Many2one(
        "res.users", "Fallback owner",
        help="Owner of records whose source owner has no Odoo user (optional).")
    sample_size = fields.Integer(default=25, help="Records per object of the sample migration.")

    @api.model
    def default_get(self, fields_list):
        if not self.env.user.has_group("base.group_system"):
            raise UserError(self.env._("Only administrators may connect a source: it stores an API key."))
        return super().default_get(fields_list)

    def action_connect(self):
        """Check the key, save the source and open its first run."""
        self.ensure_one()
        try:
            PloomesClient(self.url, self.api_key, retries=1).check()
        except SourceError as exc:
            raise UserError(self.env["crm.migration.source"]._error_message(exc)) from exc
        source = self.env["crm.migration.source"].create({
            "name": self.name, "kind": self.kind, "url": self.url.rstrip("/"),
            "api_key": self.api_key, "fallback_user_id": self.fallback_user_id.id,
        })
        run = self.env["crm.migration.run"].create(
            {"source_id": source.id, "sample_size": self.sample_size})
        return run._open_form()
