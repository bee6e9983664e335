from odoo import api, fields, models
from odoo.exceptions import UserError

from ..sources import BadRequest, PermissionDenied
from .crm_migration_run import JOBS, duration_text

COUNTERS = ("created", "linked", "updated", "unchanged", "skipped", "failed", "verified",
            "warnings", "errors")


class CrmMigrationRunPhase(models.Model):
    """One phase of a run's step, with its progress and reconciliation figures.

    Extraction has a phase per source entity, validation and loading a phase
    per source object in dependency order, rollback a single phase.
    """

    _name = "crm.migration.run.phase"
    _description = "Migration Run Phase"
    _order = "run_id, kind, sequence, id"

    run_id = fields.Many2one("crm.migration.run", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(JOBS, required=True)
    sequence = fields.Integer(required=True)
    key = fields.Char(required=True)
    name = fields.Char(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("running", "Running"), ("done", "Done"),
         ("failed", "Failed"), ("skipped", "Skipped"), ("refused", "Refused by the source"),
         ("rolled_back", "Rolled back")],
        default="pending", required=True,
    )
    refused_status = fields.Integer(
        "Refused with", help="The HTTP status the source answered for this entity (403: the "
                             "key may not read it; 404: the account does not have it).")
    cursor = fields.Char(help="Where the next batch starts (resumes a killed run).")
    total = fields.Integer("Source", help="Records of the source in this phase.")
    done = fields.Integer("Processed")
    created = fields.Integer()
    linked = fields.Integer(help="Matched to a record that already existed in Odoo.")
    updated = fields.Integer()
    unchanged = fields.Integer()
    skipped = fields.Integer(help="Not loaded, with a reason in the issue log.")
    failed = fields.Integer()
    verified = fields.Integer(help="Read back from Odoo and equal, field by field, to the map's output.")
    warnings = fields.Integer("With warnings")
    errors = fields.Integer("With errors")
    removed = fields.Integer(help="Rollback: records the run created, deleted again.")
    restored = fields.Integer(help="Rollback: records the run changed or removed, as they were.")
    kept = fields.Integer(help="Rollback: records people worked on since the run (and what they "
                               "need), kept as they are, with their identity.")
    notice = fields.Char()
    fixed_up = fields.Boolean(help="References to records loaded later in the phase were resolved.")
    started_at = fields.Datetime()
    finished_at = fields.Datetime()
    rate = fields.Float("Records/s", compute="_compute_speed", digits=(16, 1),
                        help="Records processed per second since the phase started.")
    time_left = fields.Char(compute="_compute_speed",
                            help="At the phase's rate so far, until its last record.")

    @api.depends("done", "total", "state", "started_at", "finished_at")
    def _compute_speed(self):
        now = fields.Datetime.now()
        for phase in self:
            seconds = ((phase.finished_at or now) - phase.started_at).total_seconds() \
                if phase.started_at else 0
            phase.rate = phase.done / seconds if seconds > 0 else 0.0
            left = phase.total - phase.done
            phase.time_left = duration_text(self.env, left / phase.rate) \
                if phase.state == "running" and phase.rate and left > 0 else False

    def action_open_issues(self):
        """The issues this phase's latest pass found."""
        self.ensure_one()
        action = self.run_id.action_view_issues()
        action["domain"] = [("run_id", "=", self.run_id.id), ("step", "=", self.kind),
                            ("phase", "=", self.key)]
        action["context"] = {"search_default_latest": 1}
        return action

    def action_open_records(self):
        """The Odoo records this phase's object became."""
        self.ensure_one()
        obj = self._object()
        source = self.run_id.source_id
        keys = self.env["crm.migration.record"].browse(self.env["crm.migration.record"]._staged_ids(
            source, obj.entity, contains=obj.where)).mapped("source_key")
        identities = self.env["crm.migration.identity"].search([
            ("source_id", "=", source.id), ("entity", "=", obj.identity_entity),
            ("res_model", "=", obj.model), ("source_key", "in", keys)])
        return {"type": "ir.actions.act_window", "res_model": obj.model, "name": self.name,
                "view_mode": "list,form", "views": [(False, "list"), (False, "form")],
                "domain": [("id", "in", identities.mapped("res_id"))],
                "context": {"active_test": False}}

    def _object(self):
        return self.run_id.source_id._schema().object(self.key)

    def _add(self, counts):
        self.write({name: self[name] + counts.get(name, 0) for name in COUNTERS + ("done",)})

    def _finish(self):
        self.write({"state": "done", "finished_at": fields.Datetime.now()})

    def _process_batch(self):
        if self.state == "pending":
            self.write({"state": "running", "started_at": fields.Datetime.now(),
                        "total": self._count_total()})
        getattr(self, f"_process_{self.kind}_batch")()

    def _count_total(self):
        run = self.run_id
        if self.kind == "extract":
            return self._source_count()
        if self.kind == "profile":
            return 0
        if self.kind == "rollback":
            return self.env["crm.migration.journal"].search_count(
                [("run_id", "=", run.id), ("kept", "=", False)])
        count = self._staged_count()
        return min(count, run.sample_size) if run.job_sample else count

    def _source_count(self):
        """The records the source says this extraction will read (0: it cannot say)."""
        run = self.run_id
        source = run.source_id
        client = source._client()
        if not hasattr(client, "count_records"):
            return 0
        entity = source._schema().entity(self.key)
        return client.count_records(entity, changed_since=self._changed_since(entity)) or 0

    def _changed_since(self, entity):
        """Since when a delta run reads ``entity`` (None: the whole entity)."""
        run = self.run_id
        delta = run.mode == "delta" and entity.delta and not entity.lookup
        return run.changed_since if delta else None

    # -- staged rows -------------------------------------------------------------

    def _staged_scope(self):
        """Where this phase's object is staged: (source, entity, options of the staging API)."""
        obj = self._object()
        run = self.run_id
        return run.source_id, obj.entity, {
            "contains": obj.where, "delta_run": run if run.mode == "delta" else None}

    def _staged_count(self):
        source, entity, options = self._staged_scope()
        return self.env["crm.migration.record"]._staged_count(source, entity, **options)

    def _next_staged(self):
        """The staged records of the next batch of this phase's object."""
        run = self.run_id
        limit = run.source_id.batch_size
        if run.job_sample:
            limit = min(limit, self.total - self.done)
            if limit <= 0:
                return self.env["crm.migration.record"]
        source, entity, options = self._staged_scope()
        Record = self.env["crm.migration.record"]
        return Record.browse(Record._staged_ids(
            source, entity, after_id=int(self.cursor) if self.cursor else None, limit=limit,
            **options))

    # -- batch processors ----------------------------------------------------------

    def _process_extract_batch(self):
        run = self.run_id
        source = run.source_id
        entity = source._schema().entity(self.key)
        try:
            page = source._client().read_page(
                entity, cursor=self.cursor or None, changed_since=self._changed_since(entity))
        except (PermissionDenied, BadRequest) as exc:
            if not isinstance(exc, PermissionDenied) and exc.status != 404:
                raise
            self._refuse(exc)
            return
        created, changed = self.env["crm.migration.record"]._upsert(source, entity.name, page.records, run)
        if page.problems:
            self.env["crm.migration.issue"].create([
                dict(problem, run_id=run.id, step="extract", phase=self.key, entity=entity.name)
                for problem in page.problems])
        for nested in source._schema().entities:
            if nested.nested_in == entity.name:
                self.env["crm.migration.record"]._upsert_nested(source, nested, page.records, run)
        self._add({"created": created, "updated": changed,
                   "unchanged": len(page.records) - created - changed, "done": len(page.records)})
        if page.cursor is not None:
            self.cursor = page.cursor
        if not page.more:
            self.total = self.done
            self._finish()

    def _refuse(self, exc):
        """Record that the source refuses this entity to the key (HTTP 403, or 404 on an
        account without that module): the objects that read it are left out once the admin
        acknowledges it in the map; when a required object reads it, the step stops."""
        run = self.run_id
        schema = run.source_id._schema()
        readers = schema.objects_reading(
            self.key, [obj for obj in schema.objects if run._objects_installed(obj)])
        labels = ", ".join(obj.label_in(self.env.lang) for obj in readers) or self.env._("none")
        required = [obj for obj in readers if obj.required]
        if required:
            raise UserError(self.env._(
                "%(entity)s answered HTTP %(status)s: %(objects)s cannot be migrated without it. "
                "Give the API key access to %(entity)s, then Resume.\n%(error)s",
                entity=self.key, status=exc.status,
                objects=", ".join(obj.label_in(self.env.lang) for obj in required), error=exc))
        notice = self.env._("The source answered HTTP %(status)s: the API key may not read it. "
                            "Objects that read it: %(objects)s.", status=exc.status, objects=labels)
        self.write({"state": "refused", "refused_status": exc.status, "notice": notice,
                    "finished_at": fields.Datetime.now()})
        self.env["crm.migration.issue"].create({
            "run_id": run.id, "step": "extract", "phase": self.key, "level": "warning",
            "code": "refused_entity", "entity": self.key, "message": f"{notice}\n{exc}"})

    def _process_profile_batch(self):
        read = self.env["crm.migration.profile"]._profile_object(self.run_id, self._object())
        self.write({"done": read, "total": self._staged_count()})
        self._finish()

    def _process_validate_batch(self):
        staged = self._next_staged()
        if not staged:
            self._finish()
            return
        obj = self._object()
        self._add(self.env[obj.loader]._validate_batch(self, obj, staged))
        self.cursor = str(staged[-1].id)

    def _process_load_batch(self):
        staged = self._next_staged()
        if not staged:
            obj = self._object()
            self.env[obj.loader]._finish_phase(self, obj)
            self._finish()
            return
        obj = self._object()
        self._add(self.env[obj.loader]._load_batch(self, obj, staged))
        self.cursor = str(staged[-1].id)

    def _fix_up_references(self):
        """Load again the records whose references pointed to records loaded after them
        (e.g. a company whose custom field refers to a person). Figures stay as they are:
        the records were already counted; their issues are logged anew."""
        self.fixed_up = True
        issues = self.env["crm.migration.issue"].search([
            ("run_id", "=", self.run_id.id), ("step", "=", "load"), ("phase", "=", self.key),
            ("code", "=", "unresolved_reference"), ("superseded", "=", False)])
        if not issues:
            return
        obj = self._object()
        keys = set(issues.mapped("source_key"))
        staged = self.env["crm.migration.record"].search([
            ("source_id", "=", self.run_id.source_id.id), ("entity", "=", obj.entity),
            ("source_key", "in", list(keys)), ("state", "in", ("loaded", "held"))])
        self.env["crm.migration.issue"].search([
            ("run_id", "=", self.run_id.id), ("step", "=", "load"), ("phase", "=", self.key),
            ("source_key", "in", staged.mapped("source_key")), ("superseded", "=", False)]).unlink()
        self.env["crm.migration.spot.check"].search([
            ("run_id", "=", self.run_id.id), ("object_key", "=", obj.key),
            ("source_key", "in", staged.mapped("source_key"))]).unlink()
        for start in range(0, len(staged), self.run_id.source_id.batch_size):
            self.env[obj.loader]._load_batch(self, obj, staged[start:start + self.run_id.source_id.batch_size])

    def _process_rollback_batch(self):
        run = self.run_id
        domain = [("run_id", "=", run.id), ("kept", "=", False)]
        if self.cursor:
            domain.append(("id", "<", int(self.cursor)))
        entries = self.env["crm.migration.journal"].search(domain, order="id desc", limit=500)
        if not entries:
            # identities are the engine's own rows (no group may unlink them): the rollback
            # of the run that bound them removes them
            # except those of kept records: a later rollback finds them again
            kept = self.env["crm.migration.journal"].search([("run_id", "=", run.id), ("kept", "=", True)])
            pairs = {(entry.res_model, entry.res_id) for entry in kept}
            self.env["crm.migration.identity"].sudo().search([("run_id", "=", run.id)]).filtered(
                lambda identity: (identity.res_model, identity.res_id) not in pairs).unlink()
            self.env["crm.migration.record"]._reset(run.source_id)
            self._finish()
            return
        refused, blocked = entries._undo()
        undone = entries - refused - blocked
        self.write({
            "removed": self.removed + len(undone.filtered(lambda e: e.operation == "create")),
            "restored": self.restored + len(undone.filtered(
                lambda e: e.operation in ("write", "unlink"))),
        })
        self.env["crm.migration.issue"].create([{
            "run_id": run.id, "step": "rollback", "phase": "rollback", "level": "warning",
            "code": "rollback_blocked",
            "message": self.env._("%(model)s %(id)s could not be undone (something else uses it); "
                         "it was archived or left as is.", model=entry.res_model, id=entry.res_id),
            "res_model": entry.res_model, "res_id": entry.res_id,
        } for entry in blocked])
        failed = len(refused) + len(blocked)
        self._add({"done": len(entries), "failed": failed, "updated": len(entries) - failed})
        self.cursor = str(entries[-1].id)
