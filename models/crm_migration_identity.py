from psycopg2.extras import execute_values

from odoo import api, fields, models


def blank(key):
    """Whether a source key is missing (0 is a key, unlike None, "" and False)."""
    return key is None or key is False or key == ""


class CrmMigrationIdentity(models.Model):
    """Which Odoo record a source record became: decides create or update."""

    _name = "crm.migration.identity"
    _description = "Migration Identity Map"
    _order = "id"
    _rec_name = "source_key"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    entity = fields.Char(required=True)
    source_key = fields.Char("Source id", required=True)
    res_model = fields.Char("Model", required=True)
    res_id = fields.Many2oneReference("Record", model_field="res_model", required=True)
    run_id = fields.Many2one("crm.migration.run", "Bound by run", ondelete="set null", index=True)

    _sql_constraints = [
        ("source_entity_key_uniq", "UNIQUE(source_id, entity, source_key)",
         "A source record maps to one Odoo record."),
    ]

    @api.model
    def _resolve(self, source, entity, keys):
        """{source key: (res_model, res_id)} for the given keys."""
        keys = [str(key) for key in keys if not blank(key)]
        if not keys:
            return {}
        self.env.cr.execute("""
            SELECT source_key, res_model, res_id FROM crm_migration_identity
            WHERE source_id = %s AND entity = %s AND source_key IN %s
        """, (source.id, entity, tuple(set(keys))))
        return {key: (model, res_id) for key, model, res_id in self.env.cr.fetchall()}

    @api.model
    def _bind(self, source, entity, pairs, model, run):
        """Record that each (source key, res_id) of ``pairs`` became ``model`` records."""
        if not pairs:
            return
        execute_values(self.env.cr, """
            INSERT INTO crm_migration_identity
                (source_id, entity, source_key, res_model, res_id, run_id,
                 create_uid, write_uid, create_date, write_date)
            VALUES %s
            ON CONFLICT (source_id, entity, source_key) DO UPDATE SET
                res_model = EXCLUDED.res_model, res_id = EXCLUDED.res_id,
                run_id = EXCLUDED.run_id, write_date = EXCLUDED.write_date
        """, [(source.id, entity, str(key), model, res_id, run.id, self.env.uid, self.env.uid)
              for key, res_id in pairs],
            template="(%s, %s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')")
        self.invalidate_model()
