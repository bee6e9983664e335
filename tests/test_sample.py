"""The sample migration: a few records per object, spot-checked field by field."""
import csv
import io

from lxml import etree

from odoo.exceptions import UserError

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

    def test_reconciliation_report_for_sign_off(self):
        """The report's figures are the run's: per phase, verification, spot check, problems;
        the CSV holds every latest issue; the PDF is produced; the sign-off is recorded."""
        run = self.migrate(sample=4)
        html = run._report_render("html").decode()
        tree = etree.fromstring(html, etree.HTMLParser())

        def rows(css, where=""):
            return [[" ".join("".join(cell.itertext()).split()) for cell in row.xpath("td")]
                    for row in tree.xpath(f"//table[contains(@class, '{css}'){where}]/tbody/tr")]

        companies = self.phase(run, "companies")
        load = {row[0]: row[1:] for row in rows("o_crm_migration_step", " and @data-step='load'")}
        self.assertEqual(len(load), len(run._reconciliation("load")))
        self.assertEqual(load[companies.name][:2], [str(companies.total), str(companies.created)])
        self.assertEqual(load[companies.name][-1], str(companies.verified))
        accuracy = {row[0]: row[1:] for row in rows("o_crm_migration_accuracy")}
        self.assertEqual(accuracy[companies.name][:2], [str(companies.created), str(companies.verified)])
        self.assertEqual(len(rows("o_crm_migration_spot_check")), len(run.spot_check_ids))
        latest = run._report_issues()
        self.assertTrue(latest)
        problems = rows("o_crm_migration_problems")
        self.assertEqual(sum(int(row[-1]) for row in problems), len(latest))
        self.assertIn(latest[0].cause_id.name, {row[0] for row in problems})
        self.assertIn("____", html, "an unsigned report has lines to sign")

        lines = list(csv.DictReader(io.StringIO(run._report_render("csv").decode())))
        self.assertEqual(len(lines), len(latest))
        self.assertEqual({(line["code"], line["source_id"]) for line in lines},
                         {(issue.code, issue.source_key or "") for issue in latest})

        download = run.action_export_issues_csv()
        attachment = self.env["ir.attachment"].browse(int(download["url"].split("/")[3].split("?")[0]))
        self.assertEqual(attachment.name, f"{run.name.replace('/', '-')} reconciliation.csv")
        self.assertEqual(attachment.raw.decode(), run._report_csv())

        pdf = run.with_context(force_report_rendering=True)._report_render("pdf")
        self.assertTrue(pdf.startswith(b"%PDF") and len(pdf) > 1000)

        run.action_sign_off()
        self.assertEqual((run.signed_by_id, bool(run.signed_at)), (self.env.user, True))
        self.assertIn(self.env.user.name, run._report_render("html").decode())
        with self.assertRaises(UserError):
            self.new_run().action_sign_off()

    def test_discovery_inventory_after_profiling(self):
        """The inventory counts what profiling found and lists what is left to do."""
        run = self.profile()
        tree = etree.fromstring(
            self.env["ir.actions.report"]._render_qweb_html(
                "crm_migration.report_run_inventory_document", run.ids)[0], etree.HTMLParser())

        def rows(css):
            return [[" ".join("".join(cell.itertext()).split()) for cell in row.xpath("td")]
                    for row in tree.xpath(f"//*[contains(@class, '{css}')]/tbody/tr")]

        objects = {row[0]: row for row in rows("o_crm_migration_objects")}
        contacts = self.sandbox.dataset.iter("Contacts")
        companies = sum(1 for contact in contacts if contact["TypeId"] == 1)
        self.assertEqual(objects["Companies"][1:3], ["Contacts", str(companies)])
        self.assertEqual(len(rows("o_crm_migration_custom_fields")),
                         len(run.profile_ids.filtered("custom")))
        self.assertTrue(rows("o_crm_migration_tax_ids"), "the sandbox's companies have CNPJs")
        todo = " ".join(tree.xpath("//ul[contains(@class, 'o_crm_migration_prerequisites')]//text()"))
        self.assertIn("confirm the field map", todo)
        self.assertIn("Run the sample migration", "".join(tree.itertext()))

        self.migrate(run, sample=3)
        self.assertIn("records/s", run._inventory_duration())
        self.assertNotIn("confirm the field map", " ".join(run._inventory_prerequisites()))
