"""A source whose schema reads no workflow automations gets the audit as a template: its
admin writes the workflows up by hand on the source (name, trigger, conditions, actions,
order), each line says how to rebuild it in Odoo, and the audit downloads as a CSV file of
those columns and prints as the same report as a source that exposes its workflows."""
import base64
import csv
import io

from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase
from odoo.tests.common import new_test_user

from ..sources import SOURCES

VIEWER = "base.group_user,crm_migration.group_crm_migration_user"
MANAGER = "base.group_user,crm_migration.group_crm_migration_manager"
COLUMNS = ("name", "trigger", "conditions", "actions", "sequence", "plan")
HEADER_EN = ["Name", "Trigger in the source", "Trigger conditions", "Actions in the source",
             "Order", "How to rebuild it"]
PT = "pt_BR"


def audit_model(schema):
    return [obj for obj in schema.objects if obj.model == "crm.migration.automation"]


class TestWorkflowAuditTemplate(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, "wf_manager", groups=MANAGER)
        cls.viewer = new_test_user(cls.env, "wf_viewer", groups=VIEWER)
        Source = cls.env["crm.migration.source"]
        cls.template_source = Source.create({"name": "No workflows", "kind": "bloomr"})
        cls.reading_source = Source.create({"name": "With workflows", "kind": "ploomes"})

    def download(self, source, user=None, delimiter=","):
        """The CSV the source's download action gives, as rows, and its attachment."""
        user = user or self.manager
        # As the web client calls it: in the user's language.
        action = source.with_user(user).with_context(lang=user.lang).action_download_workflow_audit()
        self.assertEqual((action["type"], action["target"]), ("ir.actions.act_url", "download"))
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertEqual((attachment.res_model, attachment.res_id), (source._name, source.id))
        text = base64.b64decode(attachment.datas).decode("utf-8-sig")
        self.assertEqual(text.splitlines()[0].count(delimiter), len(COLUMNS) - 1)
        return list(csv.reader(io.StringIO(text), delimiter=delimiter)), attachment

    def write_up(self, source):
        """One workflow written up by hand on the source form, as its admin does."""
        with Form(source.with_user(self.manager)) as form:
            with form.automation_ids.new() as line:
                line.name = "Welcome the won customer"
                line.trigger = "Deal moved to Won"
                line.conditions = "Pipeline is Sales and amount > 1000"
                line.actions = "1. Create a task for the owner\n2. E-mail the customer"
                line.sequence = 3
                line.trigger_kind = "won"
                line.action_kinds = "activity, email"
        return source.automation_ids

    def test_the_spec_tells_which_sources_read_workflows(self):
        self.assertFalse(audit_model(SOURCES["bloomr"].schema))
        self.assertTrue(audit_model(SOURCES["ploomes"].schema))
        self.assertFalse(self.template_source.reads_workflows)
        self.assertTrue(self.reading_source.reads_workflows)

    def test_the_empty_template_has_the_audit_columns(self):
        rows, attachment = self.download(self.template_source)
        self.assertEqual(rows, [HEADER_EN])
        self.assertEqual(attachment.mimetype, "text/csv")
        again, same = self.download(self.template_source)
        self.assertEqual((again, same), (rows, attachment), "a second download reuses the file")

    def test_a_workflow_written_up_by_hand_gets_a_plan_the_csv_and_the_report(self):
        line = self.write_up(self.template_source)
        self.assertEqual(len(line), 1)
        self.assertTrue(line.written_by_hand)
        self.assertTrue(line.active_in_source)
        self.assertEqual(line.state, "to_rebuild")
        plan = line.plan.splitlines()
        self.assertIn("Automation Rules", plan[0])
        self.assertIn("On Stage Set", plan[2])
        self.assertIn("Pipeline is Sales and amount > 1000", plan[3])
        self.assertEqual(plan[4:], ["Action 1: Create Activity",
                                    "Action 2: Send Email, with a mail template copied from the source"])

        rows, _attachment = self.download(self.template_source)
        self.assertEqual(rows[0], HEADER_EN)
        self.assertEqual(rows[1], ["Welcome the won customer", "Deal moved to Won",
                                   "Pipeline is Sales and amount > 1000",
                                   "1. Create a task for the owner\n2. E-mail the customer", "3",
                                   line.plan])

        action = self.template_source.with_user(self.manager).action_print_workflow_audit()
        self.assertEqual(action["report_name"], "crm_migration.report_workflow_audit_document")
        self.assertEqual(action["context"]["active_ids"], line.ids)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "crm_migration.report_workflow_audit_document", line.ids)[0].decode()
        for text in ("Welcome the won customer", "Deal moved to Won",
                     "Pipeline is Sales and amount &gt; 1000", "Create Activity"):
            self.assertIn(text, html)
        self.assertNotIn("inactive in the source", html)

    def test_lines_written_up_by_hand_keep_their_order(self):
        Automation = self.env["crm.migration.automation"].with_user(self.manager)
        Automation.create([{"source_id": self.template_source.id, "name": name, "sequence": seq}
                           for name, seq in (("Third", 30), ("First", 10), ("Second", 20))])
        rows, _attachment = self.download(self.template_source)
        self.assertEqual([row[0] for row in rows[1:]], ["First", "Second", "Third"])

    def test_a_viewer_downloads_but_does_not_write_up(self):
        self.write_up(self.template_source)
        rows, _attachment = self.download(self.template_source, user=self.viewer)
        self.assertEqual(len(rows), 2)
        with self.assertRaises(AccessError):
            self.env["crm.migration.automation"].with_user(self.viewer).create(
                {"source_id": self.template_source.id, "name": "Not mine to write"})

    def test_a_source_that_exposes_workflows_is_not_written_up_by_hand(self):
        form = Form(self.reading_source.with_user(self.manager))
        with self.assertRaises(AssertionError):
            form.automation_ids.new()
        read = self.env["crm.migration.automation"].create({
            "source_id": self.reading_source.id, "name": "Read from the source",
            "trigger": "Deal won", "filter_ref": "77", "trigger_kind": "won"})
        self.assertFalse(read.written_by_hand)
        rows, _attachment = self.download(self.reading_source)
        self.assertEqual(rows[0], HEADER_EN)
        self.assertEqual(rows[1][:3], ["Read from the source", "Deal won", "Source filter 77"])
        self.assertIn("Automation Rules", rows[1][5])

    def test_the_template_in_portuguese(self):
        Lang = self.env["res.lang"]
        if not Lang._activate_lang(PT):
            Lang._create_lang(PT)
        Lang._lang_get(PT).write({"decimal_point": ",", "thousands_sep": "."})
        self.env["ir.module.module"]._load_module_terms(["crm_migration"], [PT], overwrite=True)
        self.env.invalidate_all()
        self.manager.lang = PT
        rows, _attachment = self.download(self.template_source, delimiter=";")
        labels = self.env["crm.migration.automation"].with_context(lang=PT).fields_get(
            COLUMNS, attributes=["string"])
        self.assertEqual(rows, [[labels[name]["string"] for name in COLUMNS]])
        # The columns already translated; ";" separates them, as a Portuguese spreadsheet reads.
        self.assertEqual([rows[0][i] for i in (0, 1, 3, 5)],
                         ["Nome", "Disparo na fonte", "Ações na fonte", "Como recriá-lo"])
