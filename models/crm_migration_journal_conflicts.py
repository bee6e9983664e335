from odoo import api, fields, models

from .crm_migration_journal import PROVISIONED

#: Models whose records people create pointing at migrated ones, besides the journal's.
REFERRING_MODELS = ("crm.lead", "sale.order", "res.partner", "calendar.event")
#: What people add to a migrated record: model, its model and id fields, the reason.
CHATTER = (("mail.message", "model", "res_id", "message"),
           ("mail.activity", "res_model", "res_id", "activity"),
           ("ir.attachment", "res_model", "res_id", "attachment"))
#: The order reasons are told in.
REASONS = ("edited", "message", "activity", "attachment", "referenced", "needed")
MAGIC = ("create_uid", "write_uid")
#: The models of tags: a kept record keeps the tags the run created (other many2many
#: fields, such as a partner's meetings, are not what it needs).
TAG_MODELS = ("res.partner.category", "crm.tag", "project.tags", "product.tag")


class CrmMigrationJournal(models.Model):
    """Rollback conflicts: what people did with a run's records since the run."""

    _inherit = "crm.migration.journal"

    kept = fields.Boolean(readonly=True, index=True,
                          help="Rollback kept this record: people worked on it since the run.")

    @api.model
    def _touched(self, run):
        """{model: {id: (uids that journaled it, when last, created by the run)}} of the
        records ``run`` created or updated, on the models rollback replays."""
        written = run.source_id._written_models(run.map_id)
        self.env.cr.execute("""
            SELECT res_model, res_id, array_agg(DISTINCT create_uid), max(create_date),
                   bool_or(operation = 'create')
            FROM crm_migration_journal
            WHERE run_id = %s AND operation IN ('create', 'write') AND create_uid IS NOT NULL
            GROUP BY res_model, res_id
        """, (run.id,))
        touched = {}
        for model, res_id, uids, date, created in self.env.cr.fetchall():
            if model in written and model in self.env and model not in PROVISIONED:
                touched.setdefault(model, {})[res_id] = (set(uids), date, created)
        return touched

    @api.model
    def _conflicts(self, run):
        """{(model, id): {"reasons", "user", "date", "details"}} of the records of ``run``
        people worked on since: edited after the run's last write, given a message, an
        activity or a file, or pointed at by a record a person created."""
        touched = self._touched(run)
        run_uids = set().union(*(uids for by_id in touched.values()
                                 for uids, _d, _c in by_id.values())) if touched else set()
        conflicts = {}

        def add(model, res_id, reason, user, date, detail=None):
            conflict = conflicts.setdefault((model, res_id), {
                "reasons": [], "user": user, "date": date, "details": []})
            if reason not in conflict["reasons"]:
                conflict["reasons"].append(reason)
            if detail:
                conflict["details"].append(detail)
            if date and (not conflict["date"] or date > conflict["date"]):
                conflict.update(user=user, date=date)

        for model, by_id in touched.items():
            Model = self._sudo_model(model)
            if not Model._log_access:
                continue
            for record in Model.browse(list(by_id)).exists():
                uids, date, _created = by_id[record.id]
                if record.write_uid.id not in uids and record.write_date >= date:
                    add(model, record.id, "edited", record.write_uid, record.write_date)
        created = {model: [res_id for res_id, (_u, _d, made) in by_id.items() if made]
                   for model, by_id in touched.items()}
        for chatter, model_field, id_field, reason in CHATTER:
            own = set(created.get(chatter, ()))
            for model, ids in created.items():
                if not ids:
                    continue
                for item in self._sudo_model(chatter).search([
                        (model_field, "=", model), (id_field, "in", ids),
                        ("create_uid", "not in", list(run_uids))]):
                    if item.id not in own:
                        add(model, item[id_field], reason, item.create_uid, item.create_date)
        for model, field, record in self._people_references(touched, created, run_uids):
            add(field.comodel_name, record[field.name].id, "referenced", record.create_uid,
                record.create_date, f"{record._description} {record.display_name} ({model},{record.id})")
        return conflicts

    def _people_references(self, touched, created, run_uids):
        """(model, many2one field, record) of records people created, not the run, that
        point at a record the run created."""
        targets = {model: ids for model, ids in created.items() if ids}
        chatter = {chatter for chatter, *_rest in CHATTER}  # what people add there is told apart
        for model in sorted(set(touched) - chatter | {m for m in REFERRING_MODELS if m in self.env}):
            Model = self._sudo_model(model)
            for field in Model._fields.values():
                if (field.type != "many2one" or not field.store or field.compute
                        or field.name in MAGIC or field.comodel_name not in targets):
                    continue
                domain = [(field.name, "in", targets[field.comodel_name]),
                          ("id", "not in", list(touched.get(model, ())))]
                if Model._log_access:
                    domain.append(("create_uid", "not in", list(run_uids)))
                for record in Model.search(domain):
                    yield model, field, record

    def _sudo_model(self, model):
        return self.env[model].sudo().with_context(active_test=False)

    @api.model
    def _keep_closure(self, run, keep):
        """``keep`` ({(model, id): reasons}) with what the kept records need that the run
        created: the records they point at (a person's company, a lead's stage, their
        tags) and their own history (messages, activities, files, lines), kept too so
        that nothing kept breaks. What their history points at (a message's author) is
        not kept for it."""
        touched = self._touched(run)
        created = {(model, res_id) for model, by_id in touched.items()
                   for res_id, (_u, _d, made) in by_id.items() if made}
        keep = dict(keep)
        frontier, owned_only = set(keep), set()
        while frontier:
            pointed, owned = set(), set()
            for model in {model for model, _id in frontier}:
                ids = [res_id for other, res_id in frontier if other == model]
                pointed |= self._pointed_by(model, [i for i in ids if (model, i) not in owned_only])
                owned |= self._owned_by(model, ids, touched)
            pointed = (pointed & created) - keep.keys()
            owned_only = (owned & created) - keep.keys() - pointed
            frontier = pointed | owned_only
            keep.update(dict.fromkeys(frontier, ["needed"]))
        return keep

    def _pointed_by(self, model, ids):
        """(model, id) of what ``model`` records ``ids`` point at: many2one, tags."""
        records = self._sudo_model(model).browse(ids).exists()
        pointed = set()
        for field in records._fields.values():
            if field.store and field.name not in MAGIC and (field.type == "many2one" or (
                    field.type == "many2many" and field.comodel_name in TAG_MODELS)):
                pointed.update((field.comodel_name, rid) for rid in records.mapped(field.name).ids)
        return pointed

    def _owned_by(self, model, ids, touched):
        """(model, id) of the records of ``touched`` models that belong to ``model``
        records ``ids``: their messages, activities and files, their lines."""
        owned = set()
        for other in touched:
            Other = self._sudo_model(other)
            domains = [[(model_field, "=", model), (id_field, "in", ids)]
                       for chatter, model_field, id_field, _r in CHATTER if chatter == other]
            domains += [[(field.name, "in", ids)] for field in Other._fields.values()
                        if field.type == "many2one" and field.store and field.comodel_name == model
                        and field.ondelete == "cascade" and field.name not in MAGIC]
            for domain in domains:
                owned.update((other, rid) for rid in Other.search(domain).ids)
        return owned
