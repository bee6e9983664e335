"""A step's error is stored on its run and stops no other run; one transaction at a
time processes a source."""
from odoo.exceptions import AccessError, UserError

from .common import SandboxCase

LONG_AGO = "2000-01-01 00:00:00"


def hold_source_lock(case, source):
    """Take ``source``'s lock in another, concurrent transaction; roll it back to release."""
    cr = case.registry.cursor()
    case.addCleanup(cr.close)
    case.assertTrue(source.with_env(source.env(cr=cr))._try_lock())
    return cr


class TestReliability(SandboxCase):
    sandbox_options = {"seed": 31, "scale": 100}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.full = cls.migrate()
        cls.fmap = cls.source._confirmed_map()

    def other_source(self, name):
        """Another source on the same sandbox, with its own staging and runs."""
        return self.env["crm.migration.source"].create({**self.source_values(), "name": name})

    def delta_runs(self, source):
        return source.run_ids.filtered(lambda r: r.mode == "delta")

    def test_a_step_failing_after_its_batches_fails_its_run_and_stops_no_other(self):
        delta = self.new_run(mode="delta")
        delta.action_start()
        self.fmap.state = "draft"  # no confirmed map when the extraction ends: the load cannot start
        other_source = self.other_source("Other")
        other = self.env["crm.migration.run"].create({"source_id": other_source.id})
        other.action_profile()
        # queue_job is installed: the scheduler takes over the steps idle for a while only
        (delta | other).last_batch_at = LONG_AGO
        self.env["crm.migration.run"]._cron_process()

        self.assertEqual((delta.state, delta.job, delta.failed_job), ("failed", False, "extract"))
        self.assertIn("is not confirmed", delta.error)
        self.assertNotIn("Traceback", delta.error)
        self.assertIn("_require_confirmed_map", delta.error_traceback)
        manager = self.env["res.users"].create({
            "name": "Migration manager", "login": "reliability.manager",
            "groups_id": [(6, 0, [self.env.ref("crm_migration.group_crm_migration_manager").id,
                                  self.env.ref("base.group_user").id])],
        })
        self.assertEqual(delta.with_user(manager).error, delta.error)
        with self.assertRaises(AccessError):
            delta.with_user(manager).read(["error_traceback"])
        self.assertIn(other.state, ("profiled", "mapped"), "the scheduler went on with the next run")
        self.assertFalse(other.job)

        other.action_confirm_map()
        (self.source | other_source).delta_sync = True
        Source = self.env["crm.migration.source"]
        Source._cron_delta_sync()
        self.assertEqual(self.delta_runs(other_source).job, "extract")
        self.assertEqual(self.delta_runs(self.source), delta, "no confirmed map: no new delta")

        self.fmap.action_confirm()
        delta.action_resume()
        self.assertFalse(delta.error)
        self.assertFalse(delta.error_traceback)
        delta._run_to_end()
        self.assertEqual(delta.state, "done")
        Source._cron_delta_sync()
        self.assertEqual(len(self.delta_runs(self.source)), 2, "the source is synced again")

    def test_a_second_run_of_a_source_cannot_start_while_one_is_active(self):
        busy = self.new_run(mode="delta")
        busy.action_start()
        second = self.new_run()
        for action in (second.action_profile, second.action_validate, second.action_sample,
                       second.action_start, self.full.action_rollback):
            with self.subTest(action=action.__name__), self.assertRaisesRegex(UserError, busy.name):
                action()
        self.assertFalse(second.job)
        busy._run_to_end()
        self.assertEqual(busy.state, "done")
        second.action_profile()
        self.assertEqual(second.job, "extract")

    def test_a_batch_waits_while_another_transaction_holds_the_source(self):
        source = self.other_source("Locked")
        run = self.env["crm.migration.run"].create({"source_id": source.id})
        run.action_profile()
        cr = hold_source_lock(self, source)
        self.assertFalse(run._process_batch())
        self.assertEqual(set(run.phase_ids.mapped("state")), {"pending"})
        cr.rollback()  # the other transaction ends
        self.assertTrue(run._process_batch())
        self.assertNotEqual(set(run.phase_ids.mapped("state")), {"pending"})

    def test_the_delta_cron_waits_for_a_run_holding_the_source(self):
        source = self.other_source("Manual")
        self.env["crm.migration.map"]._import_data(source, self.fmap._export_data()).action_confirm()
        (self.source | source).delta_sync = True
        cr = hold_source_lock(self, source)
        Source = self.env["crm.migration.source"]
        Source._cron_delta_sync()
        self.assertFalse(source.run_ids)
        self.assertEqual(len(self.delta_runs(self.source)), 1, "the other sources are synced")
        cr.rollback()
        Source._cron_delta_sync()
        self.assertEqual(self.delta_runs(source).job, "extract")
