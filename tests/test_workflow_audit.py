"""Workflow automations cannot move: each one is written up with how to rebuild it."""
import csv
import io

from .common import SandboxCase


class TestWorkflowAudit(SandboxCase):
    sandbox_options = {"seed": 31, "scale": 60}

    def test_every_automation_is_written_up(self):
        run = self.migrate()
        automations = list(self.sandbox.dataset.iter("Automations"))
        self.assertTrue(automations)
        audit = self.env["crm.migration.automation"].search([("source_id", "=", self.source.id)])
        self.assertEqual(len(audit), len(automations))
        phase = self.phase(run, "automations")
        self.assertEqual((phase.total, phase.created, phase.failed), (len(automations), len(automations), 0))
        by_name = {a.name: a for a in audit}
        for automation in automations:
            line = by_name[automation["Name"]]
            self.assertEqual(line.trigger, automation["Trigger"]["Name"])
            self.assertEqual(line.active_in_source, automation["Active"])
            steps = sorted(automation["Actions"], key=lambda a: a["Ordination"])
            positions = [line.actions.index(step["Parameters"]) for step in steps]
            self.assertEqual(positions, sorted(positions))
            self.assertEqual(len((line.action_kinds or "").split(",")), len(steps))
            self.assertIn("Automation Rules", line.plan)
            if automation["EntityId"] == 2:
                self.assertEqual(line.odoo_model, "crm.lead")
        won = [a for a in automations if "ganho" in a["Trigger"]["Name"].lower()]
        self.assertTrue(won)
        self.assertEqual(by_name[won[0]["Name"]].trigger_kind, "won")

        html = self.env["ir.actions.report"]._render_qweb_html(
            "crm_migration.report_workflow_audit_document", audit.ids)[0].decode()
        for automation in automations:
            self.assertIn(automation["Name"], html)

        self.assertTrue(self.source.reads_workflows)
        self.assertFalse(any(audit.mapped("written_by_hand")))
        rows = list(csv.reader(io.StringIO(audit._audit_csv().decode("utf-8-sig"))))
        self.assertEqual(len(rows), len(automations) + 1)
        self.assertEqual({row[0] for row in rows[1:]}, set(by_name))
        self.assertEqual([row[5] for row in rows[1:]], audit.mapped("plan"))

        second = self.migrate()
        self.assertEqual(self.phase(second, "automations").created, 0)
