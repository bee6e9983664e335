from odoo import api, fields, models
from odoo.exceptions import UserError

#: Runs whose staged payloads a purge would take from under them.
UNFINISHED_STATES = ("running", "failed")


class CrmMigrationSource(models.Model):
    """Retention of a source's staged personal data (LGPD): purged after a finished
    migration, the reconciliation and the identity map kept."""

    _inherit = "crm.migration.source"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: retention of staged personal data

    retention_days = fields.Integer(
        "Keep staged data (days)", default=90,
        help="Days the staged source records (personal data: payloads, issue excerpts, spot-check "
             "values) are kept after the last full migration finished, once delta sync is off. "
             "0 keeps them until purged by hand. Reconciliations, issues and the identity map stay.")
    purged_at = fields.Datetime("Staged data purged on", readonly=True, copy=False)

    _sql_constraints = [
        ("retention_days_positive", "CHECK(retention_days >= 0)", "Retention cannot be negative."),
    ]

    def action_purge_staged(self):
        """Purge the staged data of this source now (Migration Administrators)."""
        self._check_migration_admin()
        for source in self:
            source._purge_staged(self.env._("purged by %(user)s", user=self.env.user.name))
        return True

    def _purge_staged(self, reason):
        """Delete the staged payloads, their excerpts in issues and the spot-check values;
        the purge is logged on the source's latest run."""
        self.ensure_one()
        unfinished = self._unfinished_runs()
        if unfinished:
            raise UserError(self.env._(
                "%(run)s of %(name)s is not finished: let it finish, or roll it back, before "
                "purging its staged data.", run=unfinished[0].name, name=self.name))
        count = self.env["crm.migration.record"]._purge(self)
        issues = self.env["crm.migration.issue"].sudo().search(
            [("source_id", "=", self.id), ("payload_excerpt", "!=", False)])
        issues.write({"payload_excerpt": False})
        self.env["crm.migration.spot.check"].sudo().search(
            [("run_id.source_id", "=", self.id)]).write({"source_value": False, "odoo_value": False})
        self.purged_at = fields.Datetime.now()
        latest = self.run_ids.sorted("id")[-1:]
        if latest:
            self.env["crm.migration.issue"].create({
                "run_id": latest.id, "level": "info", "code": "staged_data_purged",
                "message": self.env._(
                    "Staged data purged (%(reason)s): %(count)s source records, %(issues)s issue "
                    "excerpts; reconciliations, issues and the identity map are kept.",
                    reason=reason, count=count, issues=len(issues)),
            })
        return count

    def _unfinished_runs(self):
        """Runs of this source whose staged payloads a purge would take from under them."""
        return self.run_ids.filtered(lambda run: run.job or run.state in UNFINISHED_STATES)

    def _purge_due(self):
        """Whether the retention period of this source's staged data is over."""
        self.ensure_one()
        if not self.retention_days or self.delta_sync or not self.record_count:
            return False
        finished = self.run_ids.filtered(
            lambda run: run.mode == "full" and run.state == "done" and run.finished_at)
        if not finished:
            return False
        last = max(finished.mapped("finished_at"))
        return fields.Datetime.add(last, days=self.retention_days) <= fields.Datetime.now()

    @api.model
    def _cron_purge_staged(self):
        """Scheduled action: purge the staged data of sources past their retention."""
        for source in self.search([("retention_days", ">", 0), ("delta_sync", "=", False)]):
            if source._purge_due() and not source._unfinished_runs():
                source._purge_staged(self.env._("retention of %(days)s days",
                                                days=source.retention_days))
