import logging
from collections import defaultdict, namedtuple

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize, html_sanitize, plaintext2html
from odoo.tools.mail import single_email_re
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.phone_validation.tools.phone_validation import phone_format

from ..mapping.converters import ConversionContext
from ..mapping.transform import Problem, ProblemCollector, transform_record
from .crm_migration_identity import blank
from .crm_migration_journal import pop_sql_fields, snapshot, write_sql_fields

_logger = logging.getLogger(__name__)

#: What a converted record becomes: an Odoo model (None: skipped) and its values.
Target = namedtuple("Target", "model values")

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}

#: Models whose records Odoo gives no company by default, though they belong to one: a
#: source's are its company's (a sales team's leads and orders then follow it).
COMPANY_MODELS = frozenset({"crm.team"})

#: Declared types kept when the bytes are plain text: they only refine text/plain.
TEXT_TYPES = frozenset({"text/plain", "text/csv", "text/tab-separated-values", "text/markdown",
                        "text/calendar", "application/json"})
#: Types a browser would render as markup or script: stored as plain text.
MARKUP_TYPES = frozenset({"text/html", "application/xhtml+xml", "image/svg+xml", "application/xml",
                          "text/xml", "text/javascript", "application/javascript"})


def sniffed_mimetype(data, declared=None):
    """The MIME type of a downloaded file from its bytes (Odoo's guess_mimetype), never
    from the source's word alone: a declared text type only refines plain text, and markup
    is stored as plain text (never served as a page)."""
    sniffed = guess_mimetype(data or b"", default="application/octet-stream")
    declared = (declared or "").split(";")[0].strip().lower()
    if sniffed == "text/plain" and declared in TEXT_TYPES:
        sniffed = declared
    return "text/plain" if sniffed in MARKUP_TYPES else sniffed


class OdooConversionContext(ProblemCollector, ConversionContext):
    """Answers the converters' questions from the identity map, staging and Odoo.

    In a dry run (validation) a reference resolves when the source holds it,
    since it will be loaded before the record that points to it.
    """

    def __init__(self, env, run, dry_run=False):
        self.env = env
        self.run = run
        self.source = run.source_id
        self.spec = self.source._spec()
        self.schema = self.spec.schema
        self.dry_run = dry_run
        self._identities = defaultdict(dict)
        self._models = defaultdict(dict)  # the model of each live identity
        self._staged = defaultdict(dict)
        self._lookups = {}
        self._users = None
        self._countries = {}
        self._states = {}
        self._named = {}
        self._batch_key, self._batch_payloads = None, {}
        self.start_record()

    # -- identity map and staging ------------------------------------------------

    def prefetch(self, entity, keys):
        """Load the identities of ``keys`` at once (a batch refers to many)."""
        keys = {str(key) for key in keys if not blank(key)}
        keys -= set(self._identities[entity])
        if not keys:
            return
        if self.dry_run:
            staged = entity.split("#")[0]  # an identity namespace of a staged entity
            self.prefetch_rows(staged, keys)
            for key in keys:
                self._identities[entity][key] = -1 if self._staged[staged].get(key) else None
            return
        found = self.env["crm.migration.identity"]._resolve(self.source, entity, keys)
        by_model = defaultdict(set)
        for model, res_id in found.values():
            by_model[model].add(res_id)
        alive = {model: set(self.env[model].browse(list(ids)).exists().ids)
                 for model, ids in by_model.items() if model in self.env}
        for key in keys:
            model, res_id = found.get(key, (None, None))
            live = res_id in alive.get(model, ())
            self._identities[entity][key] = res_id if live else None
            self._models[entity][key] = model if live else None

    def payloads(self, staged):
        """{id: payload} of a batch's staged rows, read once for the whole batch."""
        key = tuple(staged.ids)
        if self._batch_key != key:
            self._batch_key, self._batch_payloads = key, staged._payloads()
        return self._batch_payloads

    def payload_of(self, rec):
        """The payload of a staged row of the batch read by ``payloads``."""
        return self._batch_payloads[rec.id]

    def prefetch_rows(self, entity, keys):
        """Load the staged payloads of ``keys`` at once."""
        keys = {str(key) for key in keys if not blank(key)} - set(self._staged[entity])
        if not keys:
            return
        rows = self.env["crm.migration.record"]._payloads_by_key(self.source, entity, keys)
        for key in keys:
            self._staged[entity][key] = rows.get(key)

    def resolve(self, entity, key):
        if blank(key):
            return None
        key = str(key)
        if key not in self._identities[entity]:
            self.prefetch(entity, [key])
        return self._identities[entity][key]

    def record_of(self, entity, key):
        """(model, id) of the live Odoo record a source record became, or (None, None)."""
        res_id = self.resolve(entity, key)
        model = self._models[entity].get(str(key)) if res_id else None
        return (model, res_id) if model else (None, None)

    def exists_in_source(self, entity, key):
        return bool(self._row(entity.split("#")[0], key))  # an identity namespace of an entity

    def _row(self, entity, key):
        key = str(key)
        if key not in self._staged[entity]:
            self.prefetch_rows(entity, [key])
        return self._staged[entity][key]

    def lookup(self, entity, key):
        if blank(key):
            return None
        if entity not in self._lookups:
            spec = next((e for e in self.schema.entities if e.name == entity), None)
            if not spec or not spec.lookup:
                return self._row(entity, key)
            self._lookups[entity] = self.env["crm.migration.record"]._payloads_by_key(
                self.source, entity, live=False)
        return self._lookups[entity].get(str(key))

    # -- owners --------------------------------------------------------------------

    def user_partner(self, user_id):
        return self.env["res.users"].browse(user_id).partner_id.id or False

    def partner_by_email(self, email):
        normalized = email_normalize(email or "")
        if not normalized:
            return None
        partners = self.env["res.partner"].with_context(active_test=False).search(
            [("email_normalized", "=", normalized)], order="id")
        return (partners.filtered("user_ids")[:1] or partners[:1]).id or None

    def user(self, source_user_id):
        if self._users is None:
            self._users = {
                match.source_key: match
                for match in self.env["crm.migration.user.match"].search(
                    [("source_id", "=", self.source.id)])
            }
        match = self._users.get(str(source_user_id))
        fallback = self.source.fallback_user_id
        if match is None:
            self.problem("unknown_owner", self.env._("Owner %s is not a user of the source.", source_user_id))
            return fallback.id or None
        if match.user_id:
            if not match.user_id.active:
                self.problem("inactive_owner", self.env._("Owner %(name)s is an inactive Odoo user.",
                                                 name=match.user_id.name))
            return match.user_id.id
        owner = f"{match.name} <{match.email or '-'}>"  # not inside _(): babel cannot parse f-strings
        if fallback:
            self.problem("unmatched_owner", self.env._(
                "Owner %(owner)s has no Odoo user: assigned to %(fallback)s.",
                owner=owner, fallback=fallback.name))
            return fallback.id
        self.problem("unmatched_owner", self.env._(
            "Owner %(owner)s has no Odoo user: loaded without owner.",
            owner=owner))
        return None

    # -- Odoo reference data -------------------------------------------------------

    def country_id(self, country_code):
        code = (country_code or "").upper()
        if code not in self._countries:
            self._countries[code] = self.env["res.country"].search([("code", "=", code)], limit=1)
        return self._countries[code].id or None

    def state_id(self, country_code, state_code):
        key = ((country_code or "").upper(), (state_code or "").upper())
        if key not in self._states:
            self._states[key] = self.env["res.country.state"].search(
                [("country_id.code", "=", key[0]), ("code", "=", key[1])], limit=1)
        return self._states[key].id or None

    def identification_type_id(self, code):
        if "l10n_latam.identification.type" not in self.env:
            return None
        record = self.env.ref(f"l10n_br.{code}", raise_if_not_found=False)
        return record.id if record else None

    def email_normalize(self, text):
        """Odoo's normalized address, if the text holds exactly one valid address."""
        normalized = email_normalize(text)
        if normalized and single_email_re.match(normalized) and normalized in text.lower():
            return normalized
        return None

    def html_sanitize(self, html):
        return html_sanitize(html)

    def plaintext2html(self, text):
        return plaintext2html(text)

    def phone_format(self, number, country_code):
        """Odoo's international format of ``number``, or None when it is no phone number
        (Odoo's own helper would hand the text back as it came)."""
        country = self.env["res.country"].browse(self.country_id(country_code))
        try:
            return phone_format(number, country.code, country.phone_code,
                                force_format="INTERNATIONAL", raise_exception=True)
        except UserError:
            return None

    def record_by_name(self, model, name, create=False):
        key = (model, name)
        if key not in self._named:
            record = self.env[model].with_context(active_test=False).search([("name", "=", name)], limit=1)
            if not record and create and not self.dry_run:
                record = self.env[model].create({"name": name})
                self.env["crm.migration.journal"]._log(self.run, "lookup", "create", model, record.ids)
            self._named[key] = record.id or (-1 if create else None)
        return self._named[key]

    def currency_code(self):
        return self.source.company_id.currency_id.name


def same_value(record, name, new):
    """Whether ``record.name`` already holds what writing ``new`` would store."""
    field = record._fields[name]
    current = record[name]
    if field.type == "many2one":
        return current.id == (new or False)
    if field.type in ("many2many", "one2many"):
        ids = set()
        for command in new or ():
            if command[0] == 6:
                ids = set(command[2])
            elif command[0] == 4:
                ids.add(command[1])
        return set(current.ids) == ids
    if field.type in ("float", "monetary"):
        return abs((current or 0.0) - (new or 0.0)) < 1e-6
    cached = field.convert_to_cache(new, record)
    return field.convert_to_record(cached, record) == current


class CrmMigrationLoader(models.AbstractModel):
    """Loads staged records of one source object into its Odoo model.

    Objects with special needs name a loader inheriting this one.
    """

    _name = "crm.migration.loader"
    _description = "Migration Loader"

    #: The class of the context the converters ask their questions to.
    CONVERSION_CONTEXT = OdooConversionContext
    #: Whether a sample's spot check compares this object's records field by field.
    SPOT_CHECK = True

    # -- hooks ---------------------------------------------------------------------

    def _postprocess(self, obj, payload, values):
        """Adjust converted values before they are written."""
        return values

    def _finish_phase(self, phase, obj):
        """Called once when a load phase has processed its last batch."""

    def _after_load(self, ctx, phase, obj, items):
        """Called once a batch is written, with its conversion context and its
        (staged, values, problems, record)."""

    def _phase_skip(self, run, obj):
        """A notice when this object's phase is to be skipped in ``run`` (e.g. a map option)."""
        # A delta run plans its load before it takes the map: read the source's then.
        return self._skipped_by_map(run.map_id or run.source_id._confirmed_map(), obj)

    def _skipped_by_map(self, fmap, obj):
        """A notice when the map leaves this object out (it then needs no field): by an
        option, or because the source refused an entity it reads."""
        return fmap._refusal_notice(obj)

    def _phase_notice(self, run, obj):
        """A notice shown on this object's phase, e.g. a link left out for want of a module."""
        return None

    def _skip_reason(self, ctx, obj, payload, values):
        """Why a converted record is not to be loaded (it is counted skipped), or None."""
        return None

    def _changes(self, record, values):
        """The values that differ from what ``record`` holds: what an update writes."""
        return {name: value for name, value in values.items() if not same_value(record, name, value)}

    def _find_existing(self, obj, model, values_list):
        """Existing records to reuse for new values (``match_on``): {index: record}."""
        if not obj.match_on or not values_list:
            return {}
        found = {}
        names = obj.match_on
        domain = [(names[0], "in", [v.get(names[0]) for v in values_list])]
        if model._name in COMPANY_MODELS:
            domain.append(("company_id", "in", [False, self.env.company.id]))
        candidates = model.search(domain)
        index = {tuple(rec[name] for name in names): rec for rec in candidates}
        for position, values in enumerate(values_list):
            record = index.get(tuple(values.get(name) for name in names))
            if record:
                found[position] = record
        return found

    def _quiet(self):
        """The context records are written with: no tracking, no mail, no notification."""
        return QUIET

    def _prepare(self, phase, model, to_create, to_update):
        """Last step before writing one model's records: (to create, to update, failed
        [(staged, problems, code, message, level)])."""
        return to_create, to_update, []

    def _retire(self, phase, obj, rec, model, res_id, new_model):
        """What a source record became before, when it now becomes a record of another
        model (or its record is gone): issues. Nothing to do by default."""
        return []

    def _conversion_context(self, run, dry_run=False):
        """The context the converters of this loader's objects ask their questions to."""
        return self.CONVERSION_CONTEXT(self.env, run, dry_run=dry_run)

    # -- batches -------------------------------------------------------------------

    def _targets(self, ctx, obj, lines, staged):
        """[(staged record, Target, problems)] of a batch: the model each record becomes
        (the object's own; None: skipped) and its values."""
        return [(rec, Target(obj.model, values), problems)
                for rec, values, problems in self._transform(ctx, obj, lines, staged)]

    def _transform(self, ctx, obj, lines, staged):
        """[(staged record, values, problems)] of a batch."""
        payloads = ctx.payloads(staged)
        for entity, keys in self._references(ctx, lines, payloads.values()).items():
            ctx.prefetch(entity, keys)
            ctx.prefetch_rows(entity, keys)
        result = []
        for rec in staged:
            payload = payloads[rec.id]
            values, problems = transform_record(payload, lines, ctx, obj.defaults)
            result.append((rec, self._postprocess(obj, payload, values), problems))
        return result

    @api.model
    def _references(self, ctx, lines, payloads):
        """{entity: keys} the lines of a batch will resolve."""
        refs = defaultdict(set)
        for line in lines:
            params = ctx.converters.params(line)
            entity = params.get("entity")
            path = params.get("parent_path")
            if path and params.get("parent_entity"):
                refs[params["parent_entity"]].update(ctx.value_at(p, path) for p in payloads)
            if entity:
                for payload in payloads:
                    value = ctx.value_at(payload, line.source)
                    if isinstance(value, (int, str)):
                        refs[entity].add(value)
        return refs

    def _validate_batch(self, phase, obj, staged):
        """Convert a batch without writing; log every problem found."""
        run = phase.run_id
        ctx = self._conversion_context(run, dry_run=True)
        lines = run.map_id._lines_for(obj.key)
        counts = defaultdict(int, done=len(staged))
        issues = []
        payloads = ctx.payloads(staged)
        for rec, target, problems in self._targets(ctx, obj, lines, staged):
            self._count_problems(counts, problems)
            issues += self._issue_values(phase, obj, rec, problems)
            # pylint: disable-next=assignment-from-none  # a hook: loaders override it
            reason = self._skip_reason(ctx, obj, payloads[rec.id], target.values)
            if reason:
                counts["skipped"] += 1
                issues.append(self._issue(phase, obj, rec, "skipped", "info", reason))
        self.env["crm.migration.issue"].create(issues)
        return counts

    def _load_batch(self, phase, obj, staged):
        """Load a batch: each record is created, linked, updated, left unchanged, held,
        skipped or failed, bound in the identity map, verified and counted; return the
        counts. Loaders change how a record is shaped (``_targets``), prepared
        (``_prepare``) or written (``_create``), never this loop."""
        run = phase.run_id
        ctx = self._conversion_context(run)
        ctx.phase_key = phase.key
        known = self.env["crm.migration.identity"]._resolve(
            run.source_id, obj.identity_entity, staged.mapped("source_key"))
        payloads = ctx.payloads(staged)
        plans = defaultdict(lambda: ([], []))
        alive = {}
        skipped, issues = [], []
        lines = run.map_id._lines_for(obj.key)
        for rec, target, problems in self._targets(ctx, obj, lines, staged):
            # pylint: disable-next=assignment-from-none  # a hook: loaders override it
            reason = self._skip_reason(ctx, obj, payloads[rec.id], target.values)
            if reason:
                skipped.append((rec, problems, "skipped", reason, "info"))
            elif run.map_id.hold_conversion_errors and any(p.conversion for p in problems):
                skipped.append((rec, problems, "held", self.env._(
                    "Held: a value could not be converted (map option)."), "error"))
            elif not target.model:
                skipped.append((rec, problems, None, None, None))
            else:
                bound_model, bound_id = known.get(rec.source_key, (None, None))
                record = self._alive(alive, known, target.model).get(bound_id) \
                    if bound_model == target.model else None
                if record:
                    plans[target.model][1].append((rec, target.values, problems, record))
                else:
                    issues += self._retire(phase, obj, rec, bound_model, bound_id, target.model)
                    plans[target.model][0].append((rec, target.values, problems))
        counts = defaultdict(int, done=len(staged))
        written, failed = [], []
        for model_name, (to_create, to_update) in plans.items():
            result, not_loaded = self._write(phase, obj, model_name, to_create, to_update)
            written.append(result)
            failed += not_loaded
        loaded = [item for result in written for name in ("created", "linked", "updated", "unchanged")
                  for item in result[name]]
        self._after_load(ctx, phase, obj, loaded)
        issues += self.env["crm.migration.field.files"]._store(self, phase, obj, lines, loaded)
        for result in written:
            verified, mismatches = self._verify(result["created"] + result["updated"])
            counts["verified"] += verified + len(result["unchanged"])  # compared just before
            issues += [self._issue(phase, obj, rec, "verify_mismatch", "warning", message, record)
                       for rec, record, message in mismatches]
            for name in ("created", "linked", "updated", "unchanged"):
                counts[name] += len(result[name])
            if run.job_sample and self.SPOT_CHECK:
                self.env["crm.migration.spot.check"]._record(
                    phase, obj, result["created"] + result["updated"] + result["unchanged"],
                    payloads, same_value)
        issues += self._account(phase, obj, counts, loaded, skipped, failed)
        self.env["crm.migration.issue"].create(issues)
        return counts

    def _alive(self, cache, known, model_name):
        """{id: record} of the live ``model_name`` records the batch's identities name
        (read at once, sharing one prefetch)."""
        if model_name not in cache:
            ids = [res_id for model, res_id in known.values() if model == model_name]
            model = self.env[model_name].with_context(**self._quiet())
            cache[model_name] = {record.id: record for record in model.browse(ids).exists()}
        return cache[model_name]

    def _write(self, phase, obj, model_name, to_create, to_update):
        """Create and update the records of one model and bind the new ones; return
        ({"created", "linked", "updated", "unchanged": items}, failed)."""
        run = phase.run_id
        model = self.env[model_name].with_context(**self._quiet())
        to_create, to_update, failed = self._prepare(phase, model, to_create, to_update)
        problems_of = {item[0].id: item[2] for item in to_create + to_update}
        created, linked, create_failed = self._create(run, phase, obj, model, to_create)
        updated, unchanged, update_failed = self._update(run, phase, obj, model, to_update)
        self.env["crm.migration.identity"]._bind(
            run.source_id, obj.identity_entity,
            [(rec.source_key, record.id) for rec, _v, _p, record in created + linked], model_name, run)
        failed += [(rec, problems_of[rec.id], "load_failed",
                    self.env._("Could not be loaded: %s", exc), "error")
                   for rec, exc in create_failed + update_failed]
        return {"created": created, "linked": linked, "updated": updated,
                "unchanged": unchanged}, failed

    def _account(self, phase, obj, counts, loaded, skipped, failed):
        """Count, mark and log every record of a batch: loaded, skipped, held or failed."""
        issues = []
        for rec, _values, problems, record in loaded:
            self._count_problems(counts, problems)
            issues += self._issue_values(phase, obj, rec, problems, record)
        self.env["crm.migration.record"].browse([item[0].id for item in loaded])._mark("loaded")
        outcomes = [(item, "held" if item[2] == "held" else "skipped") for item in skipped]
        for (rec, problems, code, message, level), state in outcomes + [(i, "failed") for i in failed]:
            self._count_problems(counts, problems)
            issues += self._issue_values(phase, obj, rec, problems)
            if code:
                issues.append(self._issue(phase, obj, rec, code, level, message))
                counts["errors"] += level == "error" and not any(p.level == "error" for p in problems)
            reason = message or next((self._problem_text(p) for p in problems if p.level == "error"), None)
            rec._mark(state, reason)
        counts["skipped"] += len(skipped)
        counts["failed"] += len(failed)
        return issues

    def _create(self, run, phase, obj, model, items):
        """Create (or link, per ``match_on``) the records of new source records."""
        journal = self.env["crm.migration.journal"]
        matches = self._find_existing(obj, model, [values for _rec, values, _p in items])
        linked = [(rec, values, problems, matches[pos])
                  for pos, (rec, values, problems) in enumerate(items) if pos in matches]
        new = [item for pos, item in enumerate(items) if pos not in matches]
        if model._name in COMPANY_MODELS:
            for _rec, values, _p in new:
                values.setdefault("company_id", self.env.company.id)
        created, failed = self._create_records(obj, model, new)
        write_sql_fields(model, {item[3].id: item[1] for item in created})
        journal._log(run, phase.key, "create", model._name, [item[3].id for item in created])
        journal._log(run, phase.key, "link", model._name, [item[3].id for item in linked])
        return created, linked, failed

    def _create_records(self, obj, model, items):
        """Create ``items`` in one call; when Odoo refuses the call, in halves, down to the
        records it refuses, which are saved one by one (their optional fields dropped) or
        failed: a bad record costs a few calls, not one per record of its batch.
        Return (created, failed)."""
        if not items:
            return [], []
        if len(items) > 1:
            try:
                with self.env.cr.savepoint():
                    records = model.create([self._orm_values(values) for _rec, values, _p in items])
                    model.env.flush_all()  # what the records change is computed quietly, too
                return [(rec, values, problems, record) for (rec, values, problems), record
                        in zip(items, records, strict=True)], []
            except Exception:  # noqa: BLE001 - isolate the failing records
                half = len(items) // 2
                first, second = (self._create_records(obj, model, part)
                                 for part in (items[:half], items[half:]))
                return first[0] + second[0], first[1] + second[1]
        rec, values, problems = items[0]
        try:
            return [(rec, values, problems, self._save(obj, model.create, values, problems))], []
        except Exception as exc:  # noqa: BLE001 - one record must not stop the batch
            return [], [(rec, exc)]

    def _update(self, run, phase, obj, model, items):
        """Write what changed on already loaded records, journaling old values."""
        if not items:
            return [], [], []
        records = model.browse([item[3].id for item in items])
        names = {name for item in items for name in item[1]}
        old = snapshot(records, names)
        updated, unchanged, failed, journal = [], [], [], {}
        for rec, values, problems, record in items:
            changes = self._changes(record, values)
            if changes:
                asked = set(changes)
                try:
                    self._save(obj, record.write, changes, problems)
                except Exception as exc:  # noqa: BLE001 - one record must not stop the batch
                    failed.append((rec, exc))
                    continue
                for name in asked - set(changes):
                    values.pop(name)  # refused by Odoo: left out, not verified
                write_sql_fields(model, {record.id: changes})
            if not changes:
                unchanged.append((rec, values, problems, record))
                continue
            journal[record.id] = {name: old[record.id][name] for name in changes if name in old[record.id]}
            updated.append((rec, values, problems, record))
        self.env["crm.migration.journal"]._log(run, phase.key, "write", model._name, journal)
        return updated, unchanged, failed

    def _save(self, obj, save, values, problems):
        """``save(values)`` in a savepoint; when Odoo refuses the record, save it again
        without the object's optional fields, and say so. ``values`` loses them."""
        # Flushed in the savepoint with the quiet environment of ``save``: the fields its
        # records' changes recompute elsewhere (e.g. an order's total) are not tracked in
        # the chatter, whichever environment the transaction would flush with.
        quiet = getattr(save, "__self__", self).env
        try:
            with self.env.cr.savepoint():
                result = save(self._orm_values(values))
                quiet.flush_all()
                return result
        except (ValidationError, UserError) as exc:
            dropped = [name for name in obj.optional if name in values]
            if not dropped:
                raise
            refused = ", ".join(f"{name} = {values[name]!r}" for name in dropped)
            for name in dropped:
                values.pop(name)
            with self.env.cr.savepoint():
                result = save(self._orm_values(values))
                quiet.flush_all()
            problems.append(Problem("rejected_value", self.env._(
                "Odoo refused %(values)s (%(reason)s): loaded without it.",
                values=refused, reason=str(exc).strip()), "warning", dropped[0]))
            return result

    @api.model
    def _orm_values(self, values):
        """``values`` without the fields the ORM would silently drop."""
        values = dict(values)
        pop_sql_fields(values)
        return values

    def _verify(self, items):
        """Read the records back and compare them with what was written."""
        if not items:
            return 0, []
        items[0][3].invalidate_model()
        verified, mismatches = 0, []
        for rec, values, _problems, record in items:
            wrong = [name for name, value in values.items() if not same_value(record, name, value)]
            if wrong:
                mismatches.append((rec, record, self.env._(
                    "Read back differs from the source for: %s", ", ".join(sorted(wrong)))))
            else:
                verified += 1
        return verified, mismatches

    # -- issues --------------------------------------------------------------------

    @api.model
    def _count_problems(self, counts, problems):
        levels = {problem.level for problem in problems}
        counts["warnings"] += "warning" in levels
        counts["errors"] += "error" in levels

    def _issue(self, phase, obj, rec, code, level, message, record=None, field=None):
        return {
            "run_id": phase.run_id.id, "step": phase.kind, "phase": phase.key,
            "level": level, "code": code,
            "entity": obj.entity, "source_key": rec.source_key, "field": field,
            "message": message,
            "payload_excerpt": self.env["crm.migration.record"]._excerpt(rec.id, rec.payload_hash),
            "res_model": record._name if record else False, "res_id": record.id if record else False,
        }

    def _problem_text(self, problem):
        """A converter's problem in the admin's language (its template is in the catalog)."""
        return problem.prefix + self.env._(problem.message, **problem.params)

    def _issue_values(self, phase, obj, rec, problems, record=None):
        return [self._issue(phase, obj, rec, p.code, p.level, self._problem_text(p), record, p.field)
                for p in problems]


class CrmMigrationLoaderPartner(models.AbstractModel):
    """Companies and people: a contact under a company takes the company's address, and
    every contact under a company its commercial fields (Tax ID, credit limit...)."""

    _name = "crm.migration.loader.partner"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Contacts"

    def _transform(self, ctx, obj, lines, staged):
        result = super()._transform(ctx, obj, lines, staged)
        partners = self.env["res.partner"]
        commercial = set(partners._commercial_fields())
        brazil = self.env.ref("base.br").id
        portuguese = bool(self.env["res.lang"]._lang_get("pt_BR"))
        for _rec, values, _problems in result:
            # Brazilian partners speak Portuguese (Odoo would give them the admin's language)
            country = values.get("country_id") or self.env.company.country_id.id
            if portuguese and "lang" not in values and country == brazil:
                values["lang"] = "pt_BR"
        for _rec, values, problems in result:
            if not values.get("parent_id"):
                continue
            if values.get("type") == "contact":
                for name in partners._address_fields():
                    values.pop(name, None)
            for name in sorted(commercial & set(values)):
                if values.pop(name):
                    problems.append(Problem("commercial_field", self.env._(
                        "%(field)s is managed by the company in Odoo: the person's own value "
                        "is not kept.", field=partners._fields[name].string), "info", name))
        if "vat" in obj.optional:
            self._drop_refused_vat(result)
        return result

    def _drop_refused_vat(self, result):
        """Tax ids Odoo's VAT check (base_vat) refuses for the partner's country, left out
        before the batch is created, as :meth:`_save` would after a refused create (a
        refused record would make the whole batch be created again in halves)."""
        partners = self.env["res.partner"]
        if not hasattr(partners, "_run_vat_test") or self.env.context.get("no_vat_validation"):
            return
        countries = self.env["res.country"]
        for _rec, values, problems in result:
            vat = values.get("vat")
            if not vat or len(vat) == 1 or values.get("parent_id"):
                continue
            country = countries.browse(values.get("country_id"))
            if partners._run_vat_test(vat, country, bool(values.get("is_company"))) is not False:
                continue
            reason = partners._build_vat_error_message(
                country.code.lower() if country else None, vat, values.get("name") or "")
            refused = f"vat = {values.pop('vat')!r}"
            problems.append(Problem("rejected_value", self.env._(
                "Odoo refused %(values)s (%(reason)s): loaded without it.",
                values=refused, reason=str(reason).strip()), "warning", "vat"))


class CrmMigrationLoaderLead(models.AbstractModel):
    """Deals: leads or opportunities by the map's lead rule; the stage's source probability
    is applied to open deals if the map says so."""

    _name = "crm.migration.loader.lead"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Opportunities"

    def _transform(self, ctx, obj, lines, staged):
        result = super()._transform(ctx, obj, lines, staged)
        lead_type = ctx.run.map_id._lead_rule(obj) if ctx.run.map_id else None
        if lead_type:
            payloads = ctx.payloads(staged)
            for rec, values, _problems in result:
                values["type"] = lead_type(payloads[rec.id])
        return result

    def _postprocess(self, obj, payload, values):
        stage = self.env["crm.stage"].browse(values.get("stage_id") or [])
        if (self.env.context.get("apply_stage_probability") and values.get("active", True)
                and stage and not stage.is_won and stage.migration_probability):
            values["probability"] = stage.migration_probability
        return values

    def _load_batch(self, phase, obj, staged):
        return super(CrmMigrationLoaderLead, self.with_context(
            apply_stage_probability=phase.run_id.map_id.apply_stage_probability,
            crm_migration_defer_pls=True,
        ))._load_batch(phase, obj, staged)

    def _finish_phase(self, phase, obj):
        """Rebuild the predictive lead scoring frequencies the load deferred."""
        self.env["crm.lead"]._rebuild_pls_frequency_table()


class CrmMigrationLoaderDeleted(models.AbstractModel):
    """Records deleted in the source: never migrated; archived if loaded before."""

    _name = "crm.migration.loader.deleted"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Deleted Records"

    def _validate_batch(self, phase, obj, staged):
        return {"done": len(staged)}

    def _load_batch(self, phase, obj, staged):
        run = phase.run_id
        known = self.env["crm.migration.identity"]._resolve(
            run.source_id, obj.identity_entity, staged.mapped("source_key"))
        model = self.env[obj.model].with_context(**QUIET)
        archived, issues = {}, []
        was_loaded = self.env["crm.migration.record"]
        for rec in staged:
            model_name, res_id = known.get(rec.source_key, (None, None))
            record = model.browse(res_id).exists() if model_name == obj.model else model
            if record and record.active:
                archived[record.id] = {"active": True}
                was_loaded |= rec
                record.active = False
                message = self.env._("Deleted in the source: the record loaded earlier was archived.")
            else:
                message = self.env._("Deleted in the source: not migrated.")
            issues.append(self._issue(phase, obj, rec, "deleted_in_source", "info", message,
                                      record or None))
        self.env["crm.migration.journal"]._log(run, phase.key, "write", obj.model, archived)
        self.env["crm.migration.issue"].create(issues)
        was_loaded._mark("loaded")
        (staged - was_loaded)._mark("skipped", self.env._("Deleted in the source: not migrated."))
        self.env["crm.migration.record"]._mark_deleted(
            run.source_id, obj.identity_entity, staged.mapped("source_key"))
        return {"done": len(staged), "skipped": len(staged) - len(archived),
                "updated": len(archived)}


class CrmMigrationLoaderAutomation(models.AbstractModel):
    """Workflow automations become audit lines of their source."""

    _name = "crm.migration.loader.automation"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Workflow Audit"

    def _transform(self, ctx, obj, lines, staged):
        result = super()._transform(ctx, obj, lines, staged)
        for _rec, values, _problems in result:
            values["source_id"] = ctx.source.id
        return result
