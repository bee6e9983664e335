import hashlib
import json
from datetime import timezone

from psycopg2.extras import Json, execute_values

from odoo import api, fields, models, tools


def payload_hash(payload):
    """Stable hash of a payload: equal payloads, equal hashes, whatever the key order."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(canonical.encode()).hexdigest()


def naive_utc(moment):
    """An aware datetime as naive UTC (how Odoo stores it), or None."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment else None


class CrmMigrationRecord(models.Model):
    """One source record as extracted: the raw payload every phase loads from.

    Staging is read and written only through this model's methods (bulk SQL, keyed by
    source, entity and source key); the source's spec says where a payload keeps its
    key and its last change.
    """

    _name = "crm.migration.record"
    _description = "Staged Source Record"
    _order = "id"
    _rec_name = "source_key"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    entity = fields.Char(required=True)
    source_key = fields.Char("Source id", required=True)
    payload = fields.Json(required=True, groups="crm_migration.group_crm_migration_manager")
    payload_text = fields.Text("Source record", compute="_compute_payload_text",
                               groups="crm_migration.group_crm_migration_manager")
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

    @api.depends("payload")
    def _compute_payload_text(self):
        for rec in self:
            rec.payload_text = json.dumps(rec.payload, ensure_ascii=False, indent=2, default=str)

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
        spec = source._spec()
        rows = {}
        for payload in payloads:
            key = spec.record_key(payload)
            if key is None:
                raise ValueError(f"A staged {entity} record has no key: {str(payload)[:200]}")
            key = str(key)
            rows[key] = (
                source.id, entity, key, Json(payload), payload_hash(payload),
                naive_utc(spec.updated_at(payload)), "pending", run.id if run else None,
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
        key_of = source._spec().record_key
        rows = []
        for parent in parents:
            for row in parent.get(entity.nested_path) or ():
                if isinstance(row, dict) and key_of(row) is not None:
                    rows.append(dict(row, **{entity.nested_key: row.get(entity.nested_key)
                                             or key_of(parent)}))
        result = self._upsert(source, entity.name, rows, run)
        parent_keys = [str(key_of(parent)) for parent in parents]
        if parent_keys:
            self.env.cr.execute("""
                UPDATE crm_migration_record SET state = 'deleted'
                WHERE source_id = %s AND entity = %s AND state != 'deleted'
                  AND payload->>%s IN %s AND NOT (source_key = ANY(%s))
            """, (source.id, entity.name, entity.nested_key, tuple(parent_keys),
                  [str(key_of(row)) for row in rows]))
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

    # -- reading staging -------------------------------------------------------------

    @api.model
    def _where(self, source, entity, contains=None, live=True):
        """SQL condition and parameters of the rows of ``entity`` (holding ``contains``,
        a JSON subset; ``live``: not deleted in the source)."""
        where, params = ["source_id = %s", "entity = %s"], [source.id, entity]
        if live:
            where.append("state != 'deleted'")
        if contains:
            where.append("payload @> %s::jsonb")
            params.append(json.dumps(contains))
        return where, params

    @api.model
    def _staged_ids(self, source, entity, *, contains=None, delta_run=None, after_id=None,
                    limit=None):
        """Ids of the rows of ``entity`` to process, in staging order, after ``after_id``.

        ``delta_run``: only rows not loaded yet or re-staged by that run's extraction (an
        entity may feed several objects, and the first marks rows loaded).
        """
        where, params = self._where(source, entity, contains)
        if delta_run:
            where.append("(state IN ('pending', 'failed') OR extract_run_id = %s)")
            params.append(delta_run.id)
        if after_id:
            where.append("id > %s")
            params.append(after_id)
        params.append(limit)
        self.env.cr.execute(
            f"SELECT id FROM crm_migration_record WHERE {' AND '.join(where)} ORDER BY id LIMIT %s",
            params)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _staged_count(self, source, entity, *, contains=None, delta_run=None):
        """How many rows :meth:`_staged_ids` would give in all."""
        where, params = self._where(source, entity, contains)
        if delta_run:
            where.append("(state IN ('pending', 'failed') OR extract_run_id = %s)")
            params.append(delta_run.id)
        self.env.cr.execute(
            f"SELECT count(*) FROM crm_migration_record WHERE {' AND '.join(where)}", params)
        return self.env.cr.fetchone()[0]

    @api.model
    def _sample_payloads(self, source, entity, size, contains=None):
        """Payloads of up to ``size`` rows of ``entity``, spread evenly over all of them."""
        step = max(1, self._staged_count(source, entity, contains=contains) // size)
        where, params = self._where(source, entity, contains)
        self.env.cr.execute(f"""
            SELECT payload FROM crm_migration_record WHERE {' AND '.join(where)} AND id %% %s = 0
            ORDER BY id LIMIT %s
        """, params + [step, size])
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _staged_payloads(self, source, entity, contains=None):
        """Payloads of the live rows of ``entity`` (holding ``contains``), in staging order."""
        where, params = self._where(source, entity, contains)
        self.env.cr.execute(
            f"SELECT payload FROM crm_migration_record WHERE {' AND '.join(where)} ORDER BY id",
            params)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _payloads_by_key(self, source, entity, keys=None, live=True):
        """``{source key: payload}`` of ``entity`` (of ``keys`` only, when given)."""
        where, params = self._where(source, entity, live=live)
        if keys is not None:
            if not keys:
                return {}
            where.append("source_key IN %s")
            params.append(tuple(str(key) for key in keys))
        self.env.cr.execute(
            f"SELECT source_key, payload FROM crm_migration_record WHERE {' AND '.join(where)}",
            params)
        return dict(self.env.cr.fetchall())

    @api.model
    def _payloads_with(self, source, entity, column, values, live=True):
        """``[(source key, payload)]`` of the rows of ``entity`` whose top-level ``column``
        holds one of ``values`` (compared as text), in staging order."""
        values = tuple(str(value) for value in values if value is not None)
        if not values:
            return []
        where, params = self._where(source, entity, live=live)
        where.append("payload->>%s IN %s")
        params += [column, values]
        self.env.cr.execute(f"""
            SELECT source_key, payload FROM crm_migration_record
            WHERE {' AND '.join(where)} ORDER BY id
        """, params)
        return self.env.cr.fetchall()

    @api.model
    def _count_by(self, source, column):
        """``{value: rows}`` of the staged rows of every entity holding ``column``."""
        if not column:
            return {}
        self.env.cr.execute("""
            SELECT payload->>%s, count(*) FROM crm_migration_record
            WHERE source_id = %s AND payload ? %s GROUP BY 1
        """, (column, source.id, column))
        return dict(self.env.cr.fetchall())

    # -- states ----------------------------------------------------------------------

    @api.model
    def _explain_pending(self, run):
        """After a full load, the staged rows of its source that no phase took say why
        (they stay pending, so a later run still takes them: a module installed since,
        an object put back in the map)."""
        schema = run.source_id._schema()
        keys = {obj.key for obj in schema.objects}
        reasons = {}
        for phase in run.phase_ids.filtered(lambda p: p.kind == "load" and p.state == "skipped"
                                            and p.key in keys):
            reasons.setdefault(schema.object(phase.key).entity,
                               phase.notice or self.env._("Its phase was skipped."))
        self.env.cr.execute("""
            SELECT DISTINCT entity FROM crm_migration_record
            WHERE source_id = %s AND state = 'pending' AND error IS NULL
        """, (run.source_id.id,))
        for (entity,) in self.env.cr.fetchall():
            self.env.cr.execute("""
                UPDATE crm_migration_record SET error = %s
                WHERE source_id = %s AND entity = %s AND state = 'pending' AND error IS NULL
            """, (reasons.get(entity) or self.env._(
                "Not loaded on its own: reference data read while converting other records."),
                  run.source_id.id, entity))
        self.invalidate_model(["error"])

    @api.model
    def _mark_deleted(self, source, entity, keys):
        """Rows of ``entity`` the source deleted: never loaded again."""
        if not keys:
            return
        self.env.cr.execute("""
            UPDATE crm_migration_record SET state = 'deleted'
            WHERE source_id = %s AND entity = %s AND source_key IN %s
        """, (source.id, entity, tuple(str(key) for key in keys)))
        self.invalidate_model(["state"])

    @api.model
    def _purge(self, source):
        """Delete every staged row of ``source`` (retention); return how many."""
        self.env.cr.execute("DELETE FROM crm_migration_record WHERE source_id = %s", (source.id,))
        self.invalidate_model()
        return self.env.cr.rowcount

    @api.model
    def _reset(self, source):
        """Every row of ``source`` pending again (after a rollback)."""
        self.env.cr.execute(
            "UPDATE crm_migration_record SET state = 'pending' WHERE source_id = %s", (source.id,))
        self.invalidate_model(["state"])

