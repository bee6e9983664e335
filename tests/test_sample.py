"""The sample migration: a few records per object, spot-checked field by field."""
from .common import SandboxCase


class TestSampleMigration(SandboxCase):
    sandbox_options = {"seed": 37, "scale": 80}

    def test_sample_then_spot_check_then_full(self):
        run = self.migrate(sample=5)
        self.assertEqual(run.state, "sampled")
        companies = self.phase(run, "companies")
        self.assertEqual((companies.total, companies.created), (5, 5))
        partners = self.records_of("res.partner", "Contacts")
        self.assertEqual(len(partners), 10)  # 5 companies, 5 people

        checks = run.spot_check_ids
        names = checks.filtered(lambda c: c.object_label == "Companies" and c.odoo_field == "name")
        self.assertEqual(len(names), 5)
        for check in names:
            contact = self.sandbox.dataset.get("Contacts", int(check.source_key))
            self.assertEqual(check.source_value, " ".join(contact["Name"].split()))
            self.assertEqual(check.odoo_value, partners[int(check.source_key)].name)
            self.assertTrue(check.match)
        self.assertTrue(checks.filtered(lambda c: c.source_label.startswith("CNPJ")))

        Issue = self.env["crm.migration.issue"]
        sampled = Issue.search([("run_id", "=", run.id), ("superseded", "=", False)])
        self.assertEqual(set(sampled.mapped("step")), {"load"})  # the validation's are history
        self.assertEqual(run.error_count, len(sampled.filtered(lambda i: i.level == "error")))

        run.action_start()
        run._run_to_end()
        self.assertEqual(run.state, "done")
        latest = Issue.search([("run_id", "=", run.id), ("superseded", "=", False)])
        self.assertTrue(latest and not latest & sampled)
        self.assertTrue(sampled.exists() and all(sampled.mapped("superseded")))
        self.assertEqual(run.error_count, len(latest.filtered(lambda i: i.level == "error")))
        self.assertLess(run.issue_count, len(run.issue_ids))
        keys = [(i.phase, i.code, i.source_key, i.field) for i in latest if i.source_key]
        self.assertEqual(len(keys), len(set(keys)))  # one problem of one record: once
        self.assertEqual(run.action_view_issues()["context"].get("search_default_latest"), 1)
        self.assertEqual(len(self.records_of("res.partner", "Contacts")),
                         self.sandbox.dataset.count("Contacts"))
        companies = self.phase(run, "companies")
        # the sampled ones are updated (references outside the sample now resolve) or unchanged
        self.assertEqual(companies.unchanged + companies.updated, 5)
        self.assertEqual(companies.created, companies.total - 5)

    def test_a_sample_can_be_rolled_back(self):
        run = self.migrate(sample=3)
        run.action_rollback()
        run._run_to_end()
        self.assertEqual(run.state, "rolled_back")
        self.assertFalse(self.records_of("res.partner", "Contacts"))
