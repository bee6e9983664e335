from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _handle_won_lost(self, vals):
        """A migration loads won and lost opportunities by the thousand: it rebuilds the
        predictive lead scoring frequencies once at the end instead of lead by lead."""
        if self.env.context.get("crm_migration_defer_pls"):
            return
        super()._handle_won_lost(vals)
