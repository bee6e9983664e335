from odoo import api, fields, models

#: Models whose records are shown elsewhere (a message in its chatter): no action of their own.
WITHOUT_PROVENANCE = {"mail.message", "res.users"}


class CrmMigrationIdentity(models.Model):
    """Provenance: where a migrated record came from (source, object, id, run), read from the
    identity map, so that nothing is added to business tables."""

    _inherit = "crm.migration.identity"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: provenance

    @api.model
    def _provenance_action(self, model, ids):
        """The identities of records ``ids`` of ``model``: which source, object and run made them."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_migration.action_provenance")
        action["domain"] = [("res_model", "=", model), ("res_id", "in", list(ids))]
        return action

    object_label = fields.Char("Object", compute="_compute_object_label",
                               help="The source object, in the user's language.")

    def _compute_object_label(self):
        for identity in self:
            obj = identity._source_object()
            identity.object_label = obj.label_in(self.env.lang) if obj else identity.entity

    @api.model
    def provenance_of(self, res_model, res_id):
        """The banner of a form: where record ``res_id`` of ``res_model`` came from, one
        line per identity, [] for a record no migration made (or a user who may not read
        migrations)."""
        if not self.env.user.has_group("crm_migration.group_crm_migration_user"):
            return []
        identities = self.search([("res_model", "=", res_model), ("res_id", "=", int(res_id))])
        return [{"id": identity.id, "run_id": identity.run_id.id, "run_name": identity.run_id.name or "",
                 "text": identity._provenance_text()} for identity in identities]

    def _provenance_text(self):
        """"Migrated from <source> · <object> <id>" (the run is the banner's link)."""
        self.ensure_one()
        obj = self._source_object()
        label = obj.label_in(self.env.lang) if obj else self.entity
        return self.env._("Migrated from %(origin)s · %(object)s %(key)s ·", origin=self.source_id.name,
                          object=label, key=self.source_key)

    def _source_object(self):
        """The source object whose records this identity binds (None: not in the schema)."""
        objects = [obj for obj in self.source_id._schema().objects
                   if obj.identity_entity == self.entity]
        return next((obj for obj in objects if obj.model == self.res_model), None) \
            or next(iter(objects), None)

    def action_open_run(self):
        """The run that migrated this record."""
        self.ensure_one()
        return self.run_id._open_form()

    def action_open_staged(self):
        """The source record, as it was staged."""
        self.ensure_one()
        obj = self._source_object()
        entity = obj.entity if obj else self.entity
        staged = self.env["crm.migration.record"].search([
            ("source_id", "=", self.source_id.id), ("entity", "=", entity),
            ("source_key", "=", self.source_key)], limit=1)
        return {"type": "ir.actions.act_window", "res_model": "crm.migration.record",
                "res_id": staged.id, "view_mode": "form", "target": "new"}


class CrmMigrationRun(models.Model):
    """Every model a run loaded records into gets a "Migrated from" action on its records."""

    _inherit = "crm.migration.run"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: provenance

    def _finish_job(self):
        kind = self.job
        result = super()._finish_job()
        if kind == "load":
            self._provision_provenance()
        return result

    def _provision_provenance(self):
        """A "Migrated from" action (Action menu) on each model the source's records went
        to: kept with the addon (removed when it is uninstalled), one per model."""
        identities = self.env["crm.migration.identity"].sudo()
        models_ = {model for [model] in identities._read_group(
            [("source_id", "=", self.source_id.id)], ["res_model"])} - WITHOUT_PROVENANCE
        data = self.env["ir.model.data"].sudo()
        for model in sorted(m for m in models_ if m in self.env):
            name = f"provenance_{model.replace('.', '_')}"
            if self.env.ref(f"crm_migration.{name}", raise_if_not_found=False):
                continue
            model_id = self.env["ir.model"]._get_id(model)
            action = self.env["ir.actions.server"].sudo().create({
                "name": self.env._("Migrated from"), "model_id": model_id,
                "binding_model_id": model_id, "binding_view_types": "form,list",
                "state": "code", "groups_id": [(4, self.env.ref(
                    "crm_migration.group_crm_migration_user").id)],
                "code": "action = env['crm.migration.identity']._provenance_action("
                        "model._name, records.ids)",
            })
            data.create({"module": "crm_migration", "name": name, "model": action._name,
                         "res_id": action.id, "noupdate": True})
