"""Source entities the API key may not read (HTTP 403, or 404 on an account without the
module): optional ones are reported and left out once the admin acknowledges it in the map;
one a required object reads stops the extraction, resumable."""
from odoo.exceptions import UserError, ValidationError

from .common import SandboxCase


class TestOptionalEntityRefused(SandboxCase):
    sandbox_options = {"seed": 11, "scale": 100, "refuse": {"Emails": 403, "Products": 404}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mig = cls.profile()
        cls.fmap = cls.source._current_map()

    def _acknowledge(self):
        self.fmap.refusal_ids.write({"acknowledged": True})

    def test_profiling_reports_each_refusal_with_its_status(self):
        self.assertEqual(self.mig.state, "profiled")
        refused = self.mig._refused_phases()
        self.assertEqual({p.key: p.refused_status for p in refused}, {"Emails": 403, "Products": 404})
        emails = refused.filtered(lambda p: p.key == "Emails")
        self.assertIn("HTTP 403", emails.notice)
        self.assertIn("E-mails", emails.notice)
        self.assertEqual(self.phase(self.mig, "Contacts", kind="extract").state, "done")
        issues = self.issues(self.mig, "refused_entity")
        self.assertEqual(sorted(issues.mapped("entity")), ["Emails", "Products"])
        self.assertIn("does not have permission", issues.filtered(lambda i: i.entity == "Emails").message)

    def test_the_map_lists_them_and_cannot_be_confirmed_until_acknowledged(self):
        refusals = {r.entity: r for r in self.fmap.refusal_ids}
        self.assertEqual({name: r.status for name, r in refusals.items()}, {"Emails": 403, "Products": 404})
        self.assertEqual(refusals["Emails"].object_labels, "E-mails")
        self.assertIn("Quote lines", refusals["Products"].object_labels)
        with self.assertRaisesRegex(ValidationError, "Emails was refused by the source"):
            self.mig.action_confirm_map()
        refusals["Emails"].acknowledged = True
        with self.assertRaisesRegex(ValidationError, "Products was refused") as caught:
            self.mig.action_confirm_map()
        self.assertNotIn("Emails", str(caught.exception))
        refusals["Products"].acknowledged = True
        self.mig.action_confirm_map()
        self.assertEqual(self.fmap.state, "confirmed")

    def test_validation_refuses_a_map_that_does_not_leave_them_out(self):
        self.fmap.refusal_ids.filtered(lambda r: r.entity == "Products").unlink()
        self._acknowledge()
        self.mig.action_confirm_map()
        with self.assertRaisesRegex(UserError, "refused Products to the API key"):
            self.mig.action_validate()

    def test_a_new_profile_keeps_the_acknowledgement_and_drops_what_is_readable_again(self):
        self._acknowledge()
        self.fmap.action_confirm()
        self.sandbox.refuse.pop("Products")
        self.addCleanup(self.sandbox.refuse.__setitem__, "Products", 404)
        self.profile()
        new = self.source._current_map()
        self.assertNotEqual(new, self.fmap)
        self.assertEqual([(r.entity, r.acknowledged) for r in new.refusal_ids], [("Emails", True)])

    def test_the_full_load_skips_what_reads_them_with_the_reason(self):
        self._acknowledge()
        run = self.migrate(self.mig)
        self.assertEqual(run.state, "done", run.error)
        for key, entity, status in (("emails", "Emails", 403), ("products", "Products", 404),
                                    ("quote_lines", "Products", 404)):
            phase = self.phase(run, key)
            self.assertEqual(phase.state, "skipped", key)
            self.assertIn(f"{entity} answered HTTP {status}", phase.notice)
            self.assertEqual(phase.created + phase.failed, 0)
        self.assertEqual(self.phase(run, "emails", kind="validate").state, "skipped")
        deals = self.phase(run, "deals")
        self.assertEqual(deals.state, "done")
        self.assertEqual(deals.created, deals.total)
        self.assertTrue(deals.total)
        self.assertFalse(self.records_of("mail.message", "Emails"))
        self.assertFalse(self.records_of("product.template", "Products"))


class TestRequiredEntityRefused(SandboxCase):
    sandbox_options = {"seed": 11, "scale": 100, "refuse": {"Contacts": 403}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mig = cls.profile()

    def test_the_extraction_stops_naming_the_entity_and_the_status(self):
        self.assertEqual(self.mig.state, "failed")
        self.assertEqual(self.mig.failed_job, "extract")
        self.assertIn("Contacts answered HTTP 403", self.mig.error)
        self.assertIn("Companies, People cannot be migrated without it", self.mig.error)
        self.assertEqual(self.phase(self.mig, "Contacts", kind="extract").state, "failed")
        self.assertFalse(self.mig._refused_phases())

    def test_it_resumes_once_the_source_allows_it(self):
        self.sandbox.refuse.clear()
        self.addCleanup(self.sandbox.refuse.__setitem__, "Contacts", 403)
        self.mig.action_resume()
        self.mig._run_to_end()
        self.assertEqual(self.mig.state, "profiled", self.mig.error)
        contacts = self.phase(self.mig, "Contacts", kind="extract")
        self.assertEqual(contacts.state, "done")
        self.assertEqual(contacts.done, len(self.by_id("Contacts")))
        self.assertFalse(self.source._current_map().refusal_ids)
