"""Malformed lines planted in a dirty CSV export (``dirt > 0``), at seeded rows.

* ``wrong_column_count``: a row with one field too many (a trailing delimiter), in
  ``contacts.csv`` and ``deals.csv`` (``max(1, round(rows * dirt / 10))`` rows each).
* ``invalid_encoding``: one row of ``contacts.csv`` and of ``companies.csv`` whose first accented
  letter is written in the other encoding: one Latin-1 byte in a UTF-8 file (invalid UTF-8),
  or the UTF-8 bytes in a Latin-1 file (mojibake such as ``Ã£``).
* ``unclosed_quote``: the last row of ``calls.csv`` opens a quote in its last field and never
  closes it.

Lines are 1-based physical lines where the row starts (the header is line 1; quoted values may
span lines); they do not depend on the encoding or delimiter.
"""

from sandbox.ploomes.rng import rng

WRONG_COLUMNS, BAD_ENCODING, UNCLOSED_QUOTE = "wrong_column_count", "invalid_encoding", "unclosed_quote"
WRONG_COLUMNS_IN = ("contacts.csv", "deals.csv")
BAD_ENCODING_IN = ("contacts.csv", "companies.csv")
UNCLOSED_QUOTE_IN = "calls.csv"


def _accent(text):
    """Index of the first Latin-1 letter beyond ASCII in ``text``, or None."""
    return next((i for i, c in enumerate(text) if 0xC0 <= ord(c) <= 0xFF), None)


def plan(seed, dirt, rendered):
    """{(file, data row index): kind} for ``rendered`` = {file: [row texts without the header]}."""
    if dirt <= 0:
        return {}
    faults = {}
    if rendered.get(UNCLOSED_QUOTE_IN):
        faults[(UNCLOSED_QUOTE_IN, len(rendered[UNCLOSED_QUOTE_IN]) - 1)] = UNCLOSED_QUOTE
    for name in WRONG_COLUMNS_IN:
        candidates = range(max(0, len(rendered[name]) - 1))
        count = min(len(candidates), max(1, round(len(rendered[name]) * dirt / 10)))
        for k in rng(seed, "bloomr-plant", name).sample(candidates, count):
            faults[(name, k)] = WRONG_COLUMNS
    for name in BAD_ENCODING_IN:
        rows = rendered[name]
        start = rng(seed, "bloomr-plant-encoding", name).randrange(len(rows))
        for k in (*range(start, len(rows) - 1), *range(0, start)):
            if (name, k) not in faults and _accent(rows[k]) is not None:
                faults[(name, k)] = BAD_ENCODING
                break
    return faults


def damage(kind, text, delimiter):
    """The text of a row with a ``wrong_column_count`` or ``unclosed_quote`` planted."""
    body = text[:-2]  # without the \r\n terminator
    if kind == WRONG_COLUMNS:
        return f"{body}{delimiter}\r\n"
    cut = body.rfind(delimiter)
    return f'{body[:cut + 1]}"{body[cut + 1:]}\r\n'


def encode(kind, text, encoding):
    """A row's bytes, with the ``invalid_encoding`` fault when ``kind`` says so."""
    if kind != BAD_ENCODING:
        return text.encode(encoding, "replace")
    i = _accent(text)
    wrong = "latin-1" if encoding.startswith("utf-8") else "utf-8"
    return text[:i].encode(encoding, "replace") + text[i].encode(wrong) + text[i + 1:].encode(encoding, "replace")
