from odoo import api, fields, models
from odoo.exceptions import UserError

from ..sources import SOURCES, SourceError

#: What the admin may change on a row; the rest is what the probe found.
EDITABLE = ("entity", "paging", "params", "page_cap", "records_path", "record_key",
            "updated_at", "delta_param")


def _entities(_model):
    """Every object a probed source reads, by its staging name."""
    names = {entity.name for spec in SOURCES if spec.edit_profile
             for entity in spec.schema.entities}
    return [(name, name.replace("_", " ").capitalize()) for name in sorted(names)]


class CrmMigrationSourceCollection(models.Model):
    """One collection of a probed API (or one file of an export) as the admin reviews it:
    the object its records are read as and how it is paged. The edits go into the source's
    profile when it is confirmed; its address and the auth stay the probe's."""

    _name = "crm.migration.source.collection"
    _description = "Profiled Collection or File"
    _order = "source_id, sequence, id"

    source_id = fields.Many2one("crm.migration.source", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(readonly=True)
    name = fields.Char("Collection or file", required=True, readonly=True)
    path = fields.Char(readonly=True)
    status = fields.Integer("HTTP status", readonly=True)
    total = fields.Integer("Records", readonly=True)
    entity = fields.Selection(_entities, "Read as",
                              help="The object its records are migrated as; empty: not read.")
    paging = fields.Selection(
        [("page", "Page number"), ("offset", "Offset"), ("cursor", "Cursor"),
         ("link", "Next link")], help="Empty: one page holds every record.")
    params = fields.Char("Paging parameters",
                         help="role=name, separated by commas: page, offset, cursor or size "
                              "(the query parameters), next (where the next cursor or link is "
                              "in the answer), first (the first page number).")
    page_cap = fields.Integer("Page cap", help="The most records a page holds (0: no cap seen).")
    records_path = fields.Char("Records at", help="Where the record list is in an answer "
                                                  "(dotted path; empty: the answer itself).")
    record_key = fields.Char("Record key")
    updated_at = fields.Char("Updated-at field")
    delta_param = fields.Char("Delta filter",
                              help="The query parameter that filters on the update date: "
                                   "delta syncs read only what changed.")
    field_list = fields.Text("Fields", readonly=True)

    @api.model
    def _rows_of(self, source, rows):
        """Replace ``source``'s rows with those of a new profile."""
        source.sudo().collection_ids.unlink()
        entities = dict(_entities(self))
        self.sudo().create([dict(
            {name: row.get(name) or False for name in ("name", "path", "status", "total", *EDITABLE)},
            entity=row.get("entity") if row.get("entity") in entities else False,
            source_id=source.id, sequence=index, field_list=row.get("fields") or False,
        ) for index, row in enumerate(rows)])

    def _as_row(self):
        self.ensure_one()
        return {"name": self.name, **{name: self[name] or None for name in EDITABLE}}

    def write(self, vals):
        """An edited row makes the profile one to confirm again."""
        result = super().write(vals)
        if set(vals) & set(EDITABLE):
            self.source_id.filtered(lambda s: s.api_profile_state == "confirmed").sudo().write(
                {"api_profile_state": "usable", "api_profile_confirmed_by": False})
        return result


class CrmMigrationSource(models.Model):
    """Probed sources: the profile's collections are rows the admin edits before confirming."""

    _inherit = "crm.migration.source"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: the editable API profile

    collection_ids = fields.One2many("crm.migration.source.collection", "source_id",
                                     "Collections", groups="crm_migration.group_crm_migration_manager")

    def _probe_api(self):
        probe = super()._probe_api()
        if self._spec().profile_rows:
            self.env["crm.migration.source.collection"]._rows_of(
                self, self._spec().profile_rows(probe.profile))
        return probe

    def action_confirm_api_profile(self):
        """Write the admin's edits of the collections into the profile, then confirm it."""
        self._check_migration_admin()
        for source in self.filtered(lambda s: s._spec().edit_profile and s.collection_ids):
            if source.api_profile_state != "usable":
                continue  # refused with its reason by the confirmation
            try:
                probe = source._spec().edit_profile(
                    source.sudo().api_profile, [row._as_row() for row in source.collection_ids])
            except SourceError as exc:
                raise UserError(self.env._("The profile cannot be read as edited:\n%s", exc)) from exc
            source.sudo().write({"api_profile": probe.profile, "api_profile_text": probe.text,
                                 "api_profile_state": "usable" if probe.usable else "unusable"})
        return super().action_confirm_api_profile()
