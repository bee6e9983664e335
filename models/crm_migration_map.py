from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..mapping.converters import CONVERTERS
from ..mapping.transform import MapLine

NEW_FIELD_TYPES = [
    ("char", "Text"), ("text", "Multi-line text"), ("html", "Rich text"),
    ("integer", "Integer"), ("float", "Decimal"), ("monetary", "Monetary"),
    ("boolean", "Checkbox"), ("date", "Date"), ("datetime", "Date and time"),
    ("selection", "Selection"), ("many2one", "Link to a record"),
    ("many2many", "Tags (several values)"),
]


class CrmMigrationMap(models.Model):
    """The field map of a source: proposed by the addon, confirmed by the admin."""

    _name = "crm.migration.map"
    _description = "Migration Field Map"
    _order = "source_id, version desc"
    _rec_name = "display_name"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    version = fields.Integer(required=True, default=1, readonly=True)
    state = fields.Selection(
        [("draft", "To review"), ("confirmed", "Confirmed")],
        default="draft", required=True, readonly=True,
    )
    confirmed_by = fields.Many2one("res.users", readonly=True)
    confirmed_at = fields.Datetime(readonly=True)
    line_ids = fields.One2many("crm.migration.map.line", "map_id", "Lines", copy=True)
    apply_stage_probability = fields.Boolean(
        help="Give open opportunities the probability of their stage in the source "
             "(kept on each stage as 'Source probability'), instead of Odoo's own.",
    )
    hold_conversion_errors = fields.Boolean(
        help="Hold a record back when one of its values cannot be converted, instead "
             "of loading it without that value. Either way the problem is logged.",
    )
    order_target = fields.Selection(
        [("sale", "Sales orders"), ("invoice", "Draft customer invoices")],
        string="Source orders become", default="sale", required=True,
        help="Sales orders (Sales app): confirmed orders linked to their quotation and "
             "opportunity. Draft customer invoices (Invoicing app): never posted, for an "
             "accountant to review. Either way nothing is sent, delivered or posted.",
    )
    line_count = fields.Integer(compute="_compute_line_count")

    @api.depends("source_id", "version", "state")
    def _compute_display_name(self):
        for fmap in self:
            fmap.display_name = self.env._("%(source)s map v%(version)s",
                                  source=fmap.source_id.name, version=fmap.version)

    @api.depends("line_ids")
    def _compute_line_count(self):
        for fmap in self:
            fmap.line_count = len(fmap.line_ids)

    def action_confirm(self):
        """Confirm the map: from now on runs of its source may load with it."""
        for fmap in self:
            errors = fmap._validation_errors()
            if errors:
                raise ValidationError(self.env._("The map cannot be confirmed:\n%s", "\n".join(errors)))
            fmap.source_id.map_ids.filtered(lambda m: m.state == "confirmed" and m != fmap).write(
                {"state": "draft"})
            fmap.write({"state": "confirmed", "confirmed_by": self.env.uid,
                        "confirmed_at": fields.Datetime.now()})
        return True

    def _validation_errors(self):
        """Problems that forbid confirming the map, in the admin's words."""
        self.ensure_one()
        errors = []
        seen = {}
        for line in self.line_ids.filtered(lambda l: l.action != "skip" and l._applies()):
            key = (line.object_key, line.target_field)
            if key in seen:
                errors.append(self.env._("%(object)s: %(a)s and %(b)s both go to %(field)s.",
                                object=line.object_label, a=seen[key].source_label,
                                b=line.source_label, field=line.target_field))
            seen[key] = line
            if line.action == "existing" and line.target_field not in self.env[line.target_model]._fields:
                errors.append(self.env._("%(object)s: %(model)s has no field %(field)s.",
                                object=line.object_label, model=line.target_model,
                                field=line.target_field))
        for line in self.line_ids.filtered(lambda l: l.required and l.action == "skip" and l._applies()):
            errors.append(self.env._("%(object)s: %(field)s is required and cannot be left out.",
                            object=line.object_label, field=line.source_label))
        return errors

    def _lines_for(self, object_key):
        """The map lines of one object as pure-Python MapLine, in order."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda l: l.object_key == object_key and l.action != "skip" and l._applies()
        ).sorted("sequence")
        return [MapLine(line.source_path, line.target_field, line.converter, line.params or {})
                for line in lines]

    def write(self, vals):
        if set(vals) - {"state", "version", "confirmed_by", "confirmed_at", "line_ids"}:
            self._ensure_editable()
        return super().write(vals)

    def _needed_fields(self):
        """{(model, name): (ttype, label)} of the x_ fields this map writes.

        Models that are not installed (their objects are skipped) need none.
        """
        self.ensure_one()
        needed = {}
        for line in self.line_ids.filtered(lambda l: l.action != "skip" and l.target_model in self.env):
            if line.action == "new":
                needed[(line.target_model, line.target_field)] = (line.new_field_type, line.new_field_label)
            for name, ttype, label in (line.params or {}).get("new_fields", ()):
                needed[(line.target_model, name)] = (ttype, label)
        return needed

    def _relations(self):
        """{(model, name): comodel} of the new relational x_ fields (``params["relation"]``)."""
        return {(line.target_model, line.target_field): line.params["relation"]
                for line in self.line_ids
                if line.action == "new" and (line.params or {}).get("relation")}

    def _provision(self, run):
        """Create the custom fields the map needs and Odoo lacks; journal them."""
        self.ensure_one()
        fields_ = self.env["ir.model.fields"].sudo()
        relations = self._relations()
        missing = [
            {"model_id": self.env["ir.model"]._get_id(model), "name": name, "ttype": ttype,
             "field_description": label, "state": "manual",
             **({"relation": relations[(model, name)]} if (model, name) in relations else {})}
            for (model, name), (ttype, label) in self._needed_fields().items()
            if not fields_._get(model, name)
        ]
        if not missing:
            return
        created = fields_.create(missing)
        self.env["crm.migration.journal"]._log(run, "provision", "create", "ir.model.fields", created.ids)

    def _ensure_editable(self):
        """Any edit of a confirmed map turns it into a new draft version."""
        for fmap in self.filtered(lambda m: m.state == "confirmed"):
            fmap.write({"state": "draft", "version": fmap.version + 1,
                        "confirmed_by": False, "confirmed_at": False})

    @api.model
    def _ensure_proposal(self, source):
        """The source's newest map, proposed now if it has none."""
        return source._current_map() or self._propose(source)

    @api.model
    def _propose(self, source):
        """A new draft map of ``source`` from its schema's standard fields."""
        schema = source._schema()
        previous = source._current_map()
        lines = []
        for obj in schema.objects:
            for sequence, spec in enumerate(obj.fields, start=1):
                lines.append(self.env["crm.migration.map.line"]._from_spec(obj, spec, sequence))
        if not lines:
            raise UserError(self.env._("The %s schema has no fields to map.", schema.label))
        return self.create({
            "source_id": source.id,
            "version": (previous.version + 1) if previous else 1,
            "line_ids": [fields.Command.create(vals) for vals in lines],
        })


class CrmMigrationMapLine(models.Model):
    """One source field of one object and where it lands in Odoo."""

    _name = "crm.migration.map.line"
    _description = "Migration Field Map Line"
    _order = "map_id, object_sequence, sequence, id"

    map_id = fields.Many2one("crm.migration.map", required=True, ondelete="cascade", index=True)
    map_state = fields.Selection(related="map_id.state")
    object_key = fields.Char(required=True, readonly=True)
    object_label = fields.Char("Object", readonly=True)
    object_sequence = fields.Integer(readonly=True)
    target_model = fields.Char(required=True, readonly=True)
    sequence = fields.Integer(default=10)
    source_path = fields.Char("Source field", required=True, readonly=True)
    source_label = fields.Char("Source label", readonly=True)
    source_type = fields.Char(readonly=True)
    action = fields.Selection(
        [("existing", "Existing field"), ("new", "New custom field"), ("skip", "Do not migrate")],
        required=True, default="existing",
    )
    target_field = fields.Char("Odoo field")
    new_field_type = fields.Selection(NEW_FIELD_TYPES)
    new_field_label = fields.Char()
    converter = fields.Selection(
        lambda self: [(name, name.replace("_", " ").capitalize()) for name in sorted(CONVERTERS)],
        required=True, default="direct",
    )
    params = fields.Json()
    confidence = fields.Float(digits=(3, 2), default=1.0)
    reasons = fields.Text()
    required = fields.Boolean(readonly=True)
    note = fields.Text(readonly=True)

    _sql_constraints = [
        ("source_uniq", "UNIQUE(map_id, object_key, source_path)",
         "A source field appears once per object in a map."),
        ("confidence_range", "CHECK(confidence >= 0 AND confidence <= 1)",
         "Confidence is between 0 and 1."),
    ]

    @api.model
    def _from_spec(self, obj, spec, sequence):
        """Values of a map line proposed from a schema field."""
        new = spec.new_field is not None
        return {
            "object_key": obj.key,
            "object_label": obj.label,
            "object_sequence": obj.sequence,
            "target_model": obj.model,
            "sequence": sequence,
            "source_path": spec.path,
            "source_label": spec.label_pt if spec.label_pt == spec.label else f"{spec.label_pt} ({spec.label})",
            "source_type": spec.type,
            "action": "skip" if not spec.target else ("new" if new else "existing"),
            "target_field": spec.target,
            "new_field_type": spec.new_field[0] if new else False,
            "new_field_label": spec.new_field[1] if new else False,
            "converter": spec.converter,
            "params": dict(spec.params, **({"new_fields": [list(aux) for aux in spec.aux_fields]}
                                           if spec.aux_fields else {})),
            "confidence": 1.0,
            "reasons": self.env._("Standard %(object)s field.", object=obj.label),
            "required": spec.required,
            "note": spec.note,
        }

    def write(self, vals):
        self.map_id._ensure_editable()
        return super().write(vals)

    def _applies(self):
        """Whether this line can be used here: its model is installed, and a line that
        names an optional module (``params["module"]``) only when that module is."""
        self.ensure_one()
        if self.target_model not in self.env:
            return False
        module = (self.params or {}).get("module")
        if module and self.target_field not in self.env[self.target_model]._fields:
            return False
        return True
