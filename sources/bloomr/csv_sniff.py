"""How a CSV file is written: its encoding (line by line), delimiter, quoting, header.

The encoding is decided per file: a BOM says UTF-8 (or UTF-16); otherwise UTF-8 when at
least as many of the lines with non-ASCII bytes are valid UTF-8 as are not, else cp1252
(which reads Latin-1 text the same). Lines invalid in the chosen encoding (and, in a
cp1252 file, lines holding UTF-8 sequences) are listed, so that one bad line is reported
rather than the whole file read as mojibake. :mod:`csv`'s Sniffer guesses badly on real exports: the delimiter
here is the candidate counted the same number of times, outside quotes, in most of the
first records.
"""
import codecs
import re
from collections import Counter
from dataclasses import dataclass

from ...mapping.profile import EMAIL
from .csv_values import DMY, ISO, styles_of

DELIMITERS = (",", ";", "\t")
QUOTE = '"'
SAMPLE_RECORDS = 50
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


@dataclass(frozen=True)
class Decoded:
    """A file's text, line by line (line ends kept)."""

    encoding: str
    lines: tuple
    bad_lines: frozenset  # numbers (from 1) of the lines invalid in ``encoding``


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quoting: str  # "all", "minimal" or "none": which fields of the first records are quoted


def decode(data):
    """The :class:`Decoded` text of a file's bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        lines = [line for line in LINE_END.split(data.decode("utf-16", "replace")) if line]
        return Decoded("utf-16", tuple(lines),
                       frozenset(n for n, line in enumerate(lines, 1) if "\ufffd" in line))
    if data.startswith(codecs.BOM_UTF8):
        return _decode_lines(data[len(codecs.BOM_UTF8):].splitlines(True), "utf-8", "utf-8-sig")
    raw = data.splitlines(True)
    valid = invalid = 0
    for line in raw:
        if not line.isascii():
            try:
                line.decode("utf-8")
                valid += 1
            except UnicodeDecodeError:
                invalid += 1
    if valid >= invalid:
        return _decode_lines(raw, "utf-8", "utf-8")
    return _decode_lines(raw, "cp1252", "cp1252", mojibake=True)


def _decode_lines(raw, codec, name, mojibake=False):
    lines, bad = [], set()
    for number, line in enumerate(raw, 1):
        text, wrong = _decode_line(line, codec, mojibake)
        lines.append(text)
        if wrong:
            bad.add(number)
    return Decoded(name, tuple(lines), frozenset(bad))


def _decode_line(line, codec, mojibake):
    """(text, whether the line is not ``codec``); ``mojibake``: a UTF-8 sequence (``Ã£`` in
    cp1252) is UTF-8 text pasted into a cp1252 file, so the line is bad too."""
    try:
        text = line.decode(codec)
    except UnicodeDecodeError:
        return line.decode(codec, "replace"), True
    return text, bool(mojibake and UTF8_SEQUENCE.search(line))


def sniff(lines):
    """The :class:`Dialect` of a file's first records."""
    records = _sample(lines)
    if not records:
        return Dialect(",", "none")
    delimiter = max(DELIMITERS, key=lambda candidate: _consistency(records, candidate))
    if not _consistency(records, delimiter)[1]:
        delimiter = ","  # one column
    fields = sum(counts[delimiter] + 1 for counts, _starts in records)
    quoted = sum(starts[delimiter] + starts[""] for _counts, starts in records)
    return Dialect(delimiter, "none" if not quoted else "all" if quoted == fields else "minimal")


def _sample(lines, limit=SAMPLE_RECORDS):
    """(delimiters counted outside quotes, quoted fields by the character before them) of
    each of the first non-blank records."""
    records, counts, starts, inside, previous, blank = [], Counter(), Counter(), False, "", True
    for line in lines:
        for char in line:
            if char == QUOTE:
                if not inside and previous in ("", *DELIMITERS):
                    starts[previous] += 1
                inside = not inside
            elif not inside and char in DELIMITERS:
                counts[char] += 1
            blank = blank and char.isspace()
            previous = char
        if not inside:
            if not blank:
                records.append((counts, starts))
            counts, starts, previous, blank = Counter(), Counter(), "", True
            if len(records) >= limit:
                break
    return records


def _consistency(records, delimiter):
    """(share of records with the most common count, that count); (0, 0) when it is 0."""
    count, hits = Counter(counts[delimiter] for counts, _starts in records).most_common(1)[0]
    return (hits / len(records), count) if count else (0.0, 0)


def looks_like_data(cells):
    """Whether a first row holds values rather than column names: an e-mail address or a
    date, or numbers in half of its cells."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    if any(EMAIL.fullmatch(cell) or DMY.fullmatch(cell) or ISO.fullmatch(cell) for cell in filled):
        return True
    return bool(filled) and 2 * sum(bool(styles_of(cell)) for cell in filled) >= len(filled)
