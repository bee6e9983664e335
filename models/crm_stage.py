from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    migration_probability = fields.Float(
        "Source probability (%)", digits=(5, 2),
        help="Probability the stage had in the CRM it was migrated from, if it had one.")
