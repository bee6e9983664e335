"""What the columns of an export file hold: a kind per column, for the map proposal.

A column's kind is the first of these its filled values fit (at least :data:`FIT` of
them): ``reference`` (named like ``ID da empresa`` and holding ids of that object's
file), ``boolean``, ``datetime``, ``date``, ``money``, ``number``, ``email``, ``url``,
``phone``, ``list`` (``a; b`` cells whose items repeat), ``option`` (few distinct values,
repeated), else ``text``. Each column also gets the engine's
:class:`~...mapping.profile.FieldProfile` and :class:`~...mapping.profile.SourceFieldInfo`.
"""
from collections import Counter
from dataclasses import dataclass

from ...mapping.converters import ConversionError
from ...mapping.profile import FieldProfile, SourceFieldInfo, profile_values
from .csv_objects import propose_objects, referenced_object
from .csv_values import (FALSE_WORDS, TRUE_WORDS, clean, has_currency, is_percent,
                         number_style, parse_moment, parse_number, split_values)

FIT = 0.95                # share of filled values that must fit a kind
OPTION_LIMIT = 20         # most distinct values of an option column
LIST_LIMIT = 50           # most distinct items of a list column
TEXT_LENGTH = 255         # longer values (or line breaks) make a text, not a string
PATTERN_KINDS = (("email", FIT), ("url", FIT), ("phone", 0.8))  # phones are often mistyped
REFERENCE_TYPES = {"users": "user", "contacts": "contact", "companies": "contact"}
INFO_TYPES = {"boolean": "boolean", "datetime": "datetime", "date": "date", "money": "money",
              "email": "string", "url": "string", "phone": "string", "option": "option",
              "list": "options"}


@dataclass(frozen=True)
class ColumnProfile:
    """One column of a file: its kind, the engine's field info and profile."""

    column: str
    kind: str
    info: SourceFieldInfo
    profile: FieldProfile
    style: str = None        # number and money: the column's format (csv_values.number_style)
    target: str = None       # reference: the object whose ids it holds


def profile_export(export):
    """``{file name: (ColumnProfile, ...)}`` of every file, references checked against
    the ids of the files holding their objects."""
    ids = {}
    for guess in propose_objects(export):
        file = export.file(guess.file)
        if guess.object and guess.key_column and guess.object not in ids:
            ids[guess.object] = frozenset(row[guess.key_column].strip() for row in file.rows)
    return {file.name: profile_columns(file, ids) for file in export.files}


def profile_columns(file, ids=None):
    """The :class:`ColumnProfile` of each column of an :class:`~.csv_records.ExportFile`;
    ``ids``: ``{object key: ids of its records}`` (without it a column named like a
    reference is one); the record key column is ``text``."""
    return tuple(profile_column(name, [row[name] for row in file.rows], ids,
                                key=name == file.key_column) for name in file.header)


def profile_column(name, values, ids=None, key=False):
    """The :class:`ColumnProfile` of one column's values (``key``: the record key column)."""
    filled = [text for text in map(clean, values) if text is not None]
    profile = profile_values(values)
    kind, style, target = ("text", None, None) if key else _kind(name, filled, profile, ids)
    return ColumnProfile(name, kind, _info(name, kind, filled, profile, style, target), profile,
                         style, target)


def _fits(counts, test):
    """Whether :data:`FIT` of the values (``{text: times}``) pass ``test``; it stops at
    the first failure too many."""
    allowed = (1 - FIT) * sum(counts.values())
    for value, times in counts.items():
        if not test(value):
            allowed -= times
            if allowed < 0:
                return False
    return bool(counts)


def _kind(name, filled, profile, ids):
    """(kind, number style, referenced object) of a column."""
    counts = Counter(filled)
    target = referenced_object(name)
    if target and (ids is None or target not in ids or _fits(counts, ids[target].__contains__)):
        return "reference", None, target
    if not filled:
        return "text", None, None
    words = {text.lower() for text in counts}
    if words <= TRUE_WORDS | FALSE_WORDS and len(words) <= 2 and words not in ({"0"}, {"1"}):
        return "boolean", None, None
    if _fits(counts, _reads(parse_moment)):
        return ("datetime" if any(":" in text for text in counts) else "date"), None, None
    style = number_style(counts)  # of the distinct values
    if _fits(counts, _reads(lambda text: parse_number(text, style))):
        money = any(has_currency(text) for text in counts) or "money" in _dominant(profile)
        return ("money" if money else "number"), style, None
    for pattern, share in PATTERN_KINDS:
        if profile.patterns.get(pattern, 0.0) >= share:
            return pattern, None, None
    if _is_list(counts):
        return "list", None, None
    if profile.distinct <= OPTION_LIMIT and 2 * profile.distinct <= len(filled):
        return "option", None, None
    return "text", None, None


def _reads(parse):
    """Whether ``parse`` reads a text (without :class:`ConversionError`)."""
    def reads(text):
        try:
            parse(text)
        except ConversionError:
            return False
        return True
    return reads


def _dominant(profile):
    return {name for name, share in profile.patterns.items() if share >= FIT}


def _is_list(counts):
    """Cells of several values whose items other cells hold too (``VIP, Quente`` and
    ``VIP``; not ``Rodovia BR-101, km 12``): at most :data:`LIST_LIMIT` distinct items,
    unless ``;`` separates them."""
    split = {text: split_values(text) for text in counts}
    multi = [items for items in split.values() if len(items) > 1]
    holders = Counter(item for items in split.values() for item in set(items))
    reused = sum(holders[item] > 1 for items in multi for item in items)
    few = len(holders) <= LIST_LIMIT or any(";" in text for text in split)
    return bool(multi) and few and 2 * reused >= sum(map(len, multi))


def _info(name, kind, filled, profile, style, target):
    options = ()
    if kind in ("option", "list"):
        found = {item for text in filled
                 for item in (split_values(text) if kind == "list" else [text])}
        if len(found) <= LIST_LIMIT:
            options = tuple((item, item) for item in sorted(found))
    return SourceFieldInfo(path=name, key=None, label=name,
                           type=_info_type(kind, filled, profile, style, target),
                           options=options, multiple=kind == "list")


def _whole(text, style):
    """Whether a number's text is a whole number (a text that is no number says nothing)."""
    try:
        return parse_number(text, style) % 1 == 0
    except ConversionError:
        return True


def _info_type(kind, filled, profile, style, target):
    """The normalized source type (mapping.schema.SOURCE_TYPES) of a column's kind."""
    if kind == "reference":
        return REFERENCE_TYPES.get(target, "string")
    if kind == "number":
        if any(is_percent(text) for text in filled):
            return "percent"
        return "integer" if all(_whole(text, style) for text in set(filled)) else "decimal"
    if kind == "text":
        for pattern in ("cnpj", "cpf"):
            if profile.patterns.get(pattern, 0.0) >= FIT:
                return pattern
        long = any(len(text) > TEXT_LENGTH or "\n" in text for text in filled)
        return "text" if long else "string"
    return INFO_TYPES[kind]
