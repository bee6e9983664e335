import json
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError

LEAD_MODEL = "crm.lead"
#: What counting the rule's values writes: no decision, allowed on a confirmed map (the
#: ticks are the admin's, fixed once it is confirmed).
COUNTED_FIELDS = {"label", "count", "sequence"}


class CrmMigrationMap(models.Model):
    """Which deals become leads rather than opportunities: a rule the admin picks from the
    data (a field of the deals, such as their stage or status, and the values that make a
    lead), with the counts it gives, confirmed with the map."""

    _inherit = "crm.migration.map"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: the lead rule

    lead_rule_line_id = fields.Many2one(
        "crm.migration.map.line", "Leads are decided by", compute="_compute_lead_rule_line",
        inverse="_inverse_lead_rule_line",
        domain="[('map_id', '=', id), ('target_model', '=', 'crm.lead')]",
        help="A field of the source's deals (their stage, status or any other): the deals "
             "holding the values ticked below become leads, the others opportunities. Empty: "
             "every deal becomes an opportunity.")
    lead_rule_object = fields.Char(readonly=True)
    lead_rule_path = fields.Char(readonly=True)
    lead_value_ids = fields.One2many("crm.migration.map.lead.value", "map_id", "Values", copy=True)
    lead_count = fields.Integer("Become leads", compute="_compute_lead_counts")
    opportunity_count = fields.Integer("Become opportunities", compute="_compute_lead_counts")
    leads_hidden = fields.Boolean(
        compute="_compute_lead_counts",
        help="The rule makes leads while CRM's Leads setting is off: Odoo would not show them.")

    @api.depends("lead_rule_object", "lead_rule_path", "line_ids")
    def _compute_lead_rule_line(self):
        for fmap in self:
            fmap.lead_rule_line_id = fmap.line_ids.filtered(
                lambda line, fmap=fmap: (line.object_key, line.source_path)
                == (fmap.lead_rule_object, fmap.lead_rule_path))[:1]

    def _inverse_lead_rule_line(self):
        for fmap in self:
            line = fmap.lead_rule_line_id
            if (line.object_key or False, line.source_path or False) != (
                    fmap.lead_rule_object, fmap.lead_rule_path):
                fmap.write({"lead_rule_object": line.object_key or False,
                            "lead_rule_path": line.source_path or False})
                fmap._count_lead_values()

    @api.depends("lead_value_ids.count", "lead_value_ids.is_lead")
    def _compute_lead_counts(self):
        leads_shown = self.env.ref("crm.group_use_lead") in self.env.ref("base.group_user").implied_ids
        for fmap in self:
            values = fmap.lead_value_ids
            fmap.lead_count = sum(values.filtered("is_lead").mapped("count"))
            fmap.opportunity_count = sum(values.filtered(lambda v: not v.is_lead).mapped("count"))
            fmap.leads_hidden = bool(fmap.lead_count) and not leads_shown

    @api.model
    def _propose(self, run):
        """A new version keeps the rule; either way its counts are those of the new data."""
        current = run.source_id._current_map()
        fmap = super()._propose(run)
        if current and fmap != current and current.lead_rule_path:
            fmap.write({"lead_rule_object": current.lead_rule_object,
                        "lead_rule_path": current.lead_rule_path})
            fmap._count_lead_values(leads=set(current._lead_values()))
        elif fmap.lead_rule_path:
            fmap._count_lead_values()
        return fmap

    def _lead_values(self):
        """The values of the rule's field whose records become leads."""
        return self.lead_value_ids.filtered("is_lead").mapped("value")

    def _export_data(self):
        data = super()._export_data()
        if self.lead_rule_path:
            data["lead_rule"] = {"object": self.lead_rule_object, "path": self.lead_rule_path,
                                 "leads": self._lead_values()}
        return data

    @api.model
    def _import_data(self, source, data):
        fmap = super()._import_data(source, data)
        rule = data.get("lead_rule") or {}
        if rule.get("path") and fmap.line_ids.filtered(
                lambda line: (line.object_key, line.source_path) == (rule.get("object"), rule["path"])):
            fmap.write({"lead_rule_object": rule["object"], "lead_rule_path": rule["path"]})
            fmap._count_lead_values(leads=set(rule.get("leads") or ()))
        return fmap

    def action_count_lead_values(self):
        """Count the staged deals by the rule's field again (after a new extraction)."""
        for fmap in self:
            if not fmap.lead_rule_path:
                raise UserError(self.env._("Choose the field that decides which deals are leads."))
            fmap._count_lead_values()
        return True

    def _count_lead_values(self, leads=None):
        """One line per value of the rule's field among the staged records, with its count;
        values ticked before (or ``leads``) stay ticked. Counting is no edit of the map: a
        confirmed map keeps its ticks, counting 0 the values no record holds any more."""
        self.ensure_one()
        ticked = set(self._lead_values() if leads is None else leads)
        line = self.lead_rule_line_id
        if not line:
            self.lead_value_ids.unlink()
            return
        source = self.source_id
        spec = source._spec()
        obj = source._schema().object(line.object_key)
        payloads = self.env["crm.migration.record"]._staged_payloads(source, obj.entity, obj.where)
        counts = Counter(self._lead_key(spec, spec.value_at(payload, line.source_path))
                         for payload in payloads)
        labels = self._lead_labels(line, counts)
        existing = {value.value: value for value in self.lead_value_ids}
        rows = counts.most_common()
        if self.state != "draft":
            rows += [(value, 0) for value in sorted(ticked - set(counts))]
        new = []
        for index, (value, count) in enumerate(rows):
            row = existing.get(value)
            values = {"label": labels.get(value) or (row.label if row else value),
                      "count": count, "sequence": index}
            if not row:
                new.append(dict(values, map_id=self.id, value=value, is_lead=value in ticked))
                continue
            if row.is_lead != (value in ticked):
                values["is_lead"] = value in ticked
            row.write(values)
        kept = dict(rows)
        self.lead_value_ids.filtered(lambda v: v.value not in kept).unlink()
        self.env["crm.migration.map.lead.value"].create(new)

    @api.model
    def _lead_key(self, spec, value):
        """The value of a record's field as the rule compares it (a row: its id)."""
        if isinstance(value, dict):
            value = spec.record_key(value)
        if value in (None, False, "", [], {}):
            return ""
        if isinstance(value, (list, tuple)):
            return json.dumps(sorted(map(str, value)))
        return str(value)

    def _lead_labels(self, line, counts):
        """{value: what the admin reads}: an option's name, a referenced record's name."""
        labels = {"": self.env._("(empty)")}
        labels.update((option.source_key, option.source_label) for option in line.option_ids)
        entity = line._engine_params().get("entity")
        if entity:
            spec = self.source_id._spec()
            staged = self.env["crm.migration.record"]._payloads_by_key(
                self.source_id, entity, [value for value in counts if value])
            for key, payload in staged.items():
                name = spec.row_value(payload) if spec.row_value else None
                if name:
                    labels[str(key)] = f"{name} ({key})"
        return labels

    def _lead_rule(self, obj):
        """``payload -> "lead" | "opportunity"`` for the records of ``obj``, or None when the
        map has no rule for it (its records keep their object's type)."""
        self.ensure_one()
        leads = set(self._lead_values())
        if not leads or self.lead_rule_object != obj.key or obj.model != LEAD_MODEL:
            return None
        spec, path = self.source_id._spec(), self.lead_rule_path

        def lead_type(payload):
            return "lead" if self._lead_key(spec, spec.value_at(payload, path)) in leads \
                else "opportunity"
        return lead_type


class CrmMigrationMapLeadValue(models.Model):
    """One value of the lead rule's field, how many staged deals hold it, and whether they
    become leads."""

    _name = "crm.migration.map.lead.value"
    _description = "Migration Lead Rule Value"
    _order = "map_id, sequence, id"

    map_id = fields.Many2one("crm.migration.map", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    value = fields.Char("Source value", readonly=True)
    label = fields.Char("Value", readonly=True)
    count = fields.Integer("Deals", readonly=True)
    is_lead = fields.Boolean("Become leads")

    @api.model_create_multi
    def create(self, vals_list):
        self.env["crm.migration.map"].browse(
            {vals["map_id"] for vals in vals_list if vals.get("is_lead")})._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - COUNTED_FIELDS:
            self.map_id._check_editable()
        return super().write(vals)

    def unlink(self):
        self.filtered("is_lead").map_id._check_editable()
        return super().unlink()
