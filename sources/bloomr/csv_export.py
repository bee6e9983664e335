"""A CRM's CSV export (Bloomr's, when its API is out of reach) read into rows.

``read_export(source)`` takes a directory, a ``.zip`` or ``.csv`` path, or the
``(file name, bytes)`` pairs of an upload (zips among them are opened). Each CSV file is
read by :func:`.csv_records.read_file`; a file that is no CSV is reported and skipped,
and so is a zip entry that cannot be read. System files (``__MACOSX/``, names starting
with a dot, ``Thumbs.db``, ``desktop.ini``) are skipped without a word. The same bytes
always read into the same rows, in the same order.
"""
# pylint: disable=prefer-env-translation  # pure code without Odoo: `_` marks templates Odoo translates when it logs them
import os
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from ...mapping.messages import _
from ..files import path_entries
from .csv_objects import ObjectGuess, propose_objects
from .csv_records import ExportFile, Problem, Row, read_file

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
SYSTEM_FILES = ("thumbs.db", "desktop.ini")
MAX_ENTRY_BYTES = 512 * 1024 * 1024  # of one file unpacked from a zip

__all__ = ["Export", "ExportFile", "ObjectGuess", "Problem", "Row", "propose_objects",
           "read_export"]


@dataclass(frozen=True)
class Export:
    """The files of an export, and the problems of the export as a whole (files skipped)."""

    files: tuple
    problems: tuple = ()

    def file(self, name):
        """The file named ``name`` (its name inside the zip or folder), or None."""
        return next((file for file in self.files if file.name == name), None)

    def all_problems(self):
        """The export's problems, then each file's, in file order."""
        return [*self.problems, *(problem for file in self.files for problem in file.problems)]


def read_export(source):
    """The :class:`Export` of a directory, a zip or CSV path, or ``(name, bytes)`` pairs."""
    problems = []
    entries = path_entries(source) if isinstance(source, (str, os.PathLike)) else source
    files = tuple(read_file(name, data) for name, data in _csv_entries(entries, problems))
    return Export(files, tuple(problems))


def _csv_entries(entries, problems):
    for name, data in entries:
        base = PurePosixPath(name).name.lower()
        if name.startswith("__MACOSX/") or base.startswith(".") or base in SYSTEM_FILES:
            continue
        if base.endswith(".zip"):
            yield from _csv_entries(_zip_entries(name, data, problems), problems)
        elif base.endswith(CSV_SUFFIXES):
            yield name, data
        else:
            problems.append(Problem(name, 0, "not_csv", _("%(file)s is not a CSV file: skipped."),
                                    {"file": name}))


def _zip_entries(name, data, problems):
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as error:
        problems.append(Problem(name, 0, "bad_zip", _("%(file)s cannot be opened: %(error)s."),
                                {"file": name, "error": str(error)}))
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.file_size > MAX_ENTRY_BYTES:
                problems.append(Problem(info.filename, 0, "too_large",
                                        _("%(file)s is larger than %(limit)d MB: skipped."),
                                        {"file": info.filename, "limit": MAX_ENTRY_BYTES >> 20}))
                continue
            try:
                yield info.filename, archive.read(info)
            except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error,
                    EOFError) as error:  # encrypted, unknown compression, corrupt
                problems.append(Problem(info.filename, 0, "bad_zip",
                                        _("%(file)s cannot be unpacked: %(error)s."),
                                        {"file": info.filename, "error": str(error)}))
