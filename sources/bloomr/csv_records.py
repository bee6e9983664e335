"""One CSV file read into rows, and a :class:`Problem` for every line it could not load.

The header is the first non-empty record. A record is held back (reported, not
loaded) when it has the wrong number of columns, a line invalid in the file's
encoding, a quote that breaks it, or a record key that is empty or already seen.
A quote never closed before the end of the file would swallow the rest of it: the
record is reported at its line and reading resumes on the line after the quote.
Empty records (blank lines, or only empty cells) are skipped without a word.
"""
# pylint: disable=prefer-env-translation  # pure code without Odoo: `_` marks templates Odoo translates when it logs them
import csv
import itertools
from dataclasses import dataclass, field

from ...mapping.messages import _, render
from .csv_objects import record_key_column, updated_at_column
from .csv_sniff import QUOTE, decode, looks_like_data, sniff

TEXT_LENGTH = 500  # of a record's text kept on its problem


@dataclass(frozen=True)
class Problem:
    """Why a line of a file (``line`` 0: the file as a whole) was not loaded."""

    file: str
    line: int
    code: str
    template: str
    params: dict = field(default_factory=dict)
    text: str = ""  # the record as read, truncated

    @property
    def message(self):
        return render(self.template, self.params)


class Row(dict):
    """A record: column name -> text, and ``line``, where it starts in its file."""

    def __init__(self, values, line):
        super().__init__(values)
        self.line = line


@dataclass
class ExportFile:
    """One file of an export, read."""

    name: str
    encoding: str
    delimiter: str
    quoting: str               # "all", "minimal" or "none" (see csv_sniff.Dialect)
    header: tuple = ()
    header_line: int = 0
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    key_column: str = None     # the records' ids (csv_objects.record_key_column)
    updated_column: str = None  # their last change (csv_objects.updated_at_column)

    def problem(self, line, code, template, text="", **params):
        self.problems.append(Problem(self.name, line, code, template, params, text[:TEXT_LENGTH]))


def split_records(lines, delimiter):
    """``(first line, last line, cells, fault)`` of each record of decoded lines; ``fault``:
    None, or ``(code, template, params)`` when its quotes break it (then ``cells`` is None)."""
    start = 0  # index of the line the reader starts on
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter,
                            quotechar=QUOTE, strict=True)
        done = 0  # lines the reader has consumed before the current record
        try:
            for cells in reader:
                yield start + done + 1, start + reader.line_num, cells, None
                done = reader.line_num
            return
        except csv.Error as error:
            first, last = start + done + 1, start + reader.line_num
            opened = first + _quote_opened(lines[first - 1:last], delimiter)
            yield first, last, None, _quote_fault(error, opened, last, last == len(lines))
            start = opened  # resume on the line after the quote


def _quote_opened(lines, delimiter):
    """Index of the line where the quote still open at the end of ``lines`` opened (0 if
    none): quotes open a field (at its start) and close it; ``""`` inside is an escape."""
    inside, opened = False, 0
    for index, line in enumerate(lines):
        at = line.find(QUOTE)
        while at >= 0:
            if inside and line.startswith(QUOTE * 2, at):
                at += 1
            elif inside or at == 0 or line[at - 1] == delimiter:
                inside = not inside
                opened = index if inside else opened
            at = line.find(QUOTE, at + 1)
    return opened


def _quote_fault(error, opened, last, at_end):
    if at_end and "end of data" in str(error):
        return ("unclosed_quote", _("The quote opened on line %(opened)d is never closed: it would "
                                    "swallow the rest of the file. Record not loaded."),
                {"opened": opened})
    if last > opened:
        return ("unclosed_quote", _("The quote opened on line %(opened)d is not closed on it "
                                    "(%(error)s). Record not loaded."),
                {"opened": opened, "error": str(error)})
    return ("bad_quote", _("Misplaced quote (%(error)s). Record not loaded."), {"error": str(error)})


def header_names(cells):
    """Column names of a header row, each unique; and ``(template, params)`` of the renames."""
    names, renamed = [], []
    for index, cell in enumerate(cells, 1):
        name = cell.strip().lstrip("\ufeff") or f"column_{index}"
        if not cell.strip():
            renamed.append((_("Column %(index)d has no name: named %(name)r."),
                            {"index": index, "name": name}))
        if name in names:
            unique = next(f"{name} ({n})" for n in itertools.count(2) if f"{name} ({n})" not in names)
            renamed.append((_("Column %(index)d repeats the name %(name)r: named %(unique)r."),
                            {"index": index, "name": name, "unique": unique}))
            name = unique
        names.append(name)
    return tuple(names), renamed


def read_file(name, data):
    """The :class:`ExportFile` of a file's bytes."""
    decoded = decode(data)
    dialect = sniff(decoded.lines)
    file = ExportFile(name, decoded.encoding, dialect.delimiter, dialect.quoting)
    keys = {}
    for first, last, cells, fault in split_records(decoded.lines, dialect.delimiter):
        text = "".join(decoded.lines[first - 1:last])
        if fault:
            file.problem(first, fault[0], fault[1], text, **fault[2])
        elif not any(cell.strip() for cell in cells):
            continue
        elif not file.header:  # a header with a bad line is reported, and still the header
            _decoded_well(file, decoded.bad_lines, first, last, text)
            _set_header(file, first, cells)
        elif _decoded_well(file, decoded.bad_lines, first, last, text):
            _add_row(file, keys, first, cells, text)
    if not file.header:
        file.problem(0, "empty_file", _("The file has no header and no records."))
    return file


def _decoded_well(file, bad_lines, first, last, text):
    """Whether lines ``first`` to ``last`` read well; reports the first bad one."""
    bad = next((n for n in range(first, last + 1) if n in bad_lines), None)
    if bad is None:
        return True
    file.problem(bad, "bad_encoding", _("Line %(number)d has bytes that are not %(encoding)s. "
                                        "Record not loaded."),
                 text, number=bad, encoding=file.encoding)
    return False


def _set_header(file, line, cells):
    file.header_line = line
    if looks_like_data(cells):
        file.header = tuple(f"column_{index}" for index in range(1, len(cells) + 1))
        file.problem(line, "no_header", _("The first row looks like data, not column names: "
                                          "columns named column_1 to column_%(count)d."),
                     count=len(cells))
        file.rows.append(Row(zip(file.header, cells, strict=True), line))
    else:
        file.header, renamed = header_names(cells)
        for template, params in renamed:
            file.problem(line, "header_name", template, **params)
    file.key_column = record_key_column(file.header)
    file.updated_column = updated_at_column(file.header)


def _add_row(file, keys, line, cells, text):
    expected = len(file.header)
    if len(cells) != expected:
        file.problem(line, "column_count", _("%(found)d columns instead of %(expected)d. "
                                             "Record not loaded."),
                     text, found=len(cells), expected=expected)
        return
    row = Row(zip(file.header, cells, strict=True), line)
    if file.key_column:
        key = row[file.key_column].strip()
        if not key:
            file.problem(line, "missing_key", _("No %(column)s. Record not loaded."), text,
                         column=file.key_column)
            return
        if key in keys:
            file.problem(line, "duplicate_key", _("%(column)s %(key)s is already on line "
                                                  "%(first)d. Record not loaded."),
                         text, column=file.key_column, key=key, first=keys[key])
            return
        keys[key] = line
    file.rows.append(row)
