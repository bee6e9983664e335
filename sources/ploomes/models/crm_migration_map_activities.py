from odoo import fields, models


class CrmMigrationMap(models.Model):
    """Where the source's tasks go: the chatter's activities, or Project when installed."""

    _inherit = "crm.migration.map"

    task_target = fields.Selection(
        [("activity", "Activities"), ("project", "Project tasks")],
        string="Tasks become", default="activity", required=True,
        help="Activities: open tasks are scheduled activities and done ones messages in the "
             "chatter of their opportunity or contact. Project tasks: every task is a task of "
             "the source's tasks project ('Ploomes tasks', 'Bloomr tasks'; Project must be "
             "installed).",
    )

    def _option_fields(self):
        return super()._option_fields() + ["task_target"]

    def _validation_errors(self):
        errors = super()._validation_errors()
        if self.task_target == "project" and "project.task" not in self.env:
            errors.append(self.env._("Tasks cannot become project tasks: install Project first."))
        return errors
