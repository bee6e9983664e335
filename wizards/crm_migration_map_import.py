import base64
import json

from odoo import fields, models
from odoo.exceptions import UserError


class CrmMigrationMapImport(models.TransientModel):
    """Reuse a map confirmed elsewhere (e.g. on a staging database) for a source."""

    _name = "crm.migration.map.import"
    _description = "Import a Field Map"

    source_id = fields.Many2one("crm.migration.source", required=True)
    file = fields.Binary("Map file (JSON)", required=True)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        try:
            data = json.loads(base64.b64decode(self.file))
        except ValueError as exc:
            raise UserError(self.env._("The file is not valid JSON: %s", exc)) from exc
        fmap = self.env["crm.migration.map"]._import_data(self.source_id, data)
        return {"type": "ir.actions.act_window", "res_model": "crm.migration.map",
                "res_id": fmap.id, "view_mode": "form"}
