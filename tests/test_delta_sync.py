"""Until cutover, the scheduler pulls what changed in the source since the last sync."""
from .common import SandboxCase


class TestDeltaSync(SandboxCase):
    sandbox_options = {"seed": 23, "scale": 80}

    def delta_runs(self):
        return self.source.run_ids.filtered(lambda r: r.mode == "delta")

    def test_cron_pulls_changes_until_cutover(self):
        full = self.migrate()
        self.assertEqual(full.state, "done")
        self.assertEqual(self.source.last_sync_at, full.started_at)
        Source = self.env["crm.migration.source"]

        Source._cron_delta_sync()
        self.assertFalse(self.delta_runs(), "no delta sync before it is turned on")

        self.source.delta_sync = True
        changes = self.sandbox.mutate(entity="Contacts", touch=3, add=2)
        Source._cron_delta_sync()
        delta = self.delta_runs()
        self.assertEqual(len(delta), 1)
        delta._run_to_end()
        self.assertEqual(delta.state, "done")
        contacts = delta.phase_ids.filtered(lambda p: p.kind == "extract" and p.key == "Contacts")
        self.assertEqual(contacts.done, 5, "only the changed contacts are read")
        partners = self.records_of("res.partner", "Contacts")
        for source_id in changes["added"]:
            self.assertIn(source_id, partners)
        load = delta.phase_ids.filtered(lambda p: p.kind == "load" and p.key in ("companies", "people"))
        self.assertEqual(sum(load.mapped("created")), 2)
        self.assertEqual(sum(load.mapped("total")), 5)
        added = self.sandbox.dataset.get("Contacts", changes["added"][0])
        self.assertEqual(partners[changes["added"][0]].name, " ".join(added["Name"].split()))

        Source._cron_delta_sync()
        second = self.delta_runs() - delta
        second._run_to_end()
        self.assertEqual(second.state, "done")
        load = second.phase_ids.filtered(lambda p: p.kind == "load")
        self.assertEqual(sum(load.mapped("created")) + sum(load.mapped("updated")), 0)

    def test_no_delta_while_a_run_of_the_source_is_busy(self):
        self.migrate()
        self.source.delta_sync = True
        busy = self.new_run()
        busy.action_profile()
        self.env["crm.migration.source"]._cron_delta_sync()
        self.assertFalse(self.delta_runs())
