import logging
import threading
import time
import traceback

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from ..sources import SourceError

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Draft"),
    ("profiled", "Profiled"),
    ("mapped", "Map confirmed"),
    ("validated", "Validated"),
    ("sampled", "Sample loaded"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("rolled_back", "Rolled back"),
]
JOBS = [
    ("extract", "Extracting"),
    ("profile", "Profiling"),
    ("validate", "Validating"),
    ("load", "Loading"),
    ("rollback", "Rolling back"),
]


#: Seconds of work per queue_job job before it hands over to the next one (default of
#: the system parameter ``crm_migration.job_seconds``).
JOB_SECONDS = 120
#: Seconds a queue_job job waits before trying again a run another worker holds.
LOCK_RETRY_SECONDS = 60
#: With queue_job, the scheduler takes over a step only after this many minutes
#: without a batch (its job was lost: a killed worker, a job set to failed...).
STALE_MINUTES = 15
#: The sample sizes a run takes: records per object of the sample migration.
SAMPLE_SIZES = (1, 1000)


def check_sample_size(env, size):
    """ValidationError for a sample size out of :data:`SAMPLE_SIZES`."""
    low, high = SAMPLE_SIZES
    if not low <= size <= high:
        raise ValidationError(env._("The sample takes from %(low)s to %(high)s records per "
                                    "object, not %(size)s.", low=low, high=high, size=size))


#: Phase states that count as finished in a step's progress.
FINISHED = ("done", "skipped", "refused", "rolled_back")
#: Bus notification sent to Migration users after every batch.
PROGRESS_NOTIFICATION = "crm_migration.run_progress"


def duration_text(env, seconds):
    """``seconds`` as an admin reads a time left: "about 4 min", "about 2 h 10 min"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return env._("less than a minute")
    if minutes < 60:
        return env._("about %(minutes)s min", minutes=minutes)
    return env._("about %(hours)s h %(minutes)s min", hours=minutes // 60, minutes=minutes % 60)


def in_test_mode():
    """Tests run in one transaction that must not be committed."""
    return getattr(threading.current_thread(), "testing", False)


class CrmMigrationRun(models.Model):
    """One migration of a source: profile, map, validate, sample, load, roll back.

    Each step is a job made of phases processed batch by batch, every batch
    in its own transaction, by the scheduler, the CLI or queue_job workers;
    a run killed half-way resumes where its last batch committed.
    """

    _name = "crm.migration.run"
    _description = "Migration Run"
    _order = "id desc"

    name = fields.Char(
        required=True, readonly=True, copy=False,
        default=lambda self: self.env["ir.sequence"].next_by_code("crm.migration.run") or self.env._("New"),
    )
    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="source_id.company_id")
    map_id = fields.Many2one("crm.migration.map", "Map used", readonly=True, ondelete="restrict")
    map_state = fields.Selection(related="map_id.state", string="Map state")
    mode = fields.Selection(
        [("full", "Full migration"), ("delta", "Delta sync")],
        default="full", required=True,
    )
    sample_size = fields.Integer(default=25, help="Records per object loaded by the sample migration.")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, copy=False, index=True)
    job = fields.Selection(JOBS, readonly=True, copy=False, index=True,
                           help="The step being processed in the background.")
    job_sample = fields.Boolean(readonly=True, copy=False)
    phase_ids = fields.One2many("crm.migration.run.phase", "run_id", "Phases", readonly=True)
    extract_phase_ids = fields.One2many(
        "crm.migration.run.phase", "run_id", "Extraction", domain=[("kind", "=", "extract")])
    validate_phase_ids = fields.One2many(
        "crm.migration.run.phase", "run_id", "Validation", domain=[("kind", "=", "validate")])
    load_phase_ids = fields.One2many(
        "crm.migration.run.phase", "run_id", "Reconciliation", domain=[("kind", "=", "load")])
    rollback_phase_ids = fields.One2many(
        "crm.migration.run.phase", "run_id", "Rollback", domain=[("kind", "=", "rollback")])
    issue_ids = fields.One2many("crm.migration.issue", "run_id", "Issues", readonly=True)
    profile_ids = fields.One2many("crm.migration.profile", "run_id", readonly=True)
    spot_check_ids = fields.One2many("crm.migration.spot.check", "run_id", "Spot check", readonly=True)
    issue_count = fields.Integer(compute="_compute_issue_counts")
    error_count = fields.Integer(compute="_compute_issue_counts")
    progress = fields.Float(compute="_compute_progress", digits=(5, 1))
    progress_text = fields.Char(
        "Now", compute="_compute_progress",
        help="The object being processed: records done of its total, rate and time left.")
    started_at = fields.Datetime(readonly=True, copy=False)
    finished_at = fields.Datetime(readonly=True, copy=False)
    changed_since = fields.Datetime(
        readonly=True, copy=False, help="Delta runs read the records changed since this time.")
    error = fields.Text(readonly=True, copy=False)
    error_traceback = fields.Text(
        "Error details", readonly=True, copy=False, groups="base.group_system",
        help="Where the step stopped in the code, for the administrator.")
    failed_job = fields.Selection(JOBS, "Failed step", readonly=True, copy=False,
                                  help="The step that stopped: Resume continues it.")
    rollback_user_id = fields.Many2one(
        "res.users", "Rolled back by", readonly=True, copy=False,
        help="A rollback runs with this user's rights, never as the superuser.")
    last_batch_at = fields.Datetime(
        "Last batch", readonly=True, copy=False,
        help="When the step started or last processed a batch. With queue_job, the "
             "scheduler only takes over steps without a batch for a while.")
    guidance = fields.Char(compute="_compute_guidance")
    map_to_review_count = fields.Integer(
        "Lines to review", compute="_compute_map_counts",
        help="Lines of the source's current map nobody reviewed yet.")
    map_low_confidence_count = fields.Integer(
        "Low-confidence lines", compute="_compute_map_counts",
        help="Unreviewed lines of the source's current map below 60 % confidence.")

    # -- computed ------------------------------------------------------------------

    def _compute_issue_counts(self):
        groups = self.env["crm.migration.issue"]._read_group(
            [("run_id", "in", self.ids), ("superseded", "=", False), ("status", "=", "open")],
            ["run_id", "level"], ["__count"])
        counts = {}
        for run, level, count in groups:
            counts.setdefault(run.id, {})[level] = count
        for run in self:
            by_level = counts.get(run.id, {})
            run.issue_count = sum(by_level.values())
            run.error_count = by_level.get("error", 0)

    @api.depends("source_id", "state")
    def _compute_map_counts(self):
        for run in self:
            fmap = run.source_id._current_map() if run.state == "profiled" else False
            run.map_to_review_count = fmap.to_review_count if fmap else 0
            run.map_low_confidence_count = fmap.low_confidence_count if fmap else 0

    @api.constrains("sample_size")
    def _check_sample_size(self):
        for run in self:
            check_sample_size(self.env, run.sample_size)

    @api.depends("state", "job")
    def _compute_guidance(self):
        texts = {
            "draft": self.env._("Next: profile the source. Every object is read into staging (nothing "
                       "changes in Odoo yet) and a field map is proposed."),
            "profiled": self.env._("Next: review the field map (low-confidence lines first), change what "
                          "you disagree with, then confirm it. No record moves before that."),
            "mapped": self.env._("Next: validate. Every record is checked against the map (CNPJ/CPF, "
                        "e-mails, references, owners) without writing anything."),
            "validated": self.env._("Next: match the missing owners in User reconciliation, then load a "
                           "sample to spot-check, or run the full migration."),
            "sampled": self.env._("Spot-check the sample (Reconciliation, Issues). Then run the full "
                         "migration, or roll the sample back."),
            "running": self.env._("Loading in the background, batch by batch. You may close this page."),
            "done": self.env._("Done. Until cutover, turn on delta sync on the source to pull changes "
                      "every hour."),
            "failed": self.env._("This step stopped. Read the error, fix its cause, then Resume: the "
                        "step continues where it stopped."),
            "rolled_back": self.env._("Everything this run created was removed, and what it changed was "
                             "restored (the Rollback tab says what). Start over with New run."),
        }
        for run in self:
            run.guidance = False if run.job else texts[run.state]

    @api.depends("phase_ids.done", "phase_ids.total", "phase_ids.state", "job")
    def _compute_progress(self):
        """A step's progress counts its phases, the running one by its records: totals
        are known only once a phase starts (and some sources cannot count what they hold)."""
        for run in self:
            if not run.job:
                run.progress = 100.0 if run.phase_ids else 0.0
                run.progress_text = False
                continue
            phases = run.phase_ids.filtered(lambda p, job=run.job: p.kind == job).sorted("sequence")
            parts = [1.0 if phase.state in FINISHED
                     else min(phase.done / phase.total, 0.99) if phase.total else 0.0
                     for phase in phases]
            run.progress = 100.0 * sum(parts) / len(parts) if parts else 0.0
            current = phases.filtered(lambda p: p.state == "running")[:1] \
                or phases.filtered(lambda p: p.state == "pending")[:1]
            run.progress_text = run._progress_text(current, list(phases).index(current) + 1,
                                                   len(phases)) if current else False

    def _progress_text(self, phase, index, count):
        """"Contacts (3 of 9): 1,200 of 2,000 records · 210 records/s · about 4 min left"."""
        env = self.env
        head = env._("%(object)s (%(index)s of %(count)s)", object=phase.name, index=index,
                     count=count)
        if phase.state == "pending":
            return env._("%(head)s: starting", head=head)
        done = formatLang(env, phase.done, digits=0)
        parts = [env._("%(done)s of %(total)s records", done=done,
                       total=formatLang(env, phase.total, digits=0)) if phase.total
                 else env._("%(done)s records", done=done)]
        if phase.rate:
            parts.append(env._("%(rate)s records/s", rate=formatLang(env, phase.rate, digits=0)))
        if phase.time_left:
            parts.append(env._("%(time)s left", time=phase.time_left))
        return f"{head}: {' · '.join(parts)}"

    # -- steps ---------------------------------------------------------------------

    def action_profile(self):
        """Extract the source into staging, then profile it and propose a map."""
        self._start_job("extract")
        return True

    def action_validate(self):
        """Check every staged record against the confirmed map without writing."""
        self._require_confirmed_map()
        self._start_job("validate")
        return True

    def action_sample(self):
        """Load a few records of every object, then spot-check them."""
        self._require_confirmed_map()
        self._start_job("load", sample=True)
        return True

    def action_start(self):
        """Load everything (a delta run first extracts what changed)."""
        self.ensure_one()
        if self.mode == "delta" and self.state == "draft":
            self._start_job("extract")
        else:
            self._require_confirmed_map()
            self._start_job("load")
        return True

    def action_preview_rollback(self):
        """The rollback preview: what people worked on since the run, kept unless ticked."""
        self.ensure_one()
        self._check_rollback()
        return self.env["crm.migration.rollback"]._open_for(self)

    def action_rollback(self, force=False, rollback_anyway=()):
        """Undo everything this run created or changed in Odoo, except the records people
        worked on since (kept with their identity), unless ``force`` or listed in
        ``rollback_anyway`` as (model, id) pairs."""
        self.ensure_one()
        self._check_rollback()
        if self.job and self.job != "rollback":
            self._stop_job()
        self.rollback_user_id = self.env.user
        self._start_job("rollback")
        self._keep_conflicts(force, {tuple(pair) for pair in rollback_anyway})
        return True

    def _check_rollback(self):
        later = self.search([("source_id", "=", self.source_id.id), ("id", ">", self.id),
                             ("state", "not in", ("draft", "rolled_back"))], limit=1)
        if later:
            raise UserError(self.env._("Roll back %(later)s first: it ran after %(run)s.",
                              later=later.name, run=self.name))

    def _rollback_conflicts(self):
        """{(model, id): conflict} of this run's records people worked on since the run."""
        return self.env["crm.migration.journal"].sudo()._conflicts(self)

    def _keep_conflicts(self, force, rollback_anyway):
        """Mark the journal lines of the records rollback keeps (and of what they need),
        count them on the rollback phase and report each one."""
        Journal = self.env["crm.migration.journal"].sudo()
        self.env.cr.execute("UPDATE crm_migration_journal SET kept = false WHERE run_id = %s AND kept",
                            (self.id,))
        conflicts = {} if force else {
            pair: conflict for pair, conflict in self._rollback_conflicts().items()
            if pair not in rollback_anyway}
        keep = Journal._keep_closure(self, {pair: c["reasons"] for pair, c in conflicts.items()})
        for model, res_id in keep:
            self.env.cr.execute("""
                UPDATE crm_migration_journal SET kept = true
                WHERE run_id = %s AND res_model = %s AND res_id = %s
            """, (self.id, model, res_id))
        Journal.invalidate_model(["kept"])
        self.rollback_phase_ids.kept = len(keep)
        self.env["crm.migration.issue"].create([{
            "run_id": self.id, "step": "rollback", "phase": "rollback", "level": "warning",
            "code": "rollback_kept_edited", "res_model": model, "res_id": res_id,
            "message": self._kept_message(model, res_id, reasons, conflicts.get((model, res_id))),
        } for (model, res_id), reasons in keep.items()])

    def _kept_message(self, model, res_id, reasons, conflict):
        record = self.env[model].sudo().browse(res_id)
        why = self.env["crm.migration.rollback.line"]._reasons_text(reasons)
        if conflict and conflict["user"]:
            return self.env._(
                "%(record)s (%(model)s %(id)s) was kept: %(why)s, by %(user)s on %(date)s. "
                "Roll it back anyway from the rollback preview, or with --force.",
                record=record.display_name, model=model, id=res_id, why=why,
                user=conflict["user"].name, date=fields.Datetime.to_string(conflict["date"]))
        return self.env._("%(record)s (%(model)s %(id)s) was kept: %(why)s.",
                          record=record.display_name, model=model, id=res_id, why=why)

    def _stop_job(self):
        """Stop a step that no worker is processing (a killed run), its unfinished phases
        skipped, so that a rollback can start; refuse while a batch of it is running."""
        if not self._lock():
            raise UserError(self.env._("A batch of %(run)s is running: try again when it ends.",
                                       run=self.name))
        self.phase_ids.filtered(lambda p: p.kind == self.job and p.state in ("pending", "running")
                                ).write({"state": "skipped",
                                         "notice": self.env._("Stopped for a rollback.")})
        self.job = False

    def action_resume(self):
        """Resume a failed step where its last batch committed."""
        for run in self.filtered(lambda r: r.state == "failed"):
            run._check_source_idle()
            failed = run.phase_ids.filtered(lambda p: p.state == "failed")[:1]
            kind = run.failed_job or failed.kind
            if not kind:
                raise UserError(self.env._("Nothing left to resume in %s.", run.name))
            failed.write({"state": "running"})
            sample = run.job_sample
            state = {"extract": "draft", "profile": "draft", "validate": "mapped", "rollback": "failed",
                     "load": "validated" if sample else "running"}[kind]
            run._clear_error()
            run.write({"job": kind, "state": state, "last_batch_at": fields.Datetime.now()})
            run._wake_up()
        return True

    def action_confirm_map(self):
        """Confirm the source's current map and use it for this run."""
        self.ensure_one()
        fmap = self.source_id._current_map()
        if not fmap:
            raise UserError(self.env._("Profile the source first: it has no map yet."))
        fmap.action_confirm()
        self.write({"map_id": fmap.id, "state": "mapped" if self.state == "profiled" else self.state})
        return True

    def action_new_map_version(self):
        """A new draft version of this run's confirmed map, opened; the run waits for its
        confirmation."""
        self.ensure_one()
        return self.map_id.action_new_version()

    def _require_confirmed_map(self):
        for run in self:
            fmap = run.source_id._confirmed_map()
            if not fmap:
                raise UserError(self.env._(
                    "The map of %(name)s is not confirmed. Review it and confirm it "
                    "before any record moves.", name=run.source_id.name))
            unknown = run._refused_phases().filtered(lambda p, fmap=fmap: not fmap._leaves_out(p.key))
            if unknown:
                raise UserError(self.env._(
                    "The source refused %(entities)s to the API key, and map v%(version)s does not "
                    "leave out what reads it. Give the key access, or profile the source again and "
                    "acknowledge it in the map.", entities=", ".join(unknown.mapped("key")),
                    version=fmap.version))
            run.map_id = fmap

    def _refused_phases(self):
        """The extraction phases of entities the source refused to the key."""
        return self.phase_ids.filtered(lambda p: p.kind == "extract" and p.state == "refused")

    # -- jobs ------------------------------------------------------------------------

    def _job_label(self):
        """The step being processed, in the user's language."""
        return dict(self._fields["job"]._description_selection(self.env)).get(self.job, "")

    def _check_source_idle(self):
        """Refuse to start a step while another run of the same source has one."""
        active = self.search([("source_id", "=", self.source_id.id), ("id", "!=", self.id),
                              ("job", "!=", False)], limit=1)
        if active:
            raise UserError(self.env._(
                "%(active)s of %(name)s is %(job)s: wait until it finishes or fails "
                "before starting %(run)s.", active=active.name, name=self.source_id.name,
                job=active._job_label().lower(), run=self.name))

    def _start_job(self, kind, sample=False):
        """Plan the phases of a step and hand it to the background workers."""
        self.ensure_one()
        if self.job:
            raise UserError(self.env._("%(run)s is already %(job)s.", run=self.name,
                              job=self._job_label().lower()))
        self._check_source_idle()
        self.phase_ids.filtered(lambda p: p.kind == kind).unlink()
        self.env["crm.migration.issue"]._supersede(self, kind)
        if kind == "load":
            self.map_id._provision(self)
        self.env["crm.migration.run.phase"].create(self._plan(kind, sample))
        self._clear_error()
        values = {"job": kind, "job_sample": sample, "last_batch_at": fields.Datetime.now()}
        if kind == "load" and not sample:
            values["state"] = "running"
        if not self.started_at:
            values["started_at"] = fields.Datetime.now()
        if kind == "extract" and self.mode == "delta" and not self.changed_since:
            values["changed_since"] = self.source_id.last_sync_at
        self.write(values)
        self._wake_up()

    def _plan(self, kind, sample):
        """Values of the phases of a step, in dependency order."""
        schema = self.source_id._schema()
        phases = []
        if kind == "extract":
            for sequence, entity in enumerate(self._entities_to_extract(), start=1):
                phases.append({"kind": kind, "key": entity.name, "name": entity.name,
                               "sequence": sequence})
        elif kind == "profile":
            for obj in schema.objects:
                if (obj.fields or obj.custom_scope is not None) and self._objects_installed(obj):
                    phases.append({"kind": kind, "key": obj.key, "name": obj.label_in(self.env.lang),
                                   "sequence": obj.sequence})
        elif kind in ("validate", "load"):
            for obj in schema.objects:
                missing = [m for m in obj.requires if not self._module_installed(m)]
                loader = self.env[obj.loader]
                fmap = self.map_id or self.source_id._confirmed_map()  # a delta plans first
                notice = False
                if missing:
                    notice = self.env._("Skipped: %(modules)s not installed.", modules=", ".join(missing))
                elif obj.option and not fmap[obj.option]:
                    notice = self.env._("Skipped: off in the map (%(option)s).",
                                        option=fmap._fields[obj.option]._description_string(self.env))
                else:
                    notice = loader._phase_skip(self, obj)
                phases.append({
                    "kind": kind, "key": obj.key, "name": obj.label_in(self.env.lang),
                    "sequence": obj.sequence, "state": "skipped" if notice else "pending",
                    "notice": notice or loader._phase_notice(self, obj) or False,
                })
        else:
            phases.append({"kind": kind, "key": "journal", "name": self.env._("Rollback"), "sequence": 1})
        for phase in phases:
            phase["run_id"] = self.id
        return phases

    def _entities_to_extract(self):
        schema = self.source_id._schema()
        names = {entity.name for entity in schema.metadata}
        for obj in schema.objects:
            if self._objects_installed(obj):
                names.add(obj.entity)
                names.update(obj.needs)
        # A nested entity is staged from its parent's pages, never read on its own.
        names.update(entity.nested_in for entity in schema.entities
                     if entity.name in names and entity.nested_in)
        return [entity for entity in schema.entities if entity.name in names and not entity.nested_in]

    def _objects_installed(self, obj):
        """Whether the Odoo modules an object needs are installed."""
        return all(self._module_installed(name) for name in obj.requires)

    def _module_installed(self, name):
        return bool(self.env["ir.module.module"].sudo().search_count(
            [("name", "=", name), ("state", "=", "installed")]))

    def _wake_up(self):
        """Hand the pending batches to queue_job workers when OCA queue_job is installed
        (any worker of any server sharing the database), else to the scheduler."""
        if "queue.job" in self.env:
            self._enqueue()
        elif not in_test_mode():
            self.env.ref("crm_migration.ir_cron_process_runs")._trigger()

    def _enqueue(self, eta=None):
        self.with_delay(
            description=self.env._("Migration %(run)s: %(job)s", run=self.name,
                                   job=self._job_label()),
            identity_key=f"crm_migration.run.{self.id}", eta=eta,
        )._job_process()

    def _job_process(self):
        """queue_job: process batches for a while, then hand the rest to a new job;
        when another worker holds the run or its source, try again a while later."""
        batches = self._run_to_end(max_seconds=self._job_seconds())
        if self.job:
            self._enqueue(eta=None if batches else LOCK_RETRY_SECONDS)

    def _job_seconds(self):
        """How long a queue_job job works before handing over: the system parameter
        ``crm_migration.job_seconds``, else JOB_SECONDS."""
        value = self.env["ir.config_parameter"].sudo().get_param("crm_migration.job_seconds")
        try:
            seconds = float(value or JOB_SECONDS)
        except ValueError:
            _logger.warning("crm_migration.job_seconds is not a number: %r", value)
            return JOB_SECONDS
        return seconds if seconds > 0 else JOB_SECONDS

    def _commit(self):
        if not in_test_mode():
            self.env.cr.commit()  # pylint: disable=invalid-commit  # a batch per transaction: resumable

    def _lock(self):
        """Take this run for the current transaction; False if another worker has it."""
        self.env.cr.execute(
            "SELECT id FROM crm_migration_run WHERE id = %s FOR UPDATE SKIP LOCKED", (self.id,))
        return bool(self.env.cr.fetchone())

    def _process_batch(self):
        """Process one batch of the current job (or its fix-ups, or its end); return
        False when there is nothing to do or another worker holds the run or its source.

        Any error stops the step: it is stored on the run, which stays resumable.
        In tests, errors of a phase's own batch are raised, to show real bugs."""
        self.ensure_one()
        if not self.job or not self._lock() or not self.source_id._try_lock():
            return False
        self.last_batch_at = fields.Datetime.now()
        phases = self.phase_ids.filtered(lambda p: p.kind == self.job).sorted("sequence")
        phase = phases.filtered(lambda p: p.state in ("pending", "running"))[:1]
        fixup = phases.filtered(lambda p: p.kind == "load" and p.state == "done" and not p.fixed_up)[:1]
        try:
            with self.env.cr.savepoint():
                if phase and phase.kind == "rollback":
                    self._in_source_company(self._as_rollback_user(phase))._process_batch()
                elif phase:
                    self._in_source_company(phase)._process_batch()
                elif fixup:
                    self._in_source_company(fixup)._fix_up_references()
                else:
                    self._in_source_company(self)._finish_job()
        except SourceError as exc:
            self._fail(phase, exc, self.env["crm.migration.source"]._error_message(exc))
        except UserError as exc:
            _logger.warning("Migration run %s stopped: %s", self.name, exc.args[0])
            self._fail(phase, exc, exc.args[0])
        except Exception as exc:
            if in_test_mode() and phase:
                raise
            _logger.exception("Migration run %s failed while %s", self.name, self._job_label())
            self._fail(phase, exc, self.env._(
                "%(step)s stopped on an unexpected error: %(error)s",
                step=phase.name or self._job_label(), error=exc))
        else:
            return bool(self.job)  # the end of a step may chain the next one
        finally:
            self._send_progress()
        return True

    def _in_source_company(self, records):
        """``records`` in the source's company: what the batch creates belongs to it. The
        user's other companies stay allowed, so that records Odoo shares between companies
        (products) get what Odoo gives them outside any company, as before."""
        company = self.source_id.company_id
        others = (records.env.user.company_ids - company).ids
        return records.with_context(allowed_company_ids=[company.id, *others])

    def _as_rollback_user(self, records):
        """``records`` with the rights of who asked for the rollback (the scheduler and the
        workers run as the superuser): a rollback undoes only what that user may undo."""
        user = self.rollback_user_id
        if not user or user._is_superuser():
            return records
        if self.source_id.company_id not in user.company_ids:
            raise UserError(self.env._(
                "%(user)s asked for this rollback but may no longer work in %(company)s: "
                "give them that company back, or roll back as another Migration Administrator.",
                user=user.name, company=self.source_id.company_id.name))
        return records.with_user(user)

    def _fail(self, phase, exc, message):
        """Stop the step on an error, stored for everyone, its traceback for admins;
        Resume continues the step."""
        phase.write({"state": "failed"})
        self.write({"state": "failed", "job": False, "failed_job": self.job, "error": message})
        self.sudo().error_traceback = "".join(traceback.format_exception(exc))

    def _clear_error(self):
        """Forget the error of the last failure (the step starts or resumes)."""
        self.write({"error": False, "failed_job": False})
        self.sudo().error_traceback = False

    def _finish_job(self):
        """Move the run to the state that follows its finished step."""
        kind, sample = self.job, self.job_sample
        values = {"job": False}
        if kind == "extract":
            self.env["crm.migration.loader.users"]._match_all(self.source_id)
            next_job = "load" if self.mode == "delta" else "profile"
            if next_job == "load":
                self._require_confirmed_map()
                self.map_id._provision(self)
                values["state"] = "running"
            values["job"] = next_job
            self.env["crm.migration.run.phase"].create(self._plan(next_job, False))
        elif kind == "profile":
            fmap = self.env["crm.migration.map"]._propose(self)
            values["state"] = "mapped" if fmap.state == "confirmed" else "profiled"
        elif kind == "validate":
            values["state"] = "validated"
        elif kind == "load" and sample:
            values["state"] = "sampled"
        elif kind == "load":
            values.update(state="done", finished_at=fields.Datetime.now())
            self.source_id.last_sync_at = self.started_at
            self.env["crm.migration.record"]._explain_pending(self)
        elif kind == "rollback":
            values.update(state="rolled_back", finished_at=fields.Datetime.now())
            self.load_phase_ids.write({"state": "rolled_back"})
        self.write(values)

    def _run_to_end(self, max_seconds=None, on_batch=None):
        """Process batches until the job ends (or ``max_seconds`` passed), in the language
        of who started the run unless the caller chose one (issue texts are stored)."""
        if not self.env.context.get("lang") and self.create_uid.lang:
            return self.with_context(lang=self.create_uid.lang)._run_to_end(max_seconds, on_batch)
        deadline = time.monotonic() + max_seconds if max_seconds else None
        batches = 0
        while self.job:
            if not self._process_batch():
                break
            batches += 1
            self._commit()
            if on_batch:
                on_batch(self)
            if deadline and time.monotonic() > deadline:
                break
        return batches

    def _send_progress(self):
        """Tell the open run forms and dashboards of the batch just done, through Odoo's
        bus to every Migration user (sent when the batch commits)."""
        self.env.ref("crm_migration.group_crm_migration_user")._bus_send(
            PROGRESS_NOTIFICATION, {"run_id": self.id, "state": self.state,
                                    "job": self.job or False, "progress": self.progress})

    @api.model
    def _cron_domain(self):
        """The runs the scheduler advances: every run with a job, or with queue_job
        (whose workers do the work) only those without a batch for STALE_MINUTES."""
        domain = [("job", "!=", False)]
        if "queue.job" in self.env:
            stale = fields.Datetime.subtract(fields.Datetime.now(), minutes=STALE_MINUTES)
            domain += ["|", ("last_batch_at", "=", False), ("last_batch_at", "<", stale)]
        return domain

    @api.model
    def _cron_process(self):
        """Scheduled action: advance the runs that have a job to do (with queue_job,
        rescue the stale ones and hand them back to its workers)."""
        done = 0
        for run in self.search(self._cron_domain(), order="id"):
            done += run._run_to_end(max_seconds=50)
            if run.job and "queue.job" in self.env:
                run._enqueue()
        remaining = self.search_count(self._cron_domain())
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    # -- reporting -------------------------------------------------------------------

    def _reconciliation(self, kind="load"):
        """Rows of the reconciliation table of a step."""
        return self.phase_ids.filtered(lambda p: p.kind == kind).sorted("sequence")

    def action_new_run(self):
        """Start over: a new run of this run's source."""
        self.ensure_one()
        return self.create({"source_id": self.source_id.id,
                            "sample_size": self.sample_size})._open_form()

    def _open_form(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_map(self):
        self.ensure_one()
        fmap = self.map_id or self.source_id._current_map()
        if not fmap:
            raise UserError(self.env._("Profile the source first: it has no map yet."))
        return {"type": "ir.actions.act_window", "res_model": "crm.migration.map",
                "res_id": fmap.id, "view_mode": "form"}

    def action_view_issues(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_migration.action_issue")
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"search_default_latest": 1, "search_default_group_code": 1}
        return action
