"""SQL statements per record do not grow with the batch size (Odoo's own query counter).

A batch of each load phase's object is loaded twice from the same point, 50 records
then 200, each in a savepoint rolled back afterwards: the per-record cost of the
larger batch must not exceed the smaller one's (a cost that grows with the batch, a
query per record of the batch for each record, shows as a larger per-record count)."""
from .common import SandboxCase

SMALL, LARGE = 50, 200
#: Objects measured, with enough records in the sandbox for a batch of LARGE.
OBJECTS = ("companies", "people", "deals")


class TestBatchCost(SandboxCase):
    sandbox_options = {"seed": 19, "scale": 800}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.batch_size = LARGE
        cls.load_run = cls.profile()
        cls.load_run.action_confirm_map()
        cls.load_run.action_validate()
        cls.load_run._run_to_end()
        cls.load_run.action_start()

    def statements(self, phase, staged):
        """SQL statements of loading ``staged`` in ``phase``, undone afterwards."""
        obj = phase._object()
        loader = self.env[obj.loader]
        self.env.flush_all()
        self.env.registry.clear_cache()
        self.env.invalidate_all()
        cr = self.env.cr
        before = cr.sql_log_count
        savepoint = cr.savepoint(flush=False)
        counts = loader._load_batch(phase, obj, staged)
        self.env.flush_all()
        statements = cr.sql_log_count - before
        savepoint.rollback()
        savepoint.close(rollback=False)
        self.env.invalidate_all()
        self.assertGreater(counts["created"], len(staged) / 2, "a batch of new records")
        return statements

    def test_statements_per_record_do_not_grow_with_the_batch(self):
        run = self.load_run
        for key in OBJECTS:
            phase = self.phase(run, key)
            while phase.state == "pending":  # the phases before it, as the run loads them
                current = run.phase_ids.filtered(
                    lambda p: p.kind == "load" and p.state in ("pending", "running")).sorted("sequence")[:1]
                if current == phase:
                    break
                run._process_batch()
            staged = phase._next_staged()
            self.assertEqual(len(staged), LARGE, key)
            large = self.statements(phase, staged)
            small = self.statements(phase, staged[:SMALL])
            self.assertLessEqual(
                large / LARGE, small / SMALL,
                f"{key}: {large} statements for {LARGE} records, {small} for {SMALL}")
            run._process_batch()  # the phase's first batch, for the next object's references
