from odoo import models

from .crm_migration_run import duration_text

#: Value patterns of the profile that are Brazilian tax ids.
TAX_ID_PATTERNS = ("cnpj", "cpf")


class CrmMigrationRun(models.Model):
    """The discovery inventory of a profiled run: what the source holds and what the
    migration needs before it starts."""

    _inherit = "crm.migration.run"

    def action_print_inventory(self):
        return self.env.ref("crm_migration.report_run_inventory").report_action(self)

    def _inventory_objects(self):
        """[{label, entity, records, model, modules, installed, left_out}] of every object of
        the source, in load order: records staged for it, the Odoo apps it needs, whether
        the map leaves it out (e.g. orders loaded as invoices instead)."""
        self.ensure_one()
        Record = self.env["crm.migration.record"]
        fmap = self.map_id or self.source_id._current_map()
        left_out = fmap._objects_left_out() if fmap else set()
        rows = []
        for obj in self.source_id._schema().objects:
            rows.append({
                "label": obj.label_in(self.env.lang), "entity": obj.entity,
                "records": Record._staged_count(self.source_id, obj.entity, contains=obj.where),
                "model": obj.model, "modules": ", ".join(obj.requires) or "crm",
                "installed": self._objects_installed(obj) and obj.model in self.env,
                "left_out": obj.key in left_out,
            })
        return rows

    def _inventory_custom_fields(self):
        """The account's own fields per object, with their fill rates."""
        self.ensure_one()
        return self.profile_ids.filtered("custom").sorted(lambda p: (p.object_sequence, -p.fill_rate))

    def _inventory_tax_ids(self):
        """[(object, field, filled, cnpj %, cpf %)] of the fields holding CNPJ or CPF values."""
        self.ensure_one()
        rows = []
        for profile in self.profile_ids:
            patterns = (profile.data or {}).get("patterns") or {}
            shares = [100.0 * patterns.get(name, 0.0) for name in TAX_ID_PATTERNS]
            if max(shares) >= 5:
                rows.append((profile.object_label, profile.label or profile.path, profile.filled, *shares))
        return rows

    def _inventory_users(self):
        """{state label: count} of the source's users, and the unmatched ones that own records."""
        self.ensure_one()
        matches = self.source_id.user_match_ids
        labels = dict(matches._fields["state"]._description_selection(self.env))
        counts = {label: len(matches.filtered(lambda m, s=state: m.state == s)) for state, label in
                  labels.items()}
        return counts, matches.filtered(lambda m: m.state != "matched" and m.record_count)

    def _inventory_access(self):
        """[(entity, answer)] of what the source refused to the key, and the extraction's
        observed pace: (records, seconds, records a second) or None."""
        self.ensure_one()
        fmap = self.map_id or self.source_id._current_map()
        refused = [(refusal.entity, f"HTTP {refusal.status}: {refusal.message or ''}".strip(": "))
                   for refusal in fmap.refusal_ids]
        phases = self._reconciliation("extract").filtered(lambda p: p.started_at and p.finished_at)
        if not phases:
            return refused, None
        seconds = (max(phases.mapped("finished_at")) - min(phases.mapped("started_at"))).total_seconds()
        records = sum(phases.mapped("done"))
        return refused, (records, seconds, records / seconds if seconds else 0.0)

    def _inventory_prerequisites(self):
        """What the admin has to do before the full migration, in words."""
        self.ensure_one()
        todo = []
        fmap = self.map_id or self.source_id._current_map()
        missing = [row for row in self._inventory_objects()
                   if row["records"] and not row["installed"] and not row["left_out"]]
        if missing:
            todo.append(self.env._(
                "Install the apps of %(objects)s, or they are not migrated.",
                objects=", ".join(f"{row['label']} ({row['modules']})" for row in missing)))
        _counts, unmatched = self._inventory_users()
        if unmatched:
            todo.append(self.env._(
                "%(count)s users of the source who own records have no active Odoo user: match them "
                "(User reconciliation), or their records go to the fallback owner.", count=len(unmatched)))
            if not self.source_id.fallback_user_id:
                todo.append(self.env._("Set the source's fallback owner."))
        if fmap and fmap.refusal_ids.filtered(lambda r: not r.acknowledged):
            todo.append(self.env._(
                "The source refused some entities to the key: give the key access, or tick "
                "'Leave out' on the map."))
        if fmap and fmap.state != "confirmed":
            todo.append(self.env._("Review and confirm the field map (%(count)s lines not reviewed).",
                                   count=fmap.to_review_count))
        return todo

    def _inventory_duration(self):
        """The expected duration of the full load, in words, at the pace this run loaded (its
        sample) at."""
        self.ensure_one()
        records = sum(row["records"] for row in self._inventory_objects()
                      if row["installed"] and not row["left_out"])
        phases = self._reconciliation("load").filtered(lambda p: p.started_at and p.finished_at)
        loaded = sum(phases.mapped("done"))
        seconds = sum((p.finished_at - p.started_at).total_seconds() for p in phases)
        if not loaded or not seconds:
            return self.env._("Run the sample migration to measure how fast this database loads "
                              "these %(records)s records.", records=records)
        return self.env._("%(records)s records at %(rate).0f records/s, the pace this run "
                          "loaded at: %(time)s.", records=records, rate=loaded / seconds,
                          time=duration_text(self.env, records * seconds / loaded))
