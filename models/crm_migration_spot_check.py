from odoo import api, fields, models

from ..mapping.profile import as_text, scalars

VALUE_SIZE = 200


def shown(text):
    text = " ".join(str(text or "").split())
    return text if len(text) <= VALUE_SIZE else text[:VALUE_SIZE] + "…"


class CrmMigrationSpotCheck(models.Model):
    """A field of a sampled record, side by side: what the source says, what Odoo holds."""

    _name = "crm.migration.spot.check"
    _description = "Migration Spot Check"
    _order = "run_id, object_sequence, source_key, sequence, id"

    run_id = fields.Many2one("crm.migration.run", required=True, ondelete="cascade", index=True)
    object_key = fields.Char(index=True)
    object_label = fields.Char("Object")
    object_sequence = fields.Integer()
    source_key = fields.Char("Source id")
    sequence = fields.Integer()
    source_label = fields.Char("Source field")
    source_value = fields.Char("In the source", groups="crm_migration.group_crm_migration_manager")
    odoo_field = fields.Char("Odoo field")
    odoo_value = fields.Char("In Odoo", groups="crm_migration.group_crm_migration_manager")
    match = fields.Boolean(help="Odoo holds what the map makes of the source value.")
    res_model = fields.Char("Model")
    res_id = fields.Many2oneReference("Record", model_field="res_model")

    @api.model
    def _record(self, phase, obj, items, payloads, same_value):
        """Spot-check rows of the sampled records ``items`` of one batch."""
        lines = phase.run_id.map_id.line_ids.filtered(
            lambda l: l.object_key == obj.key and l.action != "skip").sorted("sequence")
        value_at = phase.run_id.source_id._spec().value_at
        rows = []
        for rec, values, _problems, record in items:
            payload = payloads[rec.id]
            for sequence, line in enumerate(lines):
                names = [name for name in line._spec_targets() if name in values]
                if not names:
                    continue
                source = value_at(payload, line.source_path)
                rows.append({
                    "run_id": phase.run_id.id, "object_key": obj.key,
                    "object_label": obj.label_in(self.env.lang),
                    "object_sequence": obj.sequence, "source_key": rec.source_key,
                    "sequence": sequence, "source_label": line.source_label,
                    "source_value": shown(", ".join(as_text(v) for v in scalars(source)
                                                    if v not in (None, ""))),
                    "odoo_field": ", ".join(names),
                    "odoo_value": shown(" | ".join(self._display(record, name) for name in names)),
                    "match": all(same_value(record, name, values[name]) for name in names),
                    "res_model": record._name, "res_id": record.id,
                })
        self.create(rows)

    @api.model
    def _display(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type in ("many2one", "many2many", "one2many"):
            return ", ".join(value.mapped("display_name"))
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, "") if value else ""
        if field.type == "html":
            return value and value.striptags() or ""
        return "" if value is False or value is None else str(value)

    def action_open_record(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": self.res_model,
                "res_id": self.res_id, "view_mode": "form"}
