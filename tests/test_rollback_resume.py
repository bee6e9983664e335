"""A run can be rolled back; a run cut by the source resumes where it stopped."""
import http.server
import threading

from odoo.exceptions import UserError, ValidationError

from .common import SandboxCase


class TestRollback(SandboxCase):
    sandbox_options = {"seed": 3, "scale": 60}

    def test_rollback_removes_what_the_run_created(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        before = Partner.search_count([])
        preexisting = self.env["res.partner.category"].create({"name": "Pre-existing"})
        self.assertFalse(self.env["ir.model.fields"]._get("res.partner", "x_ploomes_id"),
                         "the tests need a fresh database")
        run = self.migrate()
        partners = self.records_of("res.partner", "Contacts")
        self.assertEqual(len(partners), self.sandbox.dataset.count("Contacts"))
        self.assertIn("x_ploomes_id", self.env["res.partner"]._fields)
        journal = self.env["crm.migration.journal"].search([("run_id", "=", run.id)])
        operations = {op: len(journal.filtered(lambda e, op=op: e.operation == op))
                      for op in ("create", "write", "unlink", "link")}
        run.action_rollback()
        run._run_to_end()
        self.assertEqual(run.state, "rolled_back")
        self.assertEqual(Partner.search_count([]), before)
        self.assertFalse(any(p.exists() for p in partners.values()))
        self.assertFalse(self.env["crm.migration.identity"].search([("source_id", "=", self.source.id),
                                                                     ("entity", "=", "Contacts")]))
        blocked = self.issues(run, "rollback_blocked")
        self.assertFalse(blocked, blocked.mapped("message"))
        self.assertFalse(self.env["ir.model.fields"]._get("res.partner", "x_ploomes_id"))
        self.assertNotIn("x_ploomes_id", self.env["res.partner"]._fields)
        self.assertTrue(preexisting.exists())
        phase = run.phase_ids.filtered(lambda p: p.kind == "rollback")
        self.assertEqual(phase.failed, 0)

        # the rollback's own reconciliation, the load's marked rolled back, and a way on
        self.assertEqual(run.rollback_phase_ids, phase)
        self.assertEqual((phase.removed, phase.restored, phase.total),
                         (operations["create"], operations["write"] + operations["unlink"],
                          sum(operations.values())))
        self.assertGreaterEqual(phase.removed, sum(run.load_phase_ids.mapped("created")))
        self.assertEqual(set(run.load_phase_ids.mapped("state")), {"rolled_back"})
        self.assertIn("New run", run.guidance)
        action = run.action_new_run()
        new = self.env["crm.migration.run"].browse(action["res_id"])
        self.assertEqual((new.source_id, new.state, new.sample_size), (run.source_id, "draft", 25))

    def test_a_run_stopped_half_way_is_rolled_back(self):
        run = self.profile()
        run.action_confirm_map()
        run.action_validate()
        run._run_to_end()
        run.action_start()
        while not self.records_of("res.partner", "Contacts"):  # killed after a few batches
            self.assertTrue(run._process_batch())
        partners = self.records_of("res.partner", "Contacts")
        self.assertEqual(run.job, "load")
        unfinished = run.phase_ids.filtered(
            lambda p: p.kind == "load" and p.state in ("pending", "running"))
        self.assertTrue(unfinished)
        run.action_rollback()
        self.assertEqual(run.job, "rollback")
        self.assertEqual(set(unfinished.mapped("state")), {"skipped"})
        self.assertEqual(set(unfinished.mapped("notice")), {"Stopped for a rollback."})
        run._run_to_end()
        self.assertEqual(run.state, "rolled_back")
        self.assertFalse(any(p.exists() for p in partners.values()))
        self.assertFalse(self.records_of("res.partner", "Contacts"))

    def test_rollback_restores_updated_values(self):
        run = self.migrate()
        partner = next(iter(self.records_of("res.partner", "Contacts").values()))
        original = partner.name
        partner.name = "Changed in Odoo"
        second = self.migrate()
        self.assertEqual(partner.name, original)
        self.assertEqual(sum(second.phase_ids.filtered(lambda p: p.kind == "load").mapped("updated")), 1)
        second.action_rollback()
        second._run_to_end()
        self.assertEqual(partner.name, "Changed in Odoo")
        self.assertTrue(partner.exists())
        self.assertEqual(run.state, "done")

    def test_only_the_latest_run_can_be_rolled_back(self):
        first = self.migrate()
        second = self.migrate()
        with self.assertRaises(UserError) as caught:
            first.action_rollback()
        self.assertEqual(str(caught.exception),
                         f"Roll back {second.name} first: it ran after {first.name}.")
        self.assertEqual(first.state, "done", "a refused rollback leaves the run as it was")
        second.action_rollback()
        second._run_to_end()
        self.assertEqual(second.state, "rolled_back")
        first.action_rollback()  # once the later run is rolled back, the earlier one can be
        first._run_to_end()
        self.assertEqual(first.state, "rolled_back")


class TestResume(SandboxCase):
    sandbox_options = {"seed": 8, "scale": 400}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.write({"retries": 2, "backoff": 0.01, "page_size": 100})

    def test_source_failure_fails_the_run_and_resume_completes_it(self):
        count = self.sandbox.dataset.count("Contacts")
        run = self.new_run()
        run.action_profile()
        contacts = run.phase_ids.filtered(lambda p: p.key == "Contacts")
        while not contacts.done:
            run._process_batch()
        self.sandbox.inject("503", count=3)  # the try and its 2 retries
        run._run_to_end()
        self.assertEqual(run.state, "failed")
        self.assertIn("503", run.error)
        self.assertEqual(contacts.state, "failed")
        self.assertTrue(0 < contacts.done < count)
        run.action_resume()
        run._run_to_end()
        self.assertIn(run.state, ("profiled", "mapped"))
        # resumed after its cursor: every contact extracted once, none twice
        self.assertEqual((contacts.done, contacts.created), (count, count))
        self.migrate(run)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(self.records_of("res.partner", "Contacts")), count)

    def test_bad_key_fails_with_a_clear_error(self):
        self.source.api_key = "wrong"
        run = self.new_run()
        run.action_profile()
        run._run_to_end()
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error.startswith("The source refused the API key."), run.error)
        self.assertIn("User-Key", run.error)

    def test_connecting_with_a_wrong_key_is_refused_and_saves_nothing(self):
        wizard = self.env["crm.migration.setup"].create(
            {"name": "Wrong key", "url": self.sandbox.base_url, "api_key": "wrong"})
        with self.assertRaisesRegex(UserError, r"The source refused the API key\.\n.*HTTP 401"):
            wizard.action_connect()
        self.assertFalse(self.env["crm.migration.source"].search([("name", "=", "Wrong key")]))
        wizard.api_key = self.sandbox.key
        self.assertEqual(wizard.action_connect()["res_model"], "crm.migration.run")

    def test_the_wizard_says_in_words_what_is_wrong_and_never_shows_the_key(self):
        Setup = self.env["crm.migration.setup"]
        self.assertEqual(Setup.new({}).fallback_user_id, self.env.user)  # one click to clear
        key = self.sandbox.key
        for url, expected in (("http://127.0.0.1:1", r"^No answer from 127\.0\.0\.1: check the API URL"),
                              (self.html_server(), r"does not answer like a Ploomes API: check the "
                                                   r"API URL \(usually https://")):
            wizard = Setup.create({"name": "Bad URL", "url": url, "api_key": key})
            with self.assertRaisesRegex(UserError, expected) as caught:
                wizard.action_connect()
            for raw in ("retries", "urllib3", "Connection", "<html", key):
                self.assertNotIn(raw, str(caught.exception))
        wizard = Setup.create({"name": "Spaced key", "url": self.sandbox.base_url,
                               "api_key": f"{key[:5]} {key[5:]}"})
        with self.assertRaisesRegex(UserError, "spaces or line breaks inside") as caught:
            wizard.action_connect()
        self.assertNotIn(key[5:], str(caught.exception))
        for size in (-5, 0, 1001):
            wizard = Setup.create({"name": "Sample", "url": self.sandbox.base_url, "api_key": key,
                                   "sample_size": size})
            with self.assertRaisesRegex(ValidationError, f"from 1 to 1000 records per object, not {size}"):
                wizard.action_connect()
        with self.assertRaises(ValidationError):
            self.new_run(sample_size=-5)
        wizard = Setup.create({"name": "Trimmed", "url": f" {self.sandbox.base_url} ",
                               "api_key": f"  {key}\n"})
        run = self.env["crm.migration.run"].browse(wizard.action_connect()["res_id"])
        self.assertEqual((run.source_id.url, run.source_id.api_key), (self.sandbox.base_url, key))
        self.assertEqual(run.source_id.fallback_user_id, self.env.user)
        self.assertFalse(self.env["crm.migration.source"].search([("name", "in", ("Bad URL", "Sample"))]))

    def html_server(self):
        """The address of a web page that is no API."""
        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body>Loja</body></html>")

            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}"


class TestRollbackBlocked(SandboxCase):
    sandbox_options = {"seed": 4, "scale": 40}

    def test_a_record_something_else_now_uses_is_kept_and_reported(self):
        run = self.migrate()
        partners = self.records_of("res.partner", "Contacts")
        kept = next(p for p in partners.values() if not p.is_company)
        self.env["res.users"].create({"login": "uses.a.migrated.partner", "partner_id": kept.id})
        run.action_rollback()
        run._run_to_end()
        self.assertEqual(run.state, "rolled_back")
        self.assertTrue(kept.exists())  # Odoo refuses to delete or archive a user's partner
        issues = self.issues(run, "rollback_blocked")
        self.assertEqual(issues.filtered(lambda i: i.res_model == "res.partner").mapped("res_id"), [kept.id])
        # the custom fields that partner still holds stay too, reported
        fields_kept = issues.filtered(lambda i: i.res_model == "ir.model.fields")
        self.assertTrue(fields_kept)
        for field in self.env["ir.model.fields"].browse(fields_kept.mapped("res_id")):
            self.assertTrue(kept[field.name])
        others = [p for p in partners.values() if p != kept]
        self.assertFalse(any(p.exists() for p in others))
        self.assertEqual(run.phase_ids.filtered(lambda p: p.kind == "rollback").failed, len(issues))
