"""The invented Bloomr UI's CSV export: one file per object, same records as the API.

``write_export(seed, scale, out, encoding, delimiter, zip, dirt)`` writes ``contacts.csv``,
``companies.csv``, ``deals.csv``, ``stages.csv``, ``users.csv``, ``calls.csv``, ``meetings.csv``,
``emails.csv``, ``tasks.csv`` and ``tags.csv`` (labels and formats: ``columns``), or one
``bloomr-export.zip`` holding them. Rows end with CRLF; values with the delimiter, quotes or
line breaks are quoted. Characters the encoding lacks become ``?``. With ``dirt > 0`` the
files also carry malformed lines (``plant``), listed by ``planted_faults`` and in a
``MANIFEST`` file (tab-separated file, line, kind) written next to the export.
"""

import csv
import io
import os
import zipfile

from . import plant
from .columns import FILES, Lookup, table
from .dataset import Dataset

ENCODINGS = ("utf-8", "utf-8-sig", "latin-1")
DELIMITERS = {",": ",", ";": ";", "tab": "\t"}
ZIP_NAME, MANIFEST = "bloomr-export.zip", "MANIFEST"


def _render(values, delimiter):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerow(values)
    return buf.getvalue()


def _build(seed, scale, dirt, delimiter):
    """({file: [header text, row texts...]}, {(file, row index): kind})."""
    dataset = Dataset(seed, scale, dirt)
    look = Lookup(dataset)
    rendered = {}
    for name in FILES:
        header, rows = table(dataset, name, look)
        rendered[name] = [_render(header, delimiter), *(_render(row, delimiter) for row in rows)]
    faults = plant.plan(dataset.seed, dirt, {name: texts[1:] for name, texts in rendered.items()})
    return rendered, faults


def _line(texts, index):
    """The physical line (from 1) where ``texts[index]`` starts."""
    return 1 + sum(text.count("\n") for text in texts[:index])


def planted_faults(seed, scale, dirt):
    """[(file, line, kind)] of the malformed lines a ``dirt`` export carries, in file order."""
    rendered, faults = _build(seed, scale, dirt, ",")
    return sorted((name, _line(rendered[name], k + 1), kind) for (name, k), kind in faults.items())


def export_bytes(seed, scale, encoding="utf-8", delimiter=",", dirt=0.0):
    """{file name: bytes} of the export."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
    delimiter = DELIMITERS.get(delimiter, delimiter)
    if delimiter not in DELIMITERS.values():
        raise ValueError("delimiter must be ',', ';' or a tab")
    rendered, faults = _build(seed, scale, dirt, delimiter)
    files = {}
    for name, texts in rendered.items():
        chunks = [b"\xef\xbb\xbf"] if encoding == "utf-8-sig" else []
        for i, text in enumerate(texts):
            kind = faults.get((name, i - 1))
            if kind in (plant.WRONG_COLUMNS, plant.UNCLOSED_QUOTE):
                text = plant.damage(kind, text, delimiter)
            chunks.append(plant.encode(kind, text, "utf-8" if encoding == "utf-8-sig" else encoding))
        files[name] = b"".join(chunks)
    return files


def write_export(seed, scale, out, encoding="utf-8", delimiter=",", zip=False, dirt=0.0):  # noqa: A002
    """Write the export into folder ``out``; returns the paths written (CSVs or the zip, MANIFEST)."""
    files = export_bytes(seed, scale, encoding, delimiter, dirt)
    os.makedirs(out, exist_ok=True)
    paths = []
    if zip:
        path = os.path.join(out, ZIP_NAME)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        paths.append(path)
    else:
        for name, data in files.items():
            path = os.path.join(out, name)
            with open(path, "wb") as fh:
                fh.write(data)
            paths.append(path)
    if dirt > 0:
        path = os.path.join(out, MANIFEST)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("".join(f"{name}\t{line}\t{kind}\n" for name, line, kind in planted_faults(seed, scale, dirt)))
        paths.append(path)
    return paths
