from odoo import api, fields, models

#: The model a source object loads workflow automations into (the audit lines).
AUDIT_MODEL = "crm.migration.automation"


class CrmMigrationSource(models.Model):
    """The workflow audit of a source: read from the source when its schema has workflow
    automations, else a template its admin writes up by hand, line by line."""

    _inherit = "crm.migration.source"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: the workflow audit

    automation_ids = fields.One2many("crm.migration.automation", "source_id", "Workflow audit")
    reads_workflows = fields.Boolean(
        "Reads workflows", compute="_compute_reads_workflows",
        help="The source exposes its workflow automations: a run writes them up. Otherwise "
             "the audit is a template the admin fills in by hand.")

    @api.depends("kind")
    def _compute_reads_workflows(self):
        for source in self:
            source.reads_workflows = bool(source.kind) and any(
                obj.model == AUDIT_MODEL for obj in source._schema().objects)

    def action_download_workflow_audit(self):
        """Download the workflow audit as a CSV file: the audit's columns, and its lines."""
        self.ensure_one()
        data = self.automation_ids._audit_csv()
        name = self.env._("Workflow audit - %s.csv", self.name)
        # Written by sudo: reading the source is enough to download what one can read.
        attachments = self.env["ir.attachment"].sudo()
        attachment = attachments.search([("res_model", "=", self._name), ("res_id", "=", self.id),
                                         ("name", "=", name)], limit=1)
        if attachment:
            attachment.raw = data
        else:
            attachment = attachments.create({"name": name, "raw": data, "mimetype": "text/csv",
                                             "res_model": self._name, "res_id": self.id})
        return {"type": "ir.actions.act_url", "target": "download",
                "url": f"/web/content/{attachment.id}?download=true"}

    def action_print_workflow_audit(self):
        """Print the workflow audit (PDF) of this source."""
        self.ensure_one()
        return self.env.ref("crm_migration.report_workflow_audit").report_action(self.automation_ids)
