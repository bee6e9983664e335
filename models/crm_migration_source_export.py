import dataclasses

from odoo import api, fields, models


class CrmMigrationSource(models.Model):
    """Sources read from the files of an export (CSV files, or a zip of them) instead of an
    API: the files are kept on the source, profiled, and read by the confirmed profile."""

    _inherit = "crm.migration.source"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: sources read from files

    reads_export = fields.Boolean("Read from an export", compute="_compute_reads_export")
    export_file_ids = fields.Many2many(
        "ir.attachment", "crm_migration_source_export_file_rel", "source_id", "attachment_id",
        "Export files", copy=False,
        help="The CSV files of the export (or one zip holding them). Uploading other files "
             "asks for a new profile; migrating them again updates what changed.")

    @api.depends("kind")
    def _compute_reads_export(self):
        for source in self:
            source.reads_export = bool(source.kind) and source._spec().reads_export

    def write(self, vals):
        """Other files are another export: it is profiled again before it is read."""
        if "export_file_ids" in vals:
            vals = dict(vals, api_profile_state="none")
        return super().write(vals)

    def _client_config(self, profiled=True):
        """The settings of the client, with the export's ``(name, bytes)`` for export sources."""
        config = super()._client_config(profiled=profiled)
        if not self.reads_export:
            return config
        files = tuple((attachment.name, attachment.raw)
                      for attachment in self.sudo().export_file_ids.sorted("id"))
        return dataclasses.replace(config, files=files)

    def _set_export_files(self, files):
        """Keep ``(name, bytes)`` as the source's export files, unless they are those it has."""
        self.ensure_one()
        current = self.sudo().export_file_ids
        if sorted((a.name, a.raw) for a in current) == sorted(files):
            return False
        attachments = self.env["ir.attachment"].sudo().create([
            {"name": name, "raw": data, "res_model": self._name, "res_id": self.id}
            for name, data in files])
        self.write({"export_file_ids": [(6, 0, attachments.ids)]})
        current.unlink()
        return True
