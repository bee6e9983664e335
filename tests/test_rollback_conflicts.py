"""Rollback keeps what people worked on since the run, unless told otherwise."""
import subprocess
import sys

from odoo.tests.common import new_test_user

from ..sandbox.ploomes import PloomesSandbox
from .common import SandboxCase
from .test_cli import ODOO_BIN, CliCase

PERSON = "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman_all_leads"


class TestRollbackConflicts(SandboxCase):
    sandbox_options = {"seed": 6, "scale": 20}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = new_test_user(cls.env, "rollback_person", groups=PERSON)

    def setUp(self):
        super().setUp()
        # per test: a rollback drops the custom fields the run made from the registry
        self.mig = self.migrate()
        self.partners = self.records_of("res.partner", "Contacts")
        self.leads = self.records_of("crm.lead", "Deals")

    def preview(self):
        action = self.mig.action_preview_rollback()
        return self.env[action["res_model"]].browse(action["res_id"])

    def roll_back(self, wizard=None, **options):
        if wizard:
            wizard.action_rollback()
        else:
            self.mig.action_rollback(**options)
        self.mig._run_to_end()
        self.assertEqual(self.mig.state, "rolled_back", self.mig.error)
        return self.phase(self.mig, "journal", kind="rollback")

    def kept(self):
        """{(model, id): message} of the records the rollback kept."""
        return {(issue.res_model, issue.res_id): issue.message
                for issue in self.issues(self.mig, "rollback_kept_edited")
                if not issue.superseded}

    def assert_only_kept_left(self):
        """Every record the run created is gone but those kept (and the custom fields they
        still hold, reported as blocked, with the Migrated fields page that shows them)."""
        kept = self.kept()
        blocked = {(i.res_model, i.res_id) for i in self.issues(self.mig, "rollback_blocked")}
        fields_left = self.env["ir.model.fields"].browse(
            [res_id for model, res_id in blocked if model == "ir.model.fields"]).exists()
        pages = {f"crm_migration.migrated_fields_{model.replace('.', '_')}"
                 for model in fields_left.mapped("model")}
        created = self.env["crm.migration.journal"].search(
            [("run_id", "=", self.mig.id), ("operation", "=", "create")])
        for entry in created:
            pair = (entry.res_model, entry.res_id)
            record = self.env[entry.res_model].browse(entry.res_id).exists()
            expected = pair in kept or pair in blocked or (
                entry.res_model == "ir.ui.view" and record.key in pages)
            self.assertEqual(bool(record), expected, pair)
        self.assertTrue(all(e.kept for e in created if (e.res_model, e.res_id) in kept))
        return kept

    def test_without_conflicts_the_preview_just_confirms(self):
        self.assertFalse(self.preview().line_ids)
        phase = self.roll_back(self.preview())
        self.assertEqual(phase.kept, 0)
        self.assertFalse(self.kept())
        self.assertFalse(any(p.exists() for p in self.partners.values()))

    def test_a_partner_a_person_edited_is_kept_with_its_company(self):
        employee = next(p for p in self.partners.values()
                        if p.parent_id and p.parent_id in self.partners.values())
        employee.with_user(self.person).write({"function": "Edited in Odoo"})
        wizard = self.preview()
        self.assertEqual(len(wizard.line_ids), 1)
        line = wizard.line_ids
        self.assertEqual((line.res_model, line.res_id, line.record_name, line.user_id),
                         ("res.partner", employee.id, employee.display_name, self.person))
        self.assertIn("edited after the run", line.reasons)
        self.assertFalse(line.rollback_anyway, "kept by default")
        phase = self.roll_back(wizard)
        self.assertEqual(employee.function, "Edited in Odoo")
        self.assertTrue(employee.parent_id.exists(), "the company it needs is kept too")
        kept = self.assert_only_kept_left()
        self.assertIn("edited after the run", kept[("res.partner", employee.id)])
        self.assertIn(self.person.name, kept[("res.partner", employee.id)])
        self.assertIn("a kept record needs it", kept[("res.partner", employee.parent_id.id)])
        self.assertEqual(phase.kept, len(kept))
        partners = {res_id for model, res_id in kept if model == "res.partner"}
        self.assertEqual(set(self.records_of("res.partner", "Contacts").values()),
                         set(self.env["res.partner"].browse(partners)),
                         "kept records keep their identity")
        self.assertEqual(self.issues(self.mig, "rollback_kept_edited").cause_id,
                         self.env.ref("crm_migration.issue_cause_rollback_kept_edited"))

        # a later rollback still finds them, and rolls them back when told to
        phase = self.roll_back(force=True)
        self.assertEqual(phase.kept, 0)
        self.assertFalse(employee.exists())
        self.assertFalse(self.records_of("res.partner", "Contacts"))

    def test_a_message_or_an_activity_people_added_keeps_the_lead(self):
        commented, planned, *_others = self.leads.values()
        Lead = self.env["crm.lead"].with_user(self.person)
        message = Lead.browse(commented.id).message_post(
            body="Called the customer", message_type="comment", subtype_xmlid="mail.mt_comment")
        activity = self.env["mail.activity"].with_user(self.person).create({
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": planned.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "summary": "Call back", "user_id": self.person.id})
        lines = {line.res_id: line for line in self.preview().line_ids}
        self.assertEqual(set(lines), {commented.id, planned.id})
        self.assertIn("a message was added", lines[commented.id].reasons)
        self.assertIn("an activity was planned", lines[planned.id].reasons)
        self.roll_back()
        self.assertTrue(commented.exists() and planned.exists())
        self.assertTrue(message.exists() and activity.exists())
        kept = self.assert_only_kept_left()
        self.assertTrue({("crm.lead", commented.id), ("crm.lead", planned.id)} <= kept.keys())
        self.assertFalse([lead for lead in self.leads.values() if lead.exists()
                          and ("crm.lead", lead.id) not in kept])

    def test_a_lead_a_person_created_keeps_the_partner_it_points_to(self):
        customer = next(p for p in self.partners.values() if p.is_company)
        lead = self.env["crm.lead"].with_user(self.person).create(
            {"name": "A deal of a person", "partner_id": customer.id})
        [line] = self.preview().line_ids
        self.assertEqual((line.res_model, line.res_id), ("res.partner", customer.id))
        self.assertIn("a record people created points to it", line.reasons)
        self.assertIn("A deal of a person", line.details)
        self.roll_back()
        self.assertEqual(lead.partner_id, customer)
        self.assertIn(("res.partner", customer.id), self.assert_only_kept_left())

    def test_ticked_lines_are_rolled_back_anyway(self):
        # (a company's edit is its people's too: Odoo writes them; take people)
        people = [p for p in self.partners.values() if not p.is_company]
        second = people[0]
        needed = self.env["crm.migration.journal"]._keep_closure(
            self.mig, {("res.partner", second.id): ["edited"]})
        first = next(p for p in people if ("res.partner", p.id) not in needed)
        (first | second).with_user(self.person).write({"function": "Edited in Odoo"})
        wizard = self.preview()
        self.assertEqual(set(wizard.line_ids.mapped("res_id")), {first.id, second.id})
        wizard.line_ids.filtered(lambda line: line.res_id == first.id).rollback_anyway = True
        self.roll_back(wizard)
        self.assertFalse(first.exists())
        self.assertTrue(second.exists())
        kept = self.assert_only_kept_left()
        self.assertNotIn(("res.partner", first.id), kept)
        self.assertIn(("res.partner", second.id), kept)


class TestRollbackConflictsCli(CliCase):
    """``crm_migration rollback --dry-run``, ``--force`` and ``--run last``."""

    def rollback(self, run, *args):
        command = [sys.executable, str(ODOO_BIN), f"--addons-path={self.addons}", "crm_migration",
                   "rollback", "-c", self.config, "-d", self.database, "--run", run, *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr

    def alive(self, name):
        """Ids of the partners the run created that still exist."""
        return {res_id for (res_id,) in self.query("""
            SELECT j.res_id FROM crm_migration_journal j JOIN crm_migration_run r ON r.id = j.run_id
            JOIN res_partner p ON p.id = j.res_id
            WHERE r.name = %s AND j.res_model = 'res.partner' AND j.operation = 'create'
        """, (name,))}

    def test_dry_run_then_keep_then_force(self):
        with PloomesSandbox(seed=39, scale=20, rate_limit=0) as sandbox:
            code, _out, err = self.cli(sandbox, "--accept-proposed-map", "--sample", "3")
            self.assertEqual(code, 0, err)
        [(name, run_id)] = self.query("""
            SELECT r.name, r.id FROM crm_migration_run r JOIN crm_migration_source s
            ON s.id = r.source_id WHERE s.url = %s""", (sandbox.base_url,))
        created = self.alive(name)
        [(edited,)] = self.query("""
            SELECT j.res_id FROM crm_migration_journal j JOIN res_partner p ON p.id = j.res_id
            WHERE j.run_id = %s AND j.phase = 'companies' AND j.operation = 'create'
            ORDER BY j.res_id LIMIT 1""", (run_id,))
        self.query("""
            UPDATE res_partner SET function = 'Edited by a person', write_date = now() at time zone 'UTC',
                   write_uid = (SELECT id FROM res_users WHERE login = 'admin')
            WHERE id = %s RETURNING id""", (edited,))

        code, out, err = self.rollback("last", "--dry-run")
        self.assertEqual(code, 0, err)
        self.assertIn(f"Last run: {name}", out)
        self.assertIn(f"1 records of {name} people worked on since the run", out)
        self.assertIn(f"res.partner,{edited} ", out)
        self.assertIn("edited after the run (by admin", out)
        self.assertEqual(self.alive(name), created, "a dry run changes nothing")
        self.assertEqual(self.query("SELECT state, job FROM crm_migration_run WHERE id = %s",
                                    (run_id,)), [("sampled", None)])

        code, out, err = self.rollback("last")
        self.assertEqual(code, 0, err)
        self.assertIn(f"Rollback of {name}", out)
        self.assertIn("Kept", out)
        left = self.alive(name)
        self.assertIn(edited, left)
        self.assertLess(len(left), len(created))
        [(kept,)] = self.query("SELECT kept FROM crm_migration_run_phase WHERE run_id = %s "
                               "AND kind = 'rollback'", (run_id,))
        self.assertEqual(kept, len(self.query(
            "SELECT DISTINCT res_model, res_id FROM crm_migration_journal WHERE run_id = %s AND kept",
            (run_id,))))
        self.assertTrue(self.query("SELECT id FROM crm_migration_identity WHERE res_model = "
                                   "'res.partner' AND res_id = %s", (edited,)))

        code, out, err = self.rollback(name, "--force")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.alive(name), set())
        self.assertFalse(self.query("SELECT id FROM crm_migration_identity WHERE run_id = %s",
                                    (run_id,)))
