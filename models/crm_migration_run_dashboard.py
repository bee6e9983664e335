from odoo import api, fields, models


def elapsed_text(env, seconds):
    """``seconds`` of a run's life as the dashboard shows it: "45 s", "3 min 20 s", "2 h 05 min"."""
    seconds = int(seconds)
    if seconds < 60:
        return env._("%(seconds)s s", seconds=seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return env._("%(minutes)s min %(seconds)s s", minutes=minutes, seconds=seconds)
    hours, minutes = divmod(minutes, 60)
    return env._("%(hours)s h %(minutes)02d min", hours=hours, minutes=minutes)


class CrmMigrationRun(models.Model):
    """The dashboard's figures of a run: records loaded and failed, duration."""

    _inherit = "crm.migration.run"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: dashboard

    loaded_count = fields.Integer(
        "Records loaded", compute="_compute_load_counts", store=True,
        help="Created, linked or updated by the run's last load (sample or full).")
    failed_count = fields.Integer(
        "Records failed", compute="_compute_load_counts", store=True,
        help="Records the run's last load could not load.")
    duration = fields.Char(
        compute="_compute_duration",
        help="From the run's first step to its end (or to now while a step runs, or to its "
             "last batch while it waits for the next step).")

    @api.depends("phase_ids.kind", "phase_ids.created", "phase_ids.linked",
                 "phase_ids.updated", "phase_ids.failed")
    def _compute_load_counts(self):
        for run in self:
            load = run.phase_ids.filtered(lambda p: p.kind == "load")
            run.loaded_count = sum(p.created + p.linked + p.updated for p in load)
            run.failed_count = sum(load.mapped("failed"))

    @api.depends("started_at", "finished_at", "last_batch_at", "job")
    def _compute_duration(self):
        now = fields.Datetime.now()
        for run in self:
            end = run.finished_at or (now if run.job else run.last_batch_at) or now
            run.duration = elapsed_text(self.env, max((end - run.started_at).total_seconds(), 0)) \
                if run.started_at else False

    def action_view_phase_graph(self):
        """Records per phase of this run, as a bar chart."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_migration.action_run_phase_graph")
        action["display_name"] = self.env._("Records per phase: %(run)s", run=self.name)
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"search_default_load": 1}
        return action
