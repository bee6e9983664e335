"""With OCA queue_job installed, a run's batches are processed by queue_job workers."""
from datetime import timedelta

from odoo import fields
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.crm_migration_run import LOCK_RETRY_SECONDS, STALE_MINUTES
from .common import SandboxCase
from .test_reliability import hold_source_lock


class TestQueueJob(SandboxCase):
    sandbox_options = {"seed": 29, "scale": 60}

    def test_steps_are_processed_by_chained_jobs(self):
        run = self.new_run()
        with trap_jobs() as trap:
            run.action_profile()
            trap.assert_jobs_count(1, only=run._job_process)
            trap.assert_enqueued_job(run._job_process, properties={
                "identity_key": f"crm_migration.run.{run.id}"})
            trap.perform_enqueued_jobs()
        self.assertIn(run.state, ("profiled", "mapped"))
        self.assertFalse(run.job)
        run.action_confirm_map()
        with trap_jobs() as trap:
            run.action_validate()
            trap.perform_enqueued_jobs()
            run.action_start()
            trap.assert_jobs_count(1, only=run._job_process)
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "done")
        self.assertEqual(len(self.records_of("res.partner", "Contacts")),
                         self.sandbox.dataset.count("Contacts"))

    def test_a_long_step_hands_over_to_a_new_job(self):
        run = self.new_run()
        self.env["ir.config_parameter"].set_param("crm_migration.job_seconds", "0.001")
        with trap_jobs() as trap:
            run.action_profile()
            trap.perform_enqueued_jobs()  # its time is up after one batch: a new job for the rest
            trap.assert_jobs_count(1, only=run._job_process)
        self.assertEqual(run.job, "extract")
        extracted = run.phase_ids.filtered(lambda p: p.kind == "extract")
        self.assertEqual(len(extracted.filtered(lambda p: p.state == "done")), 1)
        self.assertIn("pending", extracted.mapped("state"))

    def test_a_job_finding_the_source_busy_tries_again_later(self):
        run = self.new_run()
        run.action_profile()
        queued = self.env["queue.job"].search([("identity_key", "=", f"crm_migration.run.{run.id}")])
        self.assertEqual(queued.state, "pending")
        hold_source_lock(self, self.source)
        job = Job.load(self.env, queued.uuid)  # as a queue_job worker runs it
        job.set_started()
        job.store()
        job.perform()
        self.assertEqual(set(run.phase_ids.mapped("state")), {"pending"})
        retry = self.env["queue.job"].search([
            ("identity_key", "=", f"crm_migration.run.{run.id}"), ("state", "=", "pending")])
        self.assertEqual(len(retry), 1)
        self.assertAlmostEqual(retry.eta, fields.Datetime.now() + timedelta(seconds=LOCK_RETRY_SECONDS),
                               delta=timedelta(seconds=30))

    def test_the_scheduler_only_rescues_stale_steps(self):
        run = self.new_run()
        run.action_profile()
        Run = self.env["crm.migration.run"]
        Run._cron_process()
        self.assertEqual(set(run.phase_ids.mapped("state")), {"pending"}, "its job is on it")
        run.last_batch_at = fields.Datetime.now() - timedelta(minutes=STALE_MINUTES + 1)
        Run._cron_process()
        self.assertIn(run.state, ("profiled", "mapped"))
        self.assertFalse(run.job)
