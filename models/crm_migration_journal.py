import logging
from itertools import groupby

from psycopg2.extras import Json, execute_values

from odoo import api, fields, models

from .crm_migration_source import protected_model

_logger = logging.getLogger(__name__)


MANAGER = "crm_migration.group_crm_migration_manager"

#: What provisioning creates, by model: rollback deletes only those records.
PROVISIONED = {
    "ir.model.fields": lambda field: field.state == "manual" and field.name.startswith("x_"),
    "ir.ui.view": lambda view: (view.key or "").startswith("crm_migration.migrated_fields_"),
}

#: Fields the ORM refuses to write (it sets them itself), written in SQL instead.
SQL_FIELDS = ("create_date",)


def pop_sql_fields(values):
    """Take the SQL-written fields out of ``values``: {name: value}."""
    return {name: values.pop(name) for name in SQL_FIELDS if name in values}


def write_sql_fields(model, rows):
    """Write ``{id: {field: value}}`` of SQL-written fields (e.g. the original creation date)."""
    for name in SQL_FIELDS:
        pairs = [(res_id, values[name]) for res_id, values in rows.items() if values.get(name)]
        if pairs:
            execute_values(model.env.cr, f"""
                UPDATE "{model._table}" AS t SET "{name}" = v.value::timestamp
                FROM (VALUES %s) AS v(id, value) WHERE t.id = v.id
            """, pairs)
    model.invalidate_model(list(SQL_FIELDS))


def snapshot(records, fnames):
    """{id: {field: value in write format}} of ``records`` before a write."""
    result = {}
    fields_ = {name: records._fields[name] for name in fnames if name in records._fields}
    for record in records:
        values = {}
        for name, field in fields_.items():
            value = record[name]
            if field.type == "many2one":
                values[name] = value.id or False
            elif field.type in ("many2many", "one2many"):
                values[name] = [(6, 0, value.ids)]
            elif field.type in ("date", "datetime"):
                values[name] = fields.Datetime.to_string(value) if field.type == "datetime" \
                    else fields.Date.to_string(value)
            elif field.type == "binary":
                continue
            else:
                values[name] = value
        result[record.id] = values
    return result


class CrmMigrationJournal(models.Model):
    """What a run did to Odoo, with the values it replaced: the basis of rollback."""

    _name = "crm.migration.journal"
    _description = "Migration Change Journal"
    _order = "id"
    _rec_name = "res_model"

    run_id = fields.Many2one("crm.migration.run", required=True, ondelete="cascade", index=True)
    phase = fields.Char()
    operation = fields.Selection(
        [("create", "Created"), ("write", "Updated"), ("link", "Linked to an existing record"),
         ("unlink", "Removed")],
        required=True,
    )
    res_model = fields.Char("Model", required=True)
    res_id = fields.Many2oneReference("Record", model_field="res_model", required=True)
    old_values = fields.Json(groups=MANAGER,
                             help="Values before the run changed them (updates), or the "
                                  "values to create the record again (removals).")

    @api.model
    def _log(self, run, phase, operation, model, entries):
        """Journal ``entries``: ids, or {id: old values} for updates."""
        if not entries:
            return
        if isinstance(entries, dict):
            rows = [(run.id, phase, operation, model, res_id, Json(old), self.env.uid, self.env.uid)
                    for res_id, old in entries.items()]
        else:
            rows = [(run.id, phase, operation, model, res_id, None, self.env.uid, self.env.uid)
                    for res_id in entries]
        execute_values(self.env.cr, """
            INSERT INTO crm_migration_journal
                (run_id, phase, operation, res_model, res_id, old_values,
                 create_uid, write_uid, create_date, write_date)
            VALUES %s
        """, rows, template="(%s, %s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')")

    def _field_in_use(self, field):
        """Whether a custom field still holds a value on some record."""
        model = self.env[field.model].with_context(active_test=False)
        return bool(model.search_count([(field.name, "!=", False)], limit=1))

    def _undo(self):
        """Undo these entries, newest first; return the entries that could not be undone.

        Created records are deleted (archived when something else now
        depends on them), updated ones get their old values back, removed
        ones are created again (and the identity map follows them), links
        are simply forgotten. Records created together are deleted together
        when nothing stops it, one by one otherwise. Returns (refused, blocked): the
        entries not replayed (reported by :meth:`_refused`) and those Odoo kept.
        """
        refused = self._refused()
        blocked = self.browse()
        entries = (self - refused).sorted("id", reverse=True)
        pages = False
        # consecutive runs of one operation on one model: the order is the undo order
        for (operation, res_model), group in groupby(  # pylint: disable=bad-builtin-groupby
                entries, key=lambda e: (e.operation, e.res_model)):
            group = self.browse([entry.id for entry in group])
            if operation == "link" or res_model == "ir.ui.view":
                # "Migrated fields" pages are shared by sources: rebuilt from what is left
                pages = pages or res_model == "ir.ui.view"
                continue
            if operation == "create" and res_model == "ir.model.fields":
                group._take_off_pages()
                pages = True
            elif operation == "create" and group._unlink_all():
                continue
            for entry in group:
                blocked |= entry._undo_one()
        if pages:
            self.env["crm.migration.map"]._refresh_migrated_fields_views()
        return refused, blocked

    def _take_off_pages(self):
        """Take the custom fields these entries created off the "Migrated fields" pages
        before they are deleted (Odoo refuses to delete a field a view shows)."""
        created = self.env["ir.model.fields"].sudo().browse(self.mapped("res_id")).exists()
        self.env["crm.migration.map"]._refresh_migrated_fields_views(without={
            (field.model, field.name) for field in created if not self._field_in_use(field)})

    def _refused(self):
        """The entries rollback must not replay, reported: on a model their run's source never
        writes, on records provisioning did not create, or restoring links to security
        records. Journal rows are written by the engine only, so these were forged."""
        written = {}
        refused = self.browse()
        for entry in self:
            run = entry.run_id
            if run not in written:
                written[run] = run.source_id._written_models(run.map_id)
            if entry.res_model not in written[run] or not entry._replayable():
                refused |= entry
        for entry in refused:
            _logger.warning("Rollback of %s refused journal line %s (%s %s,%s)", entry.run_id.name,
                            entry.id, entry.operation, entry.res_model, entry.res_id)
        self.env["crm.migration.issue"].create([{
            "run_id": entry.run_id.id, "step": "rollback", "phase": "rollback", "level": "error",
            "code": "rollback_refused", "res_model": entry.res_model, "res_id": entry.res_id,
            "message": self.env._(
                "%(model)s %(id)s was not rolled back: its journal line changes what a migration "
                "never writes.", model=entry.res_model, id=entry.res_id),
        } for entry in refused])
        return refused

    def _replayable(self):
        """Whether this entry's record and values are what a migration writes."""
        self.ensure_one()
        if self.res_model not in self.env:
            return False
        model = self.env[self.res_model].sudo().with_context(active_test=False)
        if self.res_model in PROVISIONED:
            record = model.browse(self.res_id).exists()
            return self.operation in ("create", "link") and (
                not record or PROVISIONED[self.res_model](record))
        for name in self.sudo().old_values or {}:
            field = model._fields.get(name)
            if not field or (field.type in ("one2many", "many2many")
                             and protected_model(field.comodel_name)):
                return False
        return True

    def _model(self):
        return self.env[self.res_model].with_context(
            tracking_disable=True, active_test=False, mail_notrack=True, skip_procurement=True)

    def _unlink_all(self):
        """Delete the records these create entries made, at once; False if Odoo refuses."""
        records = self[:1]._model().browse(self.mapped("res_id")).exists()
        try:
            with self.env.cr.savepoint():
                records.unlink()
        except Exception:  # noqa: BLE001 - fall back to one by one
            return False
        return True

    def _undo_one(self):
        """Undo one entry; return it if it could not be undone."""
        self.ensure_one()
        model = self._model()
        if self.operation == "unlink":
            return self.browse() if self._recreate(model) else self
        record = model.browse(self.res_id).exists()
        if not record:
            return self.browse()
        if self.res_model == "ir.model.fields" and self._field_in_use(record):
            return self
        try:
            with self.env.cr.savepoint():
                if self.operation == "create":
                    record.unlink()
                else:
                    old = dict(self.old_values or {})
                    write_sql_fields(model, {record.id: pop_sql_fields(old)})
                    record.write(old)
        except Exception as exc:  # noqa: BLE001 - one blocked record must not stop rollback
            _logger.info("Rollback could not undo %s,%s: %s", self.res_model, self.res_id, exc)
            if self.operation == "create" and "active" in record._fields:
                try:
                    with self.env.cr.savepoint():
                        record.write({"active": False})
                except Exception:  # noqa: BLE001 - left as is, and reported
                    _logger.info("Rollback could not archive %s,%s either", self.res_model, self.res_id)
            return self
        return self.browse()

    def _recreate(self, model):
        """Create a removed record again; point its identities at the new record."""
        try:
            with self.env.cr.savepoint():
                old = dict(self.old_values or {})
                sql = pop_sql_fields(old)
                record = model.create(old)
                model.env.flush_all()  # quietly, as the run wrote it
                write_sql_fields(model, {record.id: sql})
        except Exception as exc:  # noqa: BLE001 - one blocked record must not stop rollback
            _logger.info("Rollback could not recreate %s,%s: %s", self.res_model, self.res_id, exc)
            return False
        self.env.cr.execute("""
            UPDATE crm_migration_identity SET res_id = %s
            WHERE res_model = %s AND res_id = %s
        """, (record.id, self.res_model, self.res_id))
        self.env["crm.migration.identity"].invalidate_model(["res_id"])
        return True
