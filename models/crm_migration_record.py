import hashlib
import json
from datetime import timezone

from psycopg2.extras import Json, execute_values

from odoo import api, fields, models, tools

from ..mapping.converters import ConversionError, parse_datetime


def payload_hash(payload):
    """Stable hash of a payload: equal payloads, equal hashes, whatever the key order."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(canonical.encode()).hexdigest()


def source_update_time(payload):
    """LastUpdateDate of a payload as naive UTC, or None."""
    value = payload.get("LastUpdateDate") if isinstance(payload, dict) else None
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ConversionError:
        return None
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


class CrmMigrationRecord(models.Model):
    """One source record as extracted: the raw payload every phase loads from."""

    _name = "crm.migration.record"
    _description = "Staged Source Record"
    _order = "id"
    _rec_name = "source_key"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    entity = fields.Char(required=True)
    source_key = fields.Char("Source id", required=True)
    payload = fields.Json(required=True)
    payload_hash = fields.Char(required=True)
    source_updated_at = fields.Datetime("Changed in source")
    state = fields.Selection(
        [("pending", "Pending"), ("loaded", "Loaded"), ("held", "Held"),
         ("failed", "Failed"), ("skipped", "Skipped"), ("deleted", "Deleted in source")],
        default="pending", required=True, index=True,
    )
    error = fields.Text()
    extract_run_id = fields.Many2one("crm.migration.run", "Extracted by", ondelete="set null")

    _sql_constraints = [
        ("source_entity_key_uniq", "UNIQUE(source_id, entity, source_key)",
         "A source record is staged once."),
    ]

    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_migration_record_source_entity_id_idx
            ON crm_migration_record (source_id, entity, id)
        """)

    def _upsert(self, source, entity, payloads, run):
        """Stage ``payloads`` of ``entity``; return (created, changed) counts.

        A payload equal to the staged one is left alone, so re-extracting
        an unchanged account writes nothing.
        """
        if not payloads:
            return 0, 0
        rows = {}
        for payload in payloads:
            rows[str(payload["Id"])] = (
                source.id, entity, str(payload["Id"]), Json(payload), payload_hash(payload),
                source_update_time(payload), "pending", run.id if run else None,
                self.env.uid, self.env.uid,
            )
        result = execute_values(self.env.cr, """
            INSERT INTO crm_migration_record
                (source_id, entity, source_key, payload, payload_hash, source_updated_at,
                 state, extract_run_id, create_uid, write_uid, create_date, write_date)
            VALUES %s
            ON CONFLICT (source_id, entity, source_key) DO UPDATE SET
                payload = EXCLUDED.payload, payload_hash = EXCLUDED.payload_hash,
                source_updated_at = EXCLUDED.source_updated_at, state = 'pending', error = NULL,
                extract_run_id = EXCLUDED.extract_run_id, write_uid = EXCLUDED.write_uid,
                write_date = EXCLUDED.write_date
            WHERE crm_migration_record.payload_hash IS DISTINCT FROM EXCLUDED.payload_hash
               OR crm_migration_record.state = 'deleted'
            RETURNING (xmax = 0)
        """, list(rows.values()),
            template="(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')",
            fetch=True)
        self.invalidate_model()
        created = sum(1 for (inserted,) in result if inserted)
        return created, len(result) - created

    def _payloads(self):
        """{id: payload} of these rows, read at once (without copying them through the ORM cache)."""
        if not self:
            return {}
        self.env.cr.execute("SELECT id, payload FROM crm_migration_record WHERE id IN %s",
                            (tuple(self.ids),))
        return dict(self.env.cr.fetchall())

    @api.model
    @tools.ormcache("record_id", "digest")
    def _excerpt(self, record_id, digest):
        """The issue-log excerpt of a staged payload (``digest``: its hash, as cache key)."""
        payload = self.browse(record_id)._payloads().get(record_id)
        return self.env["crm.migration.issue"]._excerpt(payload)

    def _upsert_nested(self, source, entity, parents, run):
        """Stage the rows nested in ``parents`` (e.g. the sections of quotes) as ``entity``.

        Rows a parent no longer holds are marked deleted, so they are not loaded again.
        """
        rows = []
        for parent in parents:
            for row in parent.get(entity.nested_path) or ():
                if isinstance(row, dict) and row.get("Id") is not None:
                    rows.append(dict(row, **{entity.nested_key: row.get(entity.nested_key) or parent["Id"]}))
        result = self._upsert(source, entity.name, rows, run)
        parent_keys = [str(parent["Id"]) for parent in parents]
        if parent_keys:
            self.env.cr.execute("""
                UPDATE crm_migration_record SET state = 'deleted'
                WHERE source_id = %s AND entity = %s AND state != 'deleted'
                  AND payload->>%s IN %s AND NOT (source_key = ANY(%s))
            """, (source.id, entity.name, entity.nested_key, tuple(parent_keys),
                  [str(row["Id"]) for row in rows]))
        return result

    def _mark(self, state, error=None):
        """Set the state (and error) of these rows without touching the ORM cache of others."""
        if not self:
            return
        self.env.cr.execute(
            "UPDATE crm_migration_record SET state = %s, error = %s WHERE id IN %s",
            (state, error, tuple(self.ids)),
        )
        self.invalidate_recordset(["state", "error"])
