"""Progress an admin can read: each step counts its phases and the running one by its
records (done of the total the source announces, rate, time left), every batch is sent
over Odoo's bus to the open run forms, and a run's texts are in the language of who
started it."""
import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from ..models.crm_migration_run import PROGRESS_NOTIFICATION, duration_text
from .common import SandboxCase

PT = "pt_BR"


@tagged("post_install", "-at_install")
class TestProgress(SandboxCase):

    sandbox_options = {"seed": 23, "scale": 30}

    def extract_until(self, run, key):
        """Process extraction batches until the phase of entity ``key`` has started."""
        phase = self.phase(run, key, kind="extract")
        while phase.state == "pending":
            self.assertTrue(run._process_batch(), "the extraction stopped before %s" % key)
        return phase

    def test_extraction_counts_what_it_will_read(self):
        self.source.page_size = 10
        run = self.new_run()
        run.action_profile()
        self.assertEqual(run.progress, 0.0, "nothing is done before the first batch")
        contacts = self.extract_until(run, "Contacts")
        expected = self.sandbox.dataset.count("Contacts")
        self.assertEqual(contacts.total, expected, "the source's own count is the total")
        self.assertLess(contacts.done, expected, "a page is less than the whole entity")
        self.assertGreater(run.progress, 0.0)
        self.assertLess(run.progress, 100.0, "not 100 % from the first second")
        phases = run.phase_ids.filtered(lambda p: p.kind == "extract").sorted("sequence")
        index = list(phases).index(contacts) + 1
        self.assertIn(f"Contacts ({index} of {len(phases)})", run.progress_text)
        self.assertIn(f"of {expected:,} records", run.progress_text)
        run._run_to_end()
        self.assertEqual(contacts.total, contacts.done, "the total is what was read")
        self.assertFalse(run.job)
        self.assertEqual(run.progress, 100.0)
        self.assertFalse(run.progress_text)

    def test_rate_and_time_left(self):
        run = self.new_run()
        run.action_profile()
        phase = run.phase_ids.filtered(lambda p: p.kind == "extract")[:1]
        phase.write({"state": "running", "done": 120, "total": 480,
                     "started_at": fields.Datetime.now() - timedelta(seconds=60)})
        self.assertAlmostEqual(phase.rate, 2.0, delta=0.1)
        self.assertEqual(phase.time_left, "about 3 min")
        self.assertIn("120 of 480 records · 2 records/s · about 3 min left", run.progress_text)
        phase.write({"state": "done", "done": 480,
                     "finished_at": phase.started_at + timedelta(seconds=120)})
        self.assertAlmostEqual(phase.rate, 4.0, delta=0.01, msg="a finished phase keeps its rate")
        self.assertFalse(phase.time_left)

    def test_duration_text(self):
        self.assertEqual(duration_text(self.env, 20), "less than a minute")
        self.assertEqual(duration_text(self.env, 16 * 60), "about 16 min")
        self.assertEqual(duration_text(self.env, 2 * 3600 + 10 * 60), "about 2 h 10 min")

    def test_every_batch_is_sent_over_the_bus(self):
        group = self.env.ref("crm_migration.group_crm_migration_user")
        channel = json.dumps([self.env.cr.dbname, "res.groups", group.id], separators=(",", ":"))
        before = self.env["bus.bus"].search([("channel", "=", channel)])
        run = self.new_run()
        run.action_profile()
        batches = run._run_to_end()
        self.env.cr.precommit.run()  # what a commit does: the bus rows are written
        sent = self.env["bus.bus"].search([("channel", "=", channel)]) - before
        messages = [json.loads(message.message) for message in sent]
        mine = [m for m in messages if m["type"] == PROGRESS_NOTIFICATION
                and m["payload"]["run_id"] == run.id]
        self.assertEqual(len(mine), batches + 1, "one notification per batch, the last included")
        self.assertEqual(mine[-1]["payload"]["job"], False, "the last one says the step ended")

    def test_texts_in_the_language_of_who_started_the_run(self):
        self.env["res.lang"]._activate_lang(PT)
        self.env["ir.module.module"]._load_module_terms(["crm_migration"], [PT], overwrite=True)
        admin = new_test_user(self.env, "progress_pt", lang=PT, groups=(
            "base.group_system,crm_migration.group_crm_migration_manager"))
        run = self.env["crm.migration.run"].with_user(admin).create(
            {"source_id": self.source.id}).sudo()
        run.action_profile()
        run._run_to_end()
        profile = run.phase_ids.filtered(lambda p: p.kind == "profile")
        self.assertTrue(profile)
        people = profile.filtered(lambda p: p.key == "people")
        self.assertEqual(people.name, self.source._schema().object("people").label_in(PT))
        self.assertNotEqual(people.name, self.source._schema().object("people").label_in("en_US"))
