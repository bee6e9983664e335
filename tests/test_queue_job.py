"""With OCA queue_job installed, a run's batches are processed by queue_job workers."""
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import SandboxCase


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
        self.patch(type(run), "_run_to_end", lambda self, max_seconds=None, on_batch=None:
                   self._process_batch())
        with trap_jobs() as trap:
            run.action_profile()
            trap.perform_enqueued_jobs()  # one batch, then a new job for the rest
            trap.assert_jobs_count(1, only=run._job_process)
        self.assertEqual(run.job, "extract")
