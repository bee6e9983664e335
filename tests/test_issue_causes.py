"""Issues by cause: each code has a cause record (a label and what to do, translated),
the Issues list groups by it, and a code no record knows still gets one."""
import ast
from pathlib import Path

from lxml import etree

from odoo.tests import tagged

from ..models.crm_migration_issue_cause import CODES
from ..sandbox.bloomr.export import export_bytes
from .common import SandboxCase, SourceCase

DATA = Path(__file__).resolve().parent.parent / "data" / "crm_migration_issue_cause_data.xml"


@tagged("post_install", "-at_install")
class TestIssueCauses(SourceCase):

    @classmethod
    def source_values(cls):
        return {"name": "Causes", "kind": "bloomr-csv", "rate_limit": 0}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_ = cls.new_run()
        cls.Issue = cls.env["crm.migration.issue"]

    def issue_values(self, code, **values):
        return {"run_id": self.run_.id, "step": "load", "phase": "contacts", "entity": "Contacts",
                "code": code, "message": f"A {code} problem.", **values}

    def test_the_data_file_defines_every_code_with_a_label_and_what_to_do(self):
        records = etree.parse(str(DATA)).getroot()
        self.assertEqual(records.get("noupdate"), "0")  # an upgrade brings new labels
        defined = {}
        for record in records.iter("record"):
            values = {field.get("name"): field.text for field in record.iter("field")}
            self.assertEqual(record.get("id"), f"issue_cause_{values['code']}")
            self.assertTrue(values.get("description"), values["code"])
            self.assertNotEqual(values["name"], values["code"])
            defined[values["code"]] = values["name"]
        self.assertEqual(sorted(defined), sorted(CODES))
        loaded = self.env["crm.migration.issue.cause"].search([("code", "in", CODES)])
        self.assertEqual(sorted(loaded.mapped("code")), sorted(CODES))

    def test_an_issue_gets_the_cause_of_its_code(self):
        issue = self.Issue.create(self.issue_values("unmatched_owner"))
        cause = self.env.ref("crm_migration.issue_cause_unmatched_owner")
        self.assertEqual(issue.cause_id, cause)
        self.assertEqual(issue.cause_id.name, "Owner not matched to an Odoo user")
        self.assertIn("user reconciliation", issue.cause_description)
        self.assertFalse(self.Issue.create(self.issue_values(False)).cause_id)

    def test_one_group_per_cause_with_its_count(self):
        self.Issue.create([self.issue_values("unmatched_owner") for _i in range(3)]
                          + [self.issue_values("invalid_register", phase="companies") for _i in range(2)])
        groups = self.Issue._read_group([("run_id", "=", self.run_.id)], ["cause_id"], ["__count"])
        self.assertEqual({cause.code: count for cause, count in groups},
                         {"unmatched_owner": 3, "invalid_register": 2})

    def test_the_causes_of_a_batch_are_found_in_one_query(self):
        def queries(count):
            before = self.env.cr.sql_log_count
            self.Issue.create([self.issue_values(code) for code in ("no_date", "not_a_date")
                               for _i in range(count)])
            return self.env.cr.sql_log_count - before

        queries(1)  # access rights and rules, read once
        self.assertEqual(queries(40), queries(1))  # the causes' search and the issues' INSERT

    def test_an_unknown_code_gets_one_cause_named_by_it(self):
        first = self.Issue.create([self.issue_values("brand_new_code") for _i in range(2)])
        second = self.Issue.create(self.issue_values("brand_new_code"))
        cause = self.env["crm.migration.issue.cause"].search([("code", "=", "brand_new_code")])
        self.assertEqual(len(cause), 1)
        self.assertEqual((first | second).cause_id, cause)
        self.assertEqual(cause.name, "brand_new_code")

    def test_the_label_is_in_the_admins_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        cause = self.env.ref("crm_migration.issue_cause_unmatched_owner")
        cause.with_context(lang="pt_BR").name = "Responsável sem usuário no Odoo"
        self.Issue.create(self.issue_values("unmatched_owner"))
        Issue = self.Issue.with_context(lang="pt_BR")
        [(group, count)] = Issue._read_group([("run_id", "=", self.run_.id)], ["cause_id"],
                                             ["__count"])
        self.assertEqual((group.display_name, count), ("Responsável sem usuário no Odoo", 1))
        self.assertEqual(cause.name, "Owner not matched to an Odoo user")

    def test_accept_all_of_this_cause(self):
        owners = self.Issue.create([self.issue_values("unmatched_owner") for _i in range(2)])
        other = self.Issue.create(self.issue_values("invalid_register"))
        elsewhere = self.Issue.create(self.issue_values("unmatched_owner", phase="deals"))
        owners[0].action_accept_cause()
        self.assertEqual(set(owners.mapped("status")), {"accepted"})
        self.assertEqual((other.status, elsewhere.status), ("open", "open"))

    def test_the_issues_list_groups_by_cause_level_object_and_phase(self):
        arch = etree.fromstring(self.Issue.get_views([(False, "search")])["views"]["search"]["arch"])
        group_by = {f.get("name"): f.get("context") for f in arch.iter("filter")
                    if "group_by" in (f.get("context") or "")}
        self.assertEqual(group_by["group_code"], "{'group_by': 'cause_id'}")
        self.assertEqual({ast.literal_eval(context)["group_by"] for context in group_by.values()},
                         {"cause_id", "level", "entity", "phase"})


class CausesOfAMigration:
    """Every issue a real migration logs has a cause of the data file, none made up."""

    def assert_causes_known(self, run):
        issues = self.env["crm.migration.issue"].search([("run_id", "=", run.id)])
        self.assertTrue(issues)
        self.assertFalse(issues.filtered(lambda i: i.code and not i.cause_id))
        self.assertFalse(set(issues.mapped("cause_id.code")) - set(CODES))


@tagged("post_install", "-at_install")
class TestCausesOfAPloomesMigration(SandboxCase, CausesOfAMigration):
    sandbox_options = {"seed": 23, "scale": 40}

    def test_every_issue_has_a_cause_of_the_data_file(self):
        self.assert_causes_known(self.migrate())


@tagged("post_install", "-at_install", "bloomr")
class TestCausesOfADirtyBloomrExport(SourceCase, CausesOfAMigration):

    @classmethod
    def source_values(cls):
        return {"name": "Dirty export", "kind": "bloomr-csv", "rate_limit": 0, "batch_size": 50}

    def test_every_issue_has_a_cause_of_the_data_file(self):
        self.source._set_export_files(sorted(export_bytes(5, 30, "utf-8", ",", dirt=0.4).items()))
        self.source.action_probe_api()
        self.source.action_confirm_api_profile()
        run = self.migrate()
        self.assertTrue(run.issue_ids.filtered(lambda i: i.step == "extract"))
        self.assert_causes_known(run)
