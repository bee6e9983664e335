from odoo import api, fields, models

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
    total = fields.Integer("Records read", aggregator="max")
    filled = fields.Integer(aggregator=None)
    fill_rate = fields.Float("Filled (%)", digits=(5, 1), aggregator="avg")
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
        custom_fields = self.run_id.source_id._spec().custom_fields
        return SourceFieldInfo(
            path=self.path, key=custom_fields.key_of(self.path) if self.custom else None,
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
        spec = run.source_id._spec()
        payloads = self.env["crm.migration.record"]._sample_payloads(
            run.source_id, obj.entity, SAMPLE_SIZE, contains=obj.where)
        infos = self._standard_infos(obj) + self._custom_infos(run, obj, payloads)
        profiles = profile_object(payloads, [info.path for info in infos], spec.value_at,
                                  spec.row_value)
        self.search([("run_id", "=", run.id), ("object_key", "=", obj.key)]).unlink()
        self.create([{
            "run_id": run.id, "object_key": obj.key, "object_label": obj.label_in(self.env.lang),
            "object_sequence": obj.sequence, "path": info.path, "label": info.label,
            "source_type": info.type, "custom": spec.custom_fields.is_custom(info.path),
            "required": info.required, "options": [list(option) for option in info.options],
            "total": profile.total, "filled": profile.filled,
            "fill_rate": 100.0 * profile.fill_rate, "distinct": profile.distinct_label,
            "samples": "\n".join(profile.samples), "data": profile.as_dict(),
        } for info in infos for profile in (profiles[info.path],)])
        return len(payloads)

    @api.model
    def _standard_infos(self, obj):
        return [SourceFieldInfo(path=spec.path, key=None, label=spec.label_pt, type=spec.type,
                                required=spec.required) for spec in obj.fields]

    @api.model
    def _custom_infos(self, run, obj, payloads):
        """The account's own fields of ``obj``, as its source defines them."""
        source = run.source_id

        def staged(entity, contains=None):
            return self.env["crm.migration.record"]._staged_payloads(source, entity, contains)

        return source._spec().custom_fields.infos(staged, obj, payloads)
