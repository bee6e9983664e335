# pylint: disable=prefer-env-translation  # module-level _lt (LazyTranslate): no env at import time
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


class CrmMigrationAutomation(models.Model):
    """A workflow automation of the source, which cannot move: how to rebuild it in Odoo."""

    _name = "crm.migration.automation"
    _description = "Workflow to Rebuild"
    _order = "source_id, state, name"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True)
    source_entity = fields.Char("Record type")
    trigger = fields.Char("Trigger in the source")
    filter_ref = fields.Char("Source filter")
    actions = fields.Text("Actions in the source")
    active_in_source = fields.Boolean("Active in the source")
    odoo_model = fields.Char("Odoo model")
    trigger_kind = fields.Selection(TRIGGER_KINDS)
    action_kinds = fields.Char(help="Kinds of Odoo actions, in order (comma separated).")
    plan = fields.Text("How to rebuild it", compute="_compute_plan")
    state = fields.Selection(
        [("to_rebuild", "To rebuild"), ("rebuilt", "Rebuilt"), ("not_needed", "Not needed")],
        default="to_rebuild", required=True)
    note = fields.Text()

    @api.depends("odoo_model", "trigger_kind", "action_kinds", "filter_ref")
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
            for index, kind in enumerate((automation.action_kinds or "").split(","), start=1):
                if kind:
                    lines.append(self.env._("Action %(index)s: %(action)s", index=index,
                                            action=self.env._(ACTION_PLANS.get(kind, ACTION_PLANS["server"]))))
            automation.plan = "\n".join(lines)
