import base64
import posixpath
from urllib.parse import unquote, urlsplit

from odoo import models

from ..sources.errors import SourceError
from .crm_migration_loader import sniffed_mimetype

#: Source field types whose value is the URL of a file on the source's storage.
IMAGE_TYPES = ("image",)
#: Odoo's picture field: the first image field of a record that has one fills it.
PICTURE = "image_1920"


class CrmMigrationFieldFiles(models.AbstractModel):
    """The files image custom fields point to ("Logotipo", "Foto do produto"), stored in
    Odoo once their record is written, so that they outlive the source's storage: the
    first image field of a record with a picture (partners, products) becomes its picture
    when it has none, the others attachments of the record. The URL stays in its field.

    Attachment fields name a file of the record's own attachments, which the attachments
    phase stores on it."""

    _name = "crm.migration.field.files"
    _description = "Migration: Files of Custom Fields"

    def _store(self, loader, phase, obj, lines, items):
        """Download and store the image files of ``items`` (staged, values, problems,
        record) just written; return the issue values of those that could not be."""
        lines = [line for line in lines if line.params.get("type") in IMAGE_TYPES and line.target]
        items = [item for item in items if any(item[3][line.target] for line in lines)]
        if not items:
            return []
        run = phase.run_id
        client = run.source_id._client()
        stored = self._stored(items)
        pictures, created, issues = {}, [], []
        for rec, _values, _problems, record in items:
            for index, line in enumerate(lines):
                url = record[line.target]
                if not url or (record._name, record.id, url) in stored:
                    continue
                as_picture = index == 0 and PICTURE in record._fields
                if as_picture and record[PICTURE]:
                    continue  # a picture of its own (set in Odoo, or by an earlier run)
                label = record._fields[line.target].string
                try:
                    data = client.download(url)
                except SourceError as exc:
                    issues.append(loader._issue(phase, obj, rec, "download_failed", "warning", self.env._(
                        "The file of %(field)s could not be downloaded: %(error)s; its URL is kept.",
                        field=label, error=exc), record, line.source))
                    continue
                mimetype = sniffed_mimetype(data)
                if as_picture and mimetype.startswith("image/") and mimetype != "image/svg+xml":
                    pictures[record] = base64.b64encode(data)
                    continue
                if as_picture:
                    issues.append(loader._issue(phase, obj, rec, "not_an_image", "warning", self.env._(
                        "The file of %(field)s is not an image (%(type)s): stored as an attachment.",
                        field=label, type=mimetype), record, line.source))
                created.append({"name": self._file_name(url, label), "raw": data, "mimetype": mimetype,
                                "res_model": record._name, "res_id": record.id, "description": url})
        journal = self.env["crm.migration.journal"]
        for record, picture in pictures.items():
            journal._log(run, phase.key, "write", record._name, {record.id: {PICTURE: False}})
            record.write({PICTURE: picture})  # one by one: each has its own image
        if created:
            attachments = self.env["ir.attachment"].create(created)
            journal._log(run, phase.key, "create", "ir.attachment", attachments.ids)
        return issues

    def _stored(self, items):
        """(model, id, URL) of the files stored earlier on these records."""
        by_model = {}
        for *_rest, record in items:
            by_model.setdefault(record._name, []).append(record.id)
        stored = set()
        for model, ids in by_model.items():
            for attachment in self.env["ir.attachment"].search_read(
                    [("res_model", "=", model), ("res_id", "in", ids), ("description", "!=", False)],
                    ["res_id", "description"]):
                stored.add((model, attachment["res_id"], attachment["description"]))
        return stored

    def _file_name(self, url, label):
        """The file's name in its URL, else the field's label."""
        name = unquote(posixpath.basename(urlsplit(url).path)).strip()
        return name or label
