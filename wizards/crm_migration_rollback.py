from odoo import Command, api, fields, models

from ..models.crm_migration_journal_conflicts import REASONS


class CrmMigrationRollback(models.TransientModel):
    """The rollback preview: the records people worked on since the run, kept unless ticked."""

    _name = "crm.migration.rollback"
    _description = "Roll Back a Migration Run"

    run_id = fields.Many2one("crm.migration.run", required=True, ondelete="cascade")
    line_ids = fields.One2many("crm.migration.rollback.line", "wizard_id", "Conflicts")

    @api.model
    def _open_for(self, run):
        """The preview of ``run``'s rollback, in a dialog."""
        Line = self.env["crm.migration.rollback.line"]
        wizard = self.create({"run_id": run.id, "line_ids": [
            Command.create({
                "res_model": model, "res_id": res_id, "reasons": Line._reasons_text(c["reasons"]),
                "details": "\n".join(c["details"]) or False,
                "user_id": c["user"].id, "date": c["date"],
            }) for (model, res_id), c in sorted(run._rollback_conflicts().items())]})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": wizard.id,
                "view_mode": "form", "target": "new",
                "name": self.env._("Roll back %(run)s", run=run.name)}

    def action_rollback(self):
        """Start the rollback: the lines ticked are rolled back too, the others kept."""
        self.ensure_one()
        self.run_id.action_rollback(rollback_anyway=[
            (line.res_model, line.res_id) for line in self.line_ids if line.rollback_anyway])
        return {"type": "ir.actions.act_window_close"}


class CrmMigrationRollbackLine(models.TransientModel):
    """A record people worked on since the run: kept by the rollback unless ticked."""

    _name = "crm.migration.rollback.line"
    _description = "Rollback Conflict"
    _order = "res_model, res_id"

    wizard_id = fields.Many2one("crm.migration.rollback", required=True, ondelete="cascade")
    res_model = fields.Char("Model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Record id", model_field="res_model", required=True,
                                      readonly=True)
    record_name = fields.Char("Record", compute="_compute_record")
    model_name = fields.Char("Type", compute="_compute_record")
    reasons = fields.Char("Why", readonly=True)
    details = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", "Who", readonly=True)
    date = fields.Datetime("When", readonly=True)
    rollback_anyway = fields.Boolean(
        "Roll back anyway", help="Undo what the run did to this record too, losing what people "
                                 "did with it. Left unticked, the record is kept as it is.")

    @api.depends("res_model", "res_id")
    def _compute_record(self):
        for line in self:
            model = self.env[line.res_model].sudo()
            line.record_name = model.browse(line.res_id).display_name
            line.model_name = model._description

    @api.model
    def _reasons_text(self, reasons):
        """The reasons a record is kept, in the user's words."""
        labels = {
            "edited": self.env._("edited after the run"),
            "message": self.env._("a message was added"),
            "activity": self.env._("an activity was planned"),
            "attachment": self.env._("a file was attached"),
            "referenced": self.env._("a record people created points to it"),
            "needed": self.env._("a kept record needs it"),
        }
        return ", ".join(labels[reason] for reason in REASONS if reason in reasons)
