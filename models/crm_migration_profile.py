import json

from odoo import api, fields, models

from ..mapping.ploomes_fields import source_field
from ..mapping.profile import FieldProfile, SourceFieldInfo, profile_object

#: Records of an object read to profile it, evenly spread over its staged rows.
SAMPLE_SIZE = 20000


class CrmMigrationProfile(models.Model):
    """What a source field holds: type, fill rate, distinct values, samples, patterns.

    Computed once per run from staged records (a spread sample of at most
    20,000 per object); the field-map proposal and its validation read it.
    """

    _name = "crm.migration.profile"
    _description = "Source Field Profile"
    _order = "run_id, object_sequence, custom, id"
    _rec_name = "label"

    run_id = fields.Many2one("crm.migration.run", required=True, ondelete="cascade", index=True)
    object_key = fields.Char(required=True, index=True)
    object_label = fields.Char("Object")
    object_sequence = fields.Integer()
    path = fields.Char("Source field", required=True)
    label = fields.Char()
    source_type = fields.Char("Type")
    custom = fields.Boolean(help="A custom field of the source account.")
    required = fields.Boolean(help="Required in the source.")
    options = fields.Json("Option data", help="[[option id, name], ...] of option fields.")
    options_text = fields.Text("Options", compute="_compute_texts")
    total = fields.Integer("Records read")
    filled = fields.Integer()
    fill_rate = fields.Float("Filled (%)", digits=(5, 1))
    distinct = fields.Char("Distinct values")
    samples = fields.Text()
    patterns = fields.Char(compute="_compute_texts", help="Share of filled values by detected pattern.")
    data = fields.Json(help="The profile as the proposal engine reads it.")

    @api.depends("options", "data")
    def _compute_texts(self):
        for profile in self:
            profile.options_text = "\n".join(f"{name} ({key})" for key, name in profile.options or ())
            patterns = (profile.data or {}).get("patterns") or {}
            profile.patterns = ", ".join(
                f"{name} {share * 100:.0f} %" for name, share in
                sorted(patterns.items(), key=lambda item: -item[1]) if share >= 0.05)

    def _field_info(self):
        self.ensure_one()
        return SourceFieldInfo(
            path=self.path, key=self.path.split("/", 1)[1] if self.custom else None,
            label=self.label, type=self.source_type,
            options=tuple(tuple(option) for option in self.options or ()),
            required=self.required)

    def _field_profile(self):
        self.ensure_one()
        return FieldProfile.from_dict(self.data) if self.data else None

    # -- profiling -----------------------------------------------------------------------

    @api.model
    def _profile_object(self, run, obj):
        """Profile the standard and custom fields of one object; return the records read."""
        payloads = self._sample(run, obj)
        infos = self._standard_infos(obj) + self._custom_infos(run, obj, payloads)
        profiles = profile_object(payloads, [info.path for info in infos])
        self.search([("run_id", "=", run.id), ("object_key", "=", obj.key)]).unlink()
        self.create([{
            "run_id": run.id, "object_key": obj.key, "object_label": obj.label_in(self.env.lang),
            "object_sequence": obj.sequence, "path": info.path, "label": info.label,
            "source_type": info.type, "custom": info.path.startswith("OtherProperties/"),
            "required": info.required, "options": [list(option) for option in info.options],
            "total": profile.total, "filled": profile.filled,
            "fill_rate": 100.0 * profile.fill_rate, "distinct": profile.distinct_label,
            "samples": "\n".join(profile.samples), "data": profile.as_dict(),
        } for info in infos for profile in (profiles[info.path],)])
        return len(payloads)

    @api.model
    def _sample(self, run, obj):
        """Payloads of up to SAMPLE_SIZE staged records of ``obj``, spread over all of them."""
        where = "source_id = %s AND entity = %s AND state != 'deleted'"
        params = [run.source_id.id, obj.entity]
        if obj.where:
            where += " AND payload @> %s::jsonb"
            params.append(json.dumps(obj.where))
        self.env.cr.execute(f"SELECT count(*) FROM crm_migration_record WHERE {where}", params)
        step = max(1, self.env.cr.fetchone()[0] // SAMPLE_SIZE)
        self.env.cr.execute(f"""
            SELECT payload FROM crm_migration_record WHERE {where} AND id %% %s = 0
            ORDER BY id LIMIT %s
        """, params + [step, SAMPLE_SIZE])
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _standard_infos(self, obj):
        return [SourceFieldInfo(path=spec.path, key=None, label=spec.label_pt, type=spec.type,
                                required=spec.required) for spec in obj.fields]

    @api.model
    def _custom_infos(self, run, obj, payloads):
        """The account's custom fields of ``obj`` (``/Fields`` of its scope)."""
        if obj.custom_scope is None:
            return []
        source = run.source_id
        self.env.cr.execute("""
            SELECT payload FROM crm_migration_record
            WHERE source_id = %s AND entity = 'Fields' AND state != 'deleted'
              AND payload @> %s::jsonb ORDER BY id
        """, (source.id, json.dumps({"EntityId": obj.custom_scope})))
        definitions = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            "SELECT payload FROM crm_migration_record WHERE source_id = %s AND entity = 'Fields@Types'",
            (source.id,))
        types = {row[0]["Id"]: row[0] for row in self.env.cr.fetchall()}
        infos = []
        for definition in definitions:
            key = definition["Key"]
            rows = [row for payload in payloads[:200] for row in payload.get("OtherProperties") or ()
                    if row.get("FieldKey") == key]
            infos.append(source_field(definition, types, rows))
        return infos
