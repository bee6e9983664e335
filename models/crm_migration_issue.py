import json

from odoo import api, fields, models

from .crm_migration_run import JOBS

EXCERPT_SIZE = 2000


class CrmMigrationIssue(models.Model):
    """A problem met with one source record: what, where, and what was done."""

    _name = "crm.migration.issue"
    _description = "Migration Issue"
    _order = "id desc"
    _rec_name = "message"

    run_id = fields.Many2one("crm.migration.run", required=True, ondelete="cascade", index=True)
    source_id = fields.Many2one(related="run_id.source_id", store=True, index=True)
    level = fields.Selection(
        [("info", "Info"), ("warning", "Warning"), ("error", "Error")],
        required=True, default="warning", index=True,
    )
    step = fields.Selection(JOBS, index=True)
    phase = fields.Char(index=True)
    code = fields.Char(index=True)
    cause_id = fields.Many2one("crm.migration.issue.cause", "Problem", index=True, readonly=True)
    cause_description = fields.Text(related="cause_id.description")
    entity = fields.Char()
    object_label = fields.Char("Object", compute="_compute_object_label",
                               help="The source object, in the user's language.")
    source_key = fields.Char("Source id", index=True)
    field = fields.Char("Source field")
    message = fields.Text(required=True)
    payload_excerpt = fields.Text(groups="crm_migration.group_crm_migration_manager")
    res_model = fields.Char("Model")
    res_id = fields.Many2oneReference("Record", model_field="res_model")
    status = fields.Selection(
        [("open", "Open"), ("accepted", "Accepted"), ("fixed", "Fixed")], default="open",
        required=True, index=True,
        help="Accepted: the admin migrates with it as it is. Fixed: corrected in the source or "
             "in Odoo. Open ones count in the run's errors.")
    superseded = fields.Boolean(
        readonly=True, index=True,
        help="Found by an earlier pass of the run over the same records (validation, sample, "
             "load): the latest pass says what is left.")

    @api.model_create_multi
    def create(self, vals_list):
        """Each issue gets the cause of its code: one look-up for the whole batch."""
        codes = {vals["code"] for vals in vals_list if vals.get("code") and not vals.get("cause_id")}
        if codes:
            causes = self.env["crm.migration.issue.cause"]._for_codes(codes)
            for vals in vals_list:
                if vals.get("code") and not vals.get("cause_id"):
                    vals["cause_id"] = causes[vals["code"]].id
        return super().create(vals_list)

    @api.depends("phase", "entity", "source_id")
    def _compute_object_label(self):
        labels = {}
        for source in self.source_id:
            labels[source.id] = {obj.key: obj.label_in(self.env.lang)
                                 for obj in source._schema().objects}
        for issue in self:
            issue.object_label = labels.get(issue.source_id.id, {}).get(issue.phase) or issue.entity

    @api.model
    def _supersede(self, run, step):
        """A new pass of ``step`` over ``run``'s records: the issues earlier passes found
        are history (a validation's and a sample's once the records load)."""
        steps = ("validate", "load") if step in ("validate", "load") else (step,)
        self.search([("run_id", "=", run.id), ("step", "in", steps),
                     ("superseded", "=", False)]).write({"superseded": True})

    @api.model
    def _excerpt(self, payload):
        """A readable, bounded excerpt of a payload."""
        text = json.dumps(payload, ensure_ascii=False, indent=1, default=str)
        return text if len(text) <= EXCERPT_SIZE else text[:EXCERPT_SIZE] + "\n…"

    def action_accept(self):
        """Migrate with these problems as they are."""
        self.write({"status": "accepted"})
        return True

    def action_mark_fixed(self):
        """These problems were corrected in the source or in Odoo."""
        self.write({"status": "fixed"})
        return True

    def action_accept_cause(self):
        """Accept every open issue of the same cause (problem and phase) in these runs'
        latest pass."""
        causes = {(issue.run_id.id, issue.cause_id.id, issue.phase) for issue in self}
        domain = [("status", "=", "open"), ("superseded", "=", False)]
        for run_id, cause_id, phase in causes:
            self.search(domain + [("run_id", "=", run_id), ("cause_id", "=", cause_id),
                                  ("phase", "=", phase)]).action_accept()
        return True

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
