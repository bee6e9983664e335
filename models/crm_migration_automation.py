# pylint: disable=prefer-env-translation  # module-level _lt (LazyTranslate): no env at import time
import csv
import io

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

TRIGGER_KINDS = [
    ("creation", "On creation"), ("won", "Deal won"), ("lost", "Deal lost"),
    ("done", "Task done"), ("update", "On update"), ("other", "Other"),
]
TRIGGER_PLANS = {
    "creation": _lt("On Creation"),
    "won": _lt("On Stage Set, with a won stage in the rule's filter"),
    "lost": _lt("On Archived (an opportunity marked as lost is archived)"),
    "done": _lt("On UI Action or a rule on the activity's record: tasks become activities"),
    "update": _lt("On Update of the field that changes"),
    "other": _lt("Choose the closest trigger"),
}
ACTION_PLANS = {
    "activity": _lt("Create Activity"),
    "email": _lt("Send Email, with a mail template copied from the source"),
    "stage": _lt("Update Record: Stage"),
    "owner": _lt("Update Record: Salesperson"),
    "webhook": _lt("Send Webhook Notification"),
    "record": _lt("Create Record (Sales Order), or Execute Code"),
    "server": _lt("Execute Code (a server action)"),
}
#: The columns of the workflow audit: name, trigger, conditions, actions, order, Odoo equivalent.
AUDIT_COLUMNS = ("name", "trigger", "conditions", "actions", "sequence", "plan")


class CrmMigrationAutomation(models.Model):
    """A workflow automation of the source, which cannot move: how to rebuild it in Odoo."""

    _name = "crm.migration.automation"
    _description = "Workflow to Rebuild"
    _order = "source_id, sequence, state, name, id"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True)
    source_entity = fields.Char("Record type")
    trigger = fields.Char("Trigger in the source")
    conditions = fields.Text("Trigger conditions",
                             help="When the workflow runs: the records and values it applies to.")
    filter_ref = fields.Char("Source filter")
    actions = fields.Text("Actions in the source")
    sequence = fields.Integer("Order", default=10,
                              help="Where the workflow comes among the source's workflows.")
    active_in_source = fields.Boolean("Active in the source", default=True)
    written_by_hand = fields.Boolean(
        compute="_compute_written_by_hand",
        help="The source exposes no workflows: its lines are written up by hand.")
    odoo_model = fields.Char("Odoo model")
    trigger_kind = fields.Selection(TRIGGER_KINDS)
    action_kinds = fields.Char(
        help="Kinds of Odoo actions, in order (comma separated): activity, email, stage, owner, "
             "webhook, record, server.")
    plan = fields.Text("How to rebuild it", compute="_compute_plan")
    state = fields.Selection(
        [("to_rebuild", "To rebuild"), ("rebuilt", "Rebuilt"), ("not_needed", "Not needed")],
        default="to_rebuild", required=True)
    note = fields.Text()

    @api.depends("source_id.reads_workflows")
    def _compute_written_by_hand(self):
        for automation in self:
            automation.written_by_hand = bool(automation.source_id) and not automation.source_id.reads_workflows

    @api.depends("odoo_model", "trigger_kind", "action_kinds", "filter_ref", "conditions")
    @api.depends_context("lang")
    def _compute_plan(self):
        for automation in self:
            lines = [
                self.env._("Odoo: Settings › Technical › Automation Rules (Automation Rules app)."),
                self.env._("Model: %s", automation.odoo_model or self.env._("to choose")),
                self.env._("Trigger: %s", self.env._(TRIGGER_PLANS[automation.trigger_kind or "other"])),
            ]
            if automation.filter_ref:
                lines.append(self.env._("Filter: rebuild the source filter %s as the rule's domain.",
                                        automation.filter_ref))
            if automation.conditions:
                lines.append(self.env._("Conditions: rebuild them as the rule's domain (Apply on): %s",
                                        automation.conditions.strip()))
            kinds = [kind.strip() for kind in (automation.action_kinds or "").split(",")]
            for index, kind in enumerate(filter(None, kinds), start=1):
                lines.append(self.env._("Action %(index)s: %(action)s", index=index,
                                        action=self.env._(ACTION_PLANS.get(kind, ACTION_PLANS["server"]))))
            automation.plan = "\n".join(lines)

    def _audit_csv(self):
        """These lines as a CSV file (bytes) of the audit's columns, headed by their labels in
        the user's language: the template the admin fills in when the source exposes none."""
        labels = self.fields_get(AUDIT_COLUMNS, attributes=["string"])
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        delimiter = ";" if lang and lang.decimal_point == "," else ","
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow([labels[name]["string"] for name in AUDIT_COLUMNS])
        for automation in self:
            conditions = automation.conditions or (automation.filter_ref and self.env._(
                "Source filter %s", automation.filter_ref)) or ""
            writer.writerow([automation.name, automation.trigger or "", conditions,
                             automation.actions or "", automation.sequence, automation.plan])
        return out.getvalue().encode("utf-8-sig")
