# pylint: disable=prefer-env-translation  # module-level _lt (LazyTranslate): no env at import time
import dataclasses
import json
from html import escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..mapping.profile import FieldProfile
from ..mapping.propose import (CONVERTER, MapLineSpec, Reason, TargetField, propose_object,
                               validate_map)
from ..mapping.transform import MapLine
from ..sources import SOURCES
from .crm_migration_source import protected_model

_lt = LazyTranslate(__name__)

EXPORT_FORMAT = "crm_migration.map"
EXPORT_VERSION = 1
NEW_FIELD_TYPES = [
    ("char", "Text"), ("text", "Multi-line text"), ("html", "Rich text"),
    ("integer", "Integer"), ("float", "Decimal"), ("monetary", "Monetary"),
    ("boolean", "Checkbox"), ("date", "Date"), ("datetime", "Date and time"),
    ("selection", "Selection"), ("many2one", "Link to a record"),
    ("many2many", "Tags (several values)"),
]
#: Below this confidence a proposed line asks to be reviewed.
LOW_CONFIDENCE = 0.6
#: Map fields the engine writes on a confirmed map (the others are the admin's choices);
#: the x2many ones check their own records.
ENGINE_FIELDS = {"state", "confirmed_by", "confirmed_at", "superseded_by",
                 "line_ids", "refusal_ids", "lead_value_ids"}
#: Odoo fields never proposed as targets.
EXCLUDED_TARGETS = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date",
                    "company_id", "message_main_attachment_id", "activity_user_id"}
#: The form view that shows an object's "Migrated fields" page.
FORM_VIEWS = {
    "res.partner": "base.view_partner_form",
    "crm.lead": "crm.crm_lead_view_form",
    "product.template": "product.product_template_form_view",
    "sale.order": "sale.view_order_form",
}
REASON_TEXTS = {
    "label_synonym": _lt("label '{label}' ≈ {target} (synonym)"),
    "label_similar": _lt("label '{label}' ≈ '{target_label}' ({percent} % similar)"),
    "pattern_share": _lt("{percent} % of values are {pattern}"),
    "pattern_mismatch": _lt("only {percent} % of values are {pattern}"),
    "pattern_conflict": _lt("{percent} % of values are {pattern}, which {target} does not hold"),
    "options_matched": _lt("{matched} of {total} options match values of {target}"),
    "type_fit": _lt("type {source} → {ttype}"),
    "type_lossy": _lt("type {source} → {ttype} (loses detail)"),
    "type_as_text": _lt("type {source} → {ttype} (written as text)"),
    "type_values": _lt("type {source} → {ttype} ({percent} % of values convert)"),
    "formatted": _lt("values normalized as {converter}"),
    "target_taken": _lt("{target} is already filled by another line"),
    "target_lost": _lt("{target} went to '{other}', a better match"),
    "below_threshold": _lt("best existing match {target} scores {score:.2f}, below {threshold:.2f}"),
    "no_match": _lt("no compatible Odoo field matches"),
    "new_field": _lt("new {ttype} field"),
    "never_filled": _lt("never filled in {total} records"),
    "no_values": _lt("no values profiled"),
    "rarely_filled": _lt("filled in only {percent} % of records"),
    "not_migrated": _lt("{source} fields are not migrated by default"),
    "standard": _lt("standard {object} field"),
    "model_missing": _lt("{model} is not installed: not migrated"),
    "imported": _lt("imported from a map file"),
    "own_field": _lt("{target} was created for this field by an earlier migration"),
}
PATTERN_NOUNS = {
    "email": _lt("e-mail addresses"), "phone": _lt("phones"), "cnpj": _lt("CNPJs"),
    "cpf": _lt("CPFs"), "cep": _lt("CEPs"), "url": _lt("URLs"), "date": _lt("dates"),
    "money": _lt("amounts of money"), "html": _lt("HTML"), "integer": _lt("whole numbers"),
    "decimal": _lt("numbers"), "boolean": _lt("yes/no values"),
}
CONVERTER_NOUNS = {"cnpj_cpf": _lt("CNPJ/CPF"), "phone_number": _lt("phone numbers"),
                   "email": _lt("e-mail addresses"), "cep": _lt("CEP")}


class CrmMigrationMap(models.Model):
    """The field map of a source: proposed by the addon, confirmed by the admin.

    Versioned: a run loads only with a confirmed map. A confirmed map is read-only (the
    runs that loaded with it keep it): "New version" copies it as a draft to change and
    confirm, which replaces it.
    """

    _name = "crm.migration.map"
    _description = "Migration Field Map"
    _order = "source_id, version desc"
    _rec_name = "display_name"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    version = fields.Integer(required=True, default=1, readonly=True)
    state = fields.Selection(
        [("draft", "To review"), ("confirmed", "Confirmed"), ("superseded", "Replaced")],
        default="draft", required=True, readonly=True, copy=False,
    )
    confirmed_by = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_at = fields.Datetime(readonly=True, copy=False)
    superseded_by = fields.Many2one("crm.migration.map", "Replaced by", readonly=True, copy=False)
    line_ids = fields.One2many("crm.migration.map.line", "map_id", "Lines", copy=True)
    line_count = fields.Integer(compute="_compute_counts")
    to_review_count = fields.Integer("Lines to review", compute="_compute_counts")
    low_confidence_count = fields.Integer(
        "Low-confidence lines not reviewed", compute="_compute_counts",
        help="Lines proposed with less than 60 % confidence that nobody reviewed.")
    apply_stage_probability = fields.Boolean(
        help="Give open opportunities the probability of their stage in the source "
             "(kept on each stage as 'Source probability'), instead of Odoo's own.",
    )
    shared_tags = fields.Boolean(
        "One tag taxonomy",
        help="Every source tag becomes both a contact tag and a CRM tag (same name), "
             "instead of contact tags for contacts and CRM tags for deals only.",
    )
    hold_conversion_errors = fields.Boolean(
        help="Hold a record back when one of its values cannot be converted, instead "
             "of loading it without that value. Either way the problem is logged.",
    )
    order_target = fields.Selection(
        [("sale", "Sales orders"), ("invoice", "Draft customer invoices"),
         ("picking", "Sales orders with delivery orders")],
        string="Source orders become", default="sale", required=True,
        help="Sales orders (Sales app): confirmed orders linked to their quotation and "
             "opportunity. Draft customer invoices (Invoicing app): never posted, for an "
             "accountant to review. Sales orders with delivery orders (Inventory app): the "
             "same sales orders, each with a delivery order of its goods, left to do (never "
             "validated: no stock moves). Nothing is sent, delivered or posted.",
    )
    refusal_ids = fields.One2many(
        "crm.migration.map.refusal", "map_id", "Refused by the source", copy=True,
        help="Entities the source refused to the API key: what reads them is left out.")
    problems = fields.Text(compute="_compute_problems",
                           help="What must be fixed before the map can be confirmed.")

    @api.depends("source_id", "version", "state")
    def _compute_display_name(self):
        for fmap in self:
            fmap.display_name = self.env._("%(name)s map v%(version)s",
                                           name=fmap.source_id.name, version=fmap.version)

    @api.depends("line_ids.reviewed", "line_ids.confidence", "line_ids.action")
    def _compute_counts(self):
        for fmap in self:
            fmap.line_count = len(fmap.line_ids)
            unreviewed = fmap.line_ids.filtered(lambda l: not l.reviewed)
            fmap.to_review_count = len(unreviewed)
            fmap.low_confidence_count = len(unreviewed.filtered(
                lambda l: l.confidence < LOW_CONFIDENCE and l.action != "skip"))

    @api.depends("line_ids.action", "line_ids.target_field", "line_ids.converter",
                 "line_ids.option_ids.target", "refusal_ids.acknowledged")
    def _compute_problems(self):
        for fmap in self:
            fmap.problems = "\n".join(fmap._validation_errors()) or False

    def write(self, vals):
        if set(vals) - ENGINE_FIELDS:
            self._check_editable()
        return super().write(vals)

    def _check_editable(self):
        """Refuse to change a confirmed (or replaced) map: its runs loaded with it."""
        for fmap in self:
            if fmap.state == "confirmed":
                raise UserError(self.env._("This map is confirmed: click New version to change it."))
            if fmap.state == "superseded":
                raise UserError(self.env._("This map was replaced by %(map)s: change that one.",
                                           map=fmap.superseded_by.display_name))

    def action_new_version(self):
        """A draft copy of this confirmed map (lines, options, refusals, lead rule) to change,
        opened; this one stays as it is until the copy is confirmed. The runs that wait
        to validate with this map wait for the new version's confirmation."""
        self.ensure_one()
        current = self.source_id._current_map()
        if self.state == "draft":
            new = self
        elif current.state == "draft" and current.version > self.version:
            new = current  # a new version is already under review
        else:
            new = self.copy({"version": current.version + 1})
            self.source_id.run_ids.filtered(
                lambda r: r.state in ("mapped", "validated") and not r.job).write(
                {"state": "profiled", "map_id": False})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": new.id,
                "view_mode": "form"}

    # -- confirmation ----------------------------------------------------------------

    def action_confirm(self):
        """Confirm the map: from now on runs of its source may load with it."""
        for fmap in self:
            if fmap.state == "superseded":
                fmap._check_editable()
            if fmap.state == "draft":
                errors = fmap._validation_errors()
                if errors:
                    raise ValidationError(self.env._("The map cannot be confirmed:\n%s", "\n".join(errors)))
                # the version it replaces stays as it is, for the runs that loaded with it
                fmap.source_id.map_ids.filtered(lambda m: m.state == "confirmed").write(
                    {"state": "superseded", "superseded_by": fmap.id})
                fmap.write({"state": "confirmed", "confirmed_by": self.env.uid,
                            "confirmed_at": fields.Datetime.now()})
            # one confirmation: the runs of the source waiting for their map move on
            fmap.source_id.run_ids.filtered(lambda r: r.state == "profiled" and not r.job).write(
                {"map_id": fmap.id, "state": "mapped"})
        return True

    def _validation_errors(self):
        """Problems that forbid confirming the map, in the admin's words."""
        self.ensure_one()
        errors = []
        applying = self.line_ids.filtered(lambda l: l._applies())
        lines = applying.filtered(lambda l: l.action != "skip")
        for line in lines:
            model = self.env[line.target_model]
            if line.action == "existing" and line.target_field not in model._fields:
                errors.append(self.env._("%(object)s: %(model)s has no field %(field)s.",
                                         object=line.object_label, model=line.target_model,
                                         field=line.target_field))
            elif line.action == "new" and not (line.target_field or "").startswith("x_"):
                errors.append(self.env._("%(object)s: the new field %(field)s must start with x_.",
                                         object=line.object_label, field=line.target_field))
            elif line.action == "new" and line.new_field_type in ("many2one", "many2many") \
                    and (line.params or {}).get("relation") not in self.env:
                errors.append(self.env._(
                    "%(object)s: %(field)s links to %(model)s, which is not installed.",
                    object=line.object_label, field=line.source_label,
                    model=(line.params or {}).get("relation")))
        schema = self.source_id._schema()
        models_ = {line.target_model for line in applying}
        targets = {model: self._targets(model) for model in models_}
        # An object that only updates records another object created (e.g. the status of
        # orders) needs no required field: its records exist when it runs.
        defaults = {obj.key: list(obj.defaults or ()) + list(obj.loader_fills) if obj.creates else
                    [target.name for target in targets.get(obj.model, ())]
                    for obj in schema.objects}
        specs = [line._spec() for line in applying]
        for error in validate_map(specs, targets, defaults):
            errors.append(self._error_text(error))
        errors += [self.env._(
            "%(entity)s was refused by the source (HTTP %(status)s): tick 'Leave out' to migrate "
            "without %(objects)s, or give the API key access and profile again.",
            entity=refusal.entity, status=refusal.status, objects=refusal.object_labels)
            for refusal in self.refusal_ids.filtered(lambda r: not r.acknowledged)]
        return errors

    def _error_text(self, error):
        """A map error in the admin's language."""
        lines = self.line_ids.filtered(lambda l: (l.object_key, l.source_path) in set(error.line_keys))
        where = ", ".join(f"{line.object_label}: {line.source_label}" for line in lines)
        texts = {
            "duplicate_target": self.env._("Two source fields write the same Odoo field"),
            "incompatible_type": self.env._("The Odoo field's type cannot hold these values"),
            "unconvertible_values": self.env._("Some source values cannot be converted"),
            "required_unmapped": self.env._("A required Odoo field gets no value"),
            "unmapped_option": self.env._("A source option has no Odoo option"),
        }
        text = texts.get(error.code, error.code)
        return f"{text} ({where}): {error.message}" if where else f"{text}: {error.message}"

    # -- lines as the engine reads them -----------------------------------------------

    def _lines_for(self, object_key):
        """The map lines of one object as pure-Python MapLine, in order."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda l: l.object_key == object_key and l.action != "skip" and l._applies()
        ).sorted("sequence")
        return [MapLine(line.source_path, line.target_field, line.converter, line._engine_params())
                for line in lines]

    @api.model
    def _targets(self, model_name):
        """The fields of a model a source field may be sent to."""
        model = self.env[model_name]
        labels_pt = {}
        if self.env["res.lang"]._lang_get("pt_BR"):
            described = model.with_context(lang="pt_BR").fields_get(attributes=["string"])
            labels_pt = {name: description["string"] for name, description in described.items()}
        automatic = set(model._inherits.values())  # delegation links, created by Odoo
        in_database = self.env["ir.model.fields"]._get_ids(model_name)
        required = [name for name, field in model._fields.items() if field.required]
        defaults = model.default_get(required) if required else {}
        targets = []
        for name, field in model._fields.items():
            writable = field.store or field.inverse
            if (name in EXCLUDED_TARGETS or not writable or name not in in_database or field.type in (
                    "one2many", "binary", "properties", "properties_definition", "json", "reference")):
                continue
            selection = ()
            if field.type == "selection":
                selection = tuple(field._description_selection(self.env) or ())
            targets.append(TargetField(
                name, field.string or name, labels_pt.get(name, ""), field.type,
                selection=selection, relation=field.comodel_name if field.relational else None,
                required=field.required and name not in defaults and name not in automatic
                and not field.inherited))
        return targets

    # -- proposal ----------------------------------------------------------------------

    @api.model
    def _propose(self, run):
        """The map of ``run``'s source after profiling: the current one when it covers
        every field found, else a new draft version that adds the new fields."""
        source = run.source_id
        schema = source._schema()
        current = source._current_map()
        known = {(line.object_key, line.source_path) for line in current.line_ids}
        lines = []
        for obj in schema.objects:
            for sequence, spec in enumerate(obj.fields, start=1):
                if (obj.key, spec.path) not in known:
                    lines.append(self._own_id_field(
                        source, self.env["crm.migration.map.line"]._from_spec(obj, spec, sequence)))
            lines += self._propose_custom(run, obj, current, known)
        refusals = self._refusals_of(run, current)
        if current and not lines and sorted(refusals) == sorted(current._refusal_keys()):
            return current
        kept = [line.copy_data({"map_id": False})[0] for line in current.line_ids]
        return self.create({
            "source_id": source.id,
            "version": (current.version + 1) if current else 1,
            **(current._option_values() if current else {}),
            "line_ids": [fields.Command.create(vals) for vals in kept + lines],
            "refusal_ids": [fields.Command.create(vals) for vals in refusals.values()],
        })

    @api.model
    def _own_id_field(self, source, vals):
        """Line values ``vals``; when they keep source ids in a new field that another
        source's map already fills, sent to a field of ``source``'s own instead, so that
        the records of two accounts never share an id field."""
        if vals["converter"] != "source_id" or vals["action"] != "new":
            return vals
        shared = self.env["crm.migration.map.line"].sudo().search_count([
            ("map_id.source_id", "!=", source.id), ("converter", "=", "source_id"),
            ("target_model", "=", vals["target_model"]),
            ("target_field", "=", vals["target_field"])], limit=1)
        if not shared:
            return vals
        return dict(vals, target_field=f"{vals['target_field']}_{source.id}",
                    new_field_label=f"{vals['new_field_label']} ({source.name})")

    @api.model
    def _refusals_of(self, run, current):
        """{(entity, status): refusal values} of what ``run``'s extraction was refused,
        acknowledged when ``current`` acknowledged the same refusal."""
        acknowledged = {key for key, refusal in current._refusal_keys().items() if refusal.acknowledged}
        return {(phase.key, phase.refused_status): {
            "entity": phase.key, "status": phase.refused_status, "message": phase.notice,
            "acknowledged": (phase.key, phase.refused_status) in acknowledged,
        } for phase in run._refused_phases()}

    def _refusal_keys(self):
        """{(entity, status): refusal} of this map."""
        return {(refusal.entity, refusal.status): refusal for refusal in self.refusal_ids}

    def _leaves_out(self, entity):
        """Whether the admin acknowledged leaving out what reads ``entity``."""
        return bool(self.refusal_ids.filtered(lambda r: r.entity == entity and r.acknowledged))

    def _refusal_notice(self, obj):
        """Why ``obj`` is left out: an entity it reads was refused by the source, or None."""
        if not self.refusal_ids:
            return None
        reads = self.source_id._schema().entities_of(obj)
        refusal = self.refusal_ids.filtered(lambda r: r.entity in reads)[:1]
        if not refusal:
            return None
        return self.env._("Skipped: left out in the map, %(entity)s answered HTTP %(status)s.",
                          entity=refusal.entity, status=refusal.status)

    @api.model
    def _propose_custom(self, run, obj, current, known):
        """Line values proposed for the custom fields of ``obj`` not in the map yet."""
        profiles = self.env["crm.migration.profile"].search(
            [("run_id", "=", run.id), ("object_key", "=", obj.key), ("custom", "=", True)])
        new = profiles.filtered(lambda p: (obj.key, p.path) not in known)
        if not new:
            return []
        schema = run.source_id._schema()
        taken = set()
        for line in current.line_ids.filtered(lambda l: l.target_model == obj.model):
            taken |= set(line._spec_targets())
        for spec in (s for o in schema.objects if o.model == obj.model for s in o.fields):
            taken |= {spec.target} | {aux[0] for aux in spec.aux_fields}
            taken |= set(spec.params.get("fills", ())) | {
                spec.params.get(key) for key in ("mobile_target", "extra_target", "child_target")}
        infos = [profile._field_info() for profile in new]
        field_profiles = {profile.path: profile._field_profile() for profile in new}
        proposals = propose_object(infos, field_profiles, self._targets(obj.model),
                                   prefix=schema.prefix, taken=frozenset(taken - {None}),
                                   model=obj.model)
        line_model = self.env["crm.migration.map.line"]
        return [line_model._from_proposal(obj, profile, self._installable(proposal), 1000 + index)
                for index, (profile, proposal) in enumerate(zip(new, proposals, strict=True))]

    def _installable(self, proposal):
        """The proposal, or "do not migrate" when it links to a model not installed here."""
        relation = proposal.params.get("relation")
        if proposal.action != "new" or not relation or relation in self.env:
            return proposal
        return dataclasses.replace(
            proposal, action="skip", target=None, new_field_type=None, new_field_label=None,
            reasons=proposal.reasons + (Reason("model_missing", {"model": relation}),))

    # -- provisioning ------------------------------------------------------------------

    def _needed_fields(self):
        """{(model, name): {ttype, label, label_pt, relation, selection}} of the x_ fields this
        map writes.

        Models that are not installed (their objects are skipped) need none.
        """
        self.ensure_one()
        needed = {}
        left_out = self._objects_left_out()
        labels_pt = self._labels_pt()
        for line in self.line_ids.filtered(lambda l: l.action != "skip" and l._applies()
                                           and l.object_key not in left_out):
            params = line.params or {}
            if line.action == "new":
                selection = {}
                for option in line.option_ids.filtered("target"):
                    selection.setdefault(option.target, option.target_label or option.source_label)
                label = line.new_field_label or line.source_label
                needed[(line.target_model, line.target_field)] = {
                    "ttype": line.new_field_type, "label": label, "label_pt": labels_pt(label),
                    "relation": params.get("relation"),
                    "selection": list(selection.items()) or params.get("selection") or [],
                }
            for name, ttype, label in params.get("new_fields", ()):
                needed[(line.target_model, name)] = {"ttype": ttype, "label": label,
                                                     "label_pt": labels_pt(label)}
        return needed

    def _labels_pt(self):
        """A function giving the Portuguese label of an x_ field the schema creates from
        its English one (also when suffixed with the source's name), or None."""
        labels = {}
        for obj in self.source_id._schema().objects:
            for spec in obj.fields:
                if spec.new_field:
                    _ttype, label, *label_pt = spec.new_field
                    labels[label] = label_pt[0] if label_pt else (
                        spec.label_pt if label == spec.label else None)
                for _name, _ttype, label, *label_pt in spec.aux_fields:
                    labels[label] = label_pt[0] if label_pt else None
        suffix = f" ({self.source_id.name})"

        def label_pt(label):
            if labels.get(label):
                return labels[label]
            if label and label.endswith(suffix) and labels.get(label.removesuffix(suffix)):
                return labels[label.removesuffix(suffix)] + suffix
            return None
        return label_pt

    def _objects_left_out(self):
        """Keys of the objects this map's options leave out (e.g. orders sent to invoices)."""
        return {obj.key for obj in self.source_id._schema().objects
                if (obj.option and not self[obj.option])
                or (obj.loader in self.env and self.env[obj.loader]._skipped_by_map(self, obj))}

    def _provision(self, run):
        """Create what the map needs and Odoo lacks: x_ fields (labelled in English and in
        Portuguese), option records, the "Migrated fields" page of each form. Journaled,
        never done twice."""
        self.ensure_one()
        fields_ = self.env["ir.model.fields"].sudo()
        needed = {key: spec for key, spec in self._needed_fields().items() if not fields_._get(*key)}
        if needed:
            created = fields_.create([self._field_values(model, name, spec)
                                      for (model, name), spec in needed.items()])
            self.env["crm.migration.journal"]._log(run, "provision", "create", "ir.model.fields",
                                                   created.ids)
            if self.env["res.lang"]._lang_get("pt_BR"):
                for field in created:
                    label_pt = needed[(field.model, field.name)].get("label_pt")
                    if label_pt:
                        field.update_field_translations("field_description", {"pt_BR": label_pt})
        self._provision_options(run)
        self._refresh_migrated_fields_views(run)

    def _field_values(self, model, name, spec):
        """ir.model.fields values of a new custom field."""
        values = {"model_id": self.env["ir.model"]._get_id(model), "name": name,
                  "ttype": spec["ttype"], "field_description": spec["label"], "state": "manual"}
        if spec["ttype"] == "selection":
            values["selection_ids"] = [
                fields.Command.create({"value": key, "name": label, "sequence": index})
                for index, (key, label) in enumerate(spec.get("selection") or [])]
        elif spec["ttype"] in ("many2one", "many2many"):
            values["relation"] = spec["relation"]
            values["on_delete"] = "set null" if spec["ttype"] == "many2one" else False
            if spec["ttype"] == "many2many":
                table, other = self.env[model]._table, self.env[spec["relation"]]._table
                values.update(
                    relation_table=f"x_{table}_{name}_rel"[:63],
                    column1=f"{table}_id", column2=f"{other}_id" if other != table else "x_other_id")
        return {key: value for key, value in values.items() if value is not False}

    def _provision_options(self, run):
        """Records of the tag models that multi-option fields link to, one per source option."""
        source = self.source_id
        identity = self.env["crm.migration.identity"]
        for line in self.line_ids.filtered(
                lambda l: l.action != "skip" and l.converter == CONVERTER
                and (l.params or {}).get("type") in ("option", "options")):
            params = line._engine_params()
            relation = params.get("relation")
            if params.get("ttype") not in ("many2one", "many2many") or not relation:
                continue
            option_entity = source._spec().custom_fields.option_entity
            known = identity._resolve(source, option_entity, line.option_ids.mapped("source_key"))
            created, pairs = self.env[relation], []
            for option in line.option_ids.filtered(lambda o, known=known: o.source_key not in known):
                name = option.target or option.source_label
                record = self.env[relation].search([("name", "=", name)], limit=1)
                if not record:
                    record = self.env[relation].create({"name": name})
                    created |= record
                pairs.append((option.source_key, record.id))
            identity._bind(source, option_entity, pairs, relation, run)
            self.env["crm.migration.journal"]._log(run, "provision", "create", relation, created.ids)

    @api.model
    def _refresh_migrated_fields_views(self, run=None, without=frozenset()):
        """One "Migrated fields" page per form, shared by every source: the x_ fields their
        maps write that exist, but the (model, field) pairs ``without`` (about to be deleted),
        a group per source. Replaces the per-source pages of earlier versions; removed when
        no field is left. A page made for ``run`` is journaled, to go with its rollback."""
        views = self.env["ir.ui.view"].sudo().with_context(active_test=False, lang="en_US")
        page_fields = self._page_fields()
        title = views.env._("Migrated fields")
        titles = {code: {title: self.with_context(lang=code).env._("Migrated fields")}
                  for code, _name in self.env["res.lang"].get_installed() if code != "en_US"}
        for model, form in FORM_VIEWS.items():
            key = f"crm_migration.migrated_fields_{model.replace('.', '_')}"
            views.search([("model", "=", model), ("key", "!=", key),
                          ("key", "=like", "crm_migration.migrated_fields_%")]).unlink()
            view = views.search([("key", "=", key)], limit=1)
            parent = self.env.ref(form, raise_if_not_found=False) if model in self.env else None
            existing = self.env["ir.model.fields"]._get_ids(model) if parent else {}
            groups = {}
            for name, (source, flags, readonly) in sorted(page_fields.get(model, {}).items()):
                if name in existing and (model, name) not in without:
                    groups.setdefault(source, []).append((name, flags, readonly))
            if not groups:
                view.unlink()
                continue
            arch = self._migrated_fields_arch(groups)
            if not view:
                view = views.create({"name": f"{model} migrated fields", "key": key, "model": model,
                                     "inherit_id": parent.id, "mode": "extension",
                                     "arch_db": arch, "priority": 90})
                if run:
                    self.env["crm.migration.journal"]._log(run, "provision", "create", "ir.ui.view",
                                                           view.ids)
            elif view.arch_db != arch:
                view.arch_db = arch
            if titles:
                view.update_field_translations("arch_db", titles)

    @api.model
    def _page_fields(self):
        """{model: {x_ field: (source, flags, readonly)}} of the fields the map of each source
        writes (its confirmed one, else its newest), ``source`` the first source writing it.
        ``flags`` {boolean field: value} are the defaults every object writing the field
        shares (a company-only field: is_company True), to show it on those records only;
        source ids are read-only."""
        sources = self.env["crm.migration.source"].sudo().with_context(active_test=False).search(
            [("map_ids", "!=", False)], order="id")
        page = {}
        for source in sources:
            schema = source._schema()
            fmap = source._confirmed_map() or source._current_map()
            left_out = fmap._objects_left_out()
            for line in fmap.line_ids.filtered(lambda l, left_out=left_out: l.action != "skip"
                                               and l._applies() and l.object_key not in left_out):
                obj = schema.object(line.object_key)
                model = self.env[obj.model]
                flags = {name: value for name, value in (obj.defaults or {}).items()
                         if isinstance(value, bool) and name in model._fields
                         and model._fields[name].type == "boolean"}
                names = [line.target_field] + [aux[0] for aux in (line.params or {}).get("new_fields", ())]
                for name in (n for n in names if n and n.startswith("x_")):
                    readonly = line.converter == "source_id" and name == line.target_field
                    known = page.setdefault(obj.model, {}).get(name)
                    if known:
                        source_, shared, was_readonly = known
                        page[obj.model][name] = (
                            source_, {flag: value for flag, value in shared.items()
                                      if flags.get(flag) is value}, readonly or was_readonly)
                    else:
                        page[obj.model][name] = (source, flags, readonly)
        return page

    @api.model
    def _migrated_fields_arch(self, groups):
        """The arch of a "Migrated fields" page: ``groups`` {source: [(name, flags, readonly)]}."""
        def attributes(flags, readonly):
            expr = " or ".join(f"not {flag}" if value else flag for flag, value in sorted(flags.items()))
            return (f' invisible="{expr}"' if expr else "") + (' readonly="1"' if readonly else "")
        groups_xml = "".join(
            f'<group string="{escape(source.name)}">'
            + "".join(f'<field name="{name}"{attributes(flags, readonly)}/>' for name, flags, readonly in shown)
            + "</group>"
            for source, shown in sorted(groups.items(), key=lambda item: item[0].id))
        title = self.with_context(lang="en_US").env._("Migrated fields")
        return (f'<data><xpath expr="//sheet/notebook" position="inside">'
                f'<page string="{title}" name="crm_migration_fields">'
                f'{groups_xml}</page></xpath></data>')

    # -- options ----------------------------------------------------------------------

    def _option_fields(self):
        """The map's options: exported with it and kept by its next versions."""
        return ["hold_conversion_errors", "apply_stage_probability", "shared_tags",
                "order_target"]

    def _option_values(self):
        self.ensure_one()
        return {name: self[name] for name in self._option_fields()}

    @api.model
    def _options_from(self, options):
        """Option values read from an exported map; unknown or invalid values fall back to
        the defaults, as for a map exported before an option existed."""
        defaults = self.default_get(self._option_fields())
        values = {}
        for name in self._option_fields():
            field, value = self._fields[name], options.get(name)
            if field.type == "boolean":
                values[name] = bool(value)
            elif field.type == "selection":
                keys = [key for key, _label in field._description_selection(self.env)]
                values[name] = value if value in keys else defaults.get(name)
        return values

    # -- JSON export and import ------------------------------------------------------

    def _export_data(self):
        """The map as a JSON-serializable dict (reused on another database)."""
        self.ensure_one()
        return {
            "format": EXPORT_FORMAT, "format_version": EXPORT_VERSION,
            "source_kind": self.source_id.kind, "map_version": self.version,
            "options": self._option_values(),
            "lines": [line._export_data() for line in self.line_ids.sorted(
                lambda l: (l.object_sequence, l.object_key, l.sequence, l.source_path))],
        }

    def action_export_json(self):
        """Download the map as a JSON file."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].create({
            "name": f"{self.source_id.name} map v{self.version}.json",
            "raw": json.dumps(self._export_data(), ensure_ascii=False, indent=2).encode(),
            "mimetype": "application/json", "res_model": self._name, "res_id": self.id,
        })
        return {"type": "ir.actions.act_url", "target": "download",
                "url": f"/web/content/{attachment.id}?download=true"}

    @api.model
    def _import_data(self, source, data):
        """A new draft map of ``source`` from exported data; the current one is kept as is."""
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise UserError(self.env._("This file is not a crm_migration map."))
        if data.get("source_kind") != source.kind:
            raise UserError(self.env._("This map is for a %(kind)s source, not %(name)s.",
                                       kind=data.get("source_kind"), name=source.name))
        schema = source._schema()
        objects = {obj.key: obj for obj in schema.objects}
        line_model = self.env["crm.migration.map.line"]
        lines = []
        for item in data.get("lines") or ():
            obj = objects.get(item.get("object"))
            if not obj:
                raise UserError(self.env._("Unknown object %s in the map file.", item.get("object")))
            lines.append(line_model._from_export(obj, item))
        options = data.get("options") or {}
        current = source._current_map()
        return self.create({
            "source_id": source.id, "version": (current.version + 1) if current else 1,
            **self._options_from(options),
            "line_ids": [fields.Command.create(vals) for vals in lines],
            # what this database's source refuses is its own, not the file's
            "refusal_ids": [fields.Command.create(vals) for vals in
                            current.refusal_ids.copy_data({"map_id": False})],
        })


class CrmMigrationMapLine(models.Model):
    """One source field of one object and where it lands in Odoo."""

    _name = "crm.migration.map.line"
    _description = "Migration Field Map Line"
    _order = "map_id, object_sequence, sequence, id"
    _rec_names_search = ["source_label", "source_path"]

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
    custom = fields.Boolean(compute="_compute_custom", store=True,
                            help="A custom field of the source account.")
    action = fields.Selection(
        [("existing", "Existing field"), ("new", "New custom field"), ("skip", "Do not migrate")],
        required=True, default="existing",
    )
    target_field = fields.Char("Odoo field")
    new_field_type = fields.Selection(NEW_FIELD_TYPES)
    new_field_label = fields.Char()
    converter = fields.Selection(
        lambda self: [(name, name) for name in SOURCES.converter_names()],
        required=True, default="direct",
    )
    params = fields.Json()
    relation = fields.Char("Linked model", compute="_compute_relation")
    option_ids = fields.One2many("crm.migration.map.option", "line_id", "Options", copy=True)
    confidence = fields.Float(digits=(3, 2), default=1.0, aggregator="avg",
                              help="How sure the proposal is, from 0 % to 100 %.")
    reasons = fields.Json(help="[{code, params}] of the proposal's evidence.")
    reasons_text = fields.Text("Why", compute="_compute_reasons_text")
    profile = fields.Json(help="Profile of the source field when the line was proposed.")
    fill_rate = fields.Float("Filled (%)", digits=(5, 1), readonly=True, aggregator="avg")
    reviewed = fields.Boolean(help="Accepted by the admin.")
    required = fields.Boolean(readonly=True)
    note = fields.Text(readonly=True)

    _sql_constraints = [
        ("source_uniq", "UNIQUE(map_id, object_key, source_path)",
         "A source field appears once per object in a map."),
        ("confidence_range", "CHECK(confidence >= 0 AND confidence <= 1)",
         "Confidence is between 0 and 1."),
    ]

    @api.constrains("params", "action", "target_field", "converter")
    def _check_option_relation(self):
        """Option lines create a record per source option in their linked model: never in
        a security or configuration model, whatever the line says."""
        for line in self.filtered(lambda l: l.converter == CONVERTER and l.action != "skip"
                                  and (l.params or {}).get("type") in ("option", "options")):
            relation = line._engine_params().get("relation")
            if relation and protected_model(relation):
                raise ValidationError(self.env._(
                    "%(field)s cannot link to %(model)s: a migration never creates records "
                    "there.", field=line.source_label or line.source_path, model=relation))

    @api.depends("object_label", "source_label", "source_path")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.object_label}: {line.source_label or line.source_path}"

    @api.depends("source_path", "map_id.source_id.kind")
    def _compute_custom(self):
        for line in self:
            custom_fields = line.map_id.source_id._spec().custom_fields
            line.custom = custom_fields.is_custom(line.source_path or "")

    @api.depends("params", "action", "target_field")
    def _compute_relation(self):
        for line in self:
            line.relation = line._engine_params().get("relation") or False

    @api.depends("reasons")
    @api.depends_context("lang")
    def _compute_reasons_text(self):
        templates = {code: self.env._(text) for code, text in REASON_TEXTS.items()}
        patterns = {code: self.env._(text) for code, text in PATTERN_NOUNS.items()}
        converters = {code: self.env._(text) for code, text in CONVERTER_NOUNS.items()}
        for line in self:
            texts = []
            for item in line.reasons or ():
                reason = Reason(item["code"], item.get("params") or {})
                try:
                    texts.append(reason.text(templates, patterns, converters))
                except (KeyError, ValueError):
                    texts.append(reason.text())
            line.reasons_text = "; ".join(texts) or False

    # -- building lines ------------------------------------------------------------------

    @api.model
    def _from_spec(self, obj, spec, sequence):
        """Values of a map line proposed from a standard field of the schema."""
        new = spec.new_field is not None
        params = dict(spec.params)
        if spec.aux_fields:
            params["new_fields"] = [list(aux[:3]) for aux in spec.aux_fields]
        return {
            "object_key": obj.key, "object_label": obj.label_in(self.env.lang), "object_sequence": obj.sequence,
            "target_model": obj.model, "sequence": sequence, "source_path": spec.path,
            "source_label": spec.label_pt if spec.label_pt == spec.label
            else f"{spec.label_pt} ({spec.label})",
            "source_type": spec.type,
            "action": "skip" if not spec.target else ("new" if new else "existing"),
            "target_field": spec.target,
            "new_field_type": spec.new_field[0] if new else False,
            "new_field_label": spec.new_field[1] if new else False,
            "converter": spec.converter, "params": params, "confidence": 1.0,
            "reasons": [{"code": "standard", "params": {"object": obj.label_in(self.env.lang)}}],
            "reviewed": True, "required": spec.required, "note": spec.note,
        }

    @api.model
    def _from_proposal(self, obj, profile, proposal, sequence):
        """Values of a map line for a custom field, from the proposal engine."""
        params = dict(proposal.params)
        options = [(str(key), name) for key, name in profile.options or ()]
        keys = params.get("options") or {}
        selection = dict(params.get("selection") or ())
        return {
            "object_key": obj.key, "object_label": obj.label_in(self.env.lang), "object_sequence": obj.sequence,
            "target_model": obj.model, "sequence": sequence, "source_path": profile.path,
            "source_label": profile.label, "source_type": profile.source_type,
            "action": proposal.action, "target_field": proposal.target,
            "new_field_type": proposal.new_field_type or False,
            "new_field_label": proposal.new_field_label or False,
            "converter": proposal.converter if proposal.action != "skip" else CONVERTER,
            "params": {key: value for key, value in params.items() if key != "options"},
            "confidence": proposal.confidence,
            "reasons": [reason.as_dict() for reason in proposal.reasons],
            "profile": profile.data, "fill_rate": profile.fill_rate,
            "required": profile.required,
            "option_ids": [fields.Command.create({
                "sequence": index, "source_key": key, "source_label": name,
                "target": keys.get(key) or False,
                "target_label": selection.get(keys.get(key)) or False,
            }) for index, (key, name) in enumerate(options)],
        }

    def _export_data(self):
        self.ensure_one()
        return {
            "object": self.object_key, "source": self.source_path, "sequence": self.sequence,
            "label": self.source_label,
            "type": self.source_type, "action": self.action, "target": self.target_field or None,
            "new_field_type": self.new_field_type or None,
            "new_field_label": self.new_field_label or None, "converter": self.converter,
            "params": self.params or {}, "confidence": self.confidence, "reviewed": self.reviewed,
            "options": [[o.source_key, o.source_label, o.target or None, o.target_label or None]
                        for o in self.option_ids.sorted("sequence")],
        }

    @api.model
    def _from_export(self, obj, item):
        return {
            "object_key": obj.key, "object_label": obj.label_in(self.env.lang), "object_sequence": obj.sequence,
            "target_model": obj.model, "source_path": item["source"],
            "sequence": item.get("sequence", 10),
            "source_label": item.get("label"), "source_type": item.get("type"),
            "action": item.get("action") or "skip", "target_field": item.get("target") or False,
            "new_field_type": item.get("new_field_type") or False,
            "new_field_label": item.get("new_field_label") or False,
            "converter": item.get("converter") or "direct", "params": item.get("params") or {},
            "confidence": item.get("confidence", 1.0), "reviewed": bool(item.get("reviewed")),
            "reasons": [{"code": "imported", "params": {}}],
            "option_ids": [fields.Command.create({
                "sequence": index, "source_key": str(key), "source_label": label,
                "target": target or False, "target_label": target_label or False,
            }) for index, (key, label, target, target_label) in enumerate(item.get("options") or ())],
        }

    # -- what the engine and the validation read -------------------------------------

    def _target_ttype(self):
        """Type of the field this line writes (existing or to create)."""
        self.ensure_one()
        if self.action == "new":
            return self.new_field_type
        field = self.env[self.target_model]._fields.get(self.target_field or "")
        return field.type if field else None

    def _engine_params(self):
        """Converter params, completed from the line's target and option rows."""
        self.ensure_one()
        params = dict(self.params or {})
        if self.converter != CONVERTER or self.action == "skip":
            return params
        params["ttype"] = self._target_ttype()
        field = self.env[self.target_model]._fields.get(self.target_field or "")
        if field and field.relational:
            params["relation"] = field.comodel_name
        if self.option_ids and params["ttype"] == "selection":
            params["options"] = {o.source_key: o.target for o in self.option_ids if o.target}
        return params

    def _spec_targets(self):
        """Every Odoo field name this line fills (its target and the converter's extra ones)."""
        self.ensure_one()
        params = self.params or {}
        names = [self.target_field] + [params.get(key) for key in
                                       ("mobile_target", "extra_target", "child_target")]
        names += [name for name, _t, _l in params.get("new_fields", ())]
        names += list(params.get("fills", ()))
        return [name for name in names if name]

    def _spec(self):
        """This line for :func:`validate_map`."""
        self.ensure_one()
        profile = FieldProfile.from_dict(self.profile) if self.profile else None
        return MapLineSpec(
            self.object_key, self.target_model, self.source_path, self.source_type or "unknown",
            self.action, self.target_field or None, self._target_ttype(), self.converter,
            self._engine_params(), profile, self.source_label or "",
            tuple((o.source_key, o.source_label) for o in self.option_ids))

    # -- edits -----------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self.env["crm.migration.map"].browse(
            {vals["map_id"] for vals in vals_list if vals.get("map_id")})._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.map_id._check_editable()
        return super().write(vals)

    def unlink(self):
        self.map_id._check_editable()
        return super().unlink()

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

    def action_open_options(self):
        """The line with its options, to map source options value by value."""
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new",
                "views": [(self.env.ref("crm_migration.crm_migration_map_line_view_form").id, "form")]}

    def action_accept(self):
        """Mark the selected lines as reviewed (bulk accept)."""
        self.write({"reviewed": True})
        return True


class CrmMigrationMapOption(models.Model):
    """One option of a source option field and the Odoo value it becomes."""

    _name = "crm.migration.map.option"
    _description = "Migration Field Map Option"
    _order = "line_id, sequence, id"

    line_id = fields.Many2one("crm.migration.map.line", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    source_key = fields.Char("Source option id", required=True)
    source_label = fields.Char("Source option")
    target = fields.Char("Odoo value", help="Selection key (or tag name) it becomes.")
    target_label = fields.Char("Odoo label")

    @api.model_create_multi
    def create(self, vals_list):
        self.env["crm.migration.map.line"].browse(
            {vals["line_id"] for vals in vals_list if vals.get("line_id")}).map_id._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.line_id.map_id._check_editable()
        return super().write(vals)

    def unlink(self):
        self.line_id.map_id._check_editable()
        return super().unlink()


class CrmMigrationMapRefusal(models.Model):
    """An entity the source refused to the API key, and the admin's word to leave out
    the objects that read it."""

    _name = "crm.migration.map.refusal"
    _description = "Migration Field Map Refused Entity"
    _order = "map_id, entity"

    map_id = fields.Many2one("crm.migration.map", required=True, ondelete="cascade", index=True)
    entity = fields.Char(required=True, readonly=True)
    status = fields.Integer("HTTP status", readonly=True)
    message = fields.Char("Source's answer", readonly=True)
    object_labels = fields.Char("Left out", compute="_compute_object_labels",
                                help="The objects that read this entity: not migrated.")
    acknowledged = fields.Boolean(
        "Leave out", help="Migrate without the objects that read this entity. Or give the API "
                          "key access to it and profile the source again.")

    @api.depends("entity", "map_id.source_id.kind")
    @api.depends_context("lang")
    def _compute_object_labels(self):
        for refusal in self:
            schema = refusal.map_id.source_id._schema()
            refusal.object_labels = ", ".join(
                obj.label_in(self.env.lang) for obj in schema.objects_reading(refusal.entity)
            ) or self.env._("none")

    @api.model_create_multi
    def create(self, vals_list):
        self.env["crm.migration.map"].browse(
            {vals["map_id"] for vals in vals_list if vals.get("map_id")})._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.map_id._check_editable()
        return super().write(vals)

    def unlink(self):
        self.map_id._check_editable()
        return super().unlink()
