"""Values of CSV cells as Python values: dates, numbers and money, booleans, lists.

Every parser takes the cell's text (stripped here), returns None for an empty cell and
raises :class:`~...mapping.converters.ConversionError` naming the value it cannot read.
Number formats are decided per column (:func:`number_style`), since ``1.234`` is a
thousand in ``1.234,56`` and a decimal in ``1,234.56``.
"""
# pylint: disable=prefer-env-translation  # pure code without Odoo: `_` marks templates Odoo translates when it logs them
import csv
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ...mapping.converters import ConversionError
from ...mapping.messages import _

DEFAULT_TZ = "America/Sao_Paulo"
PT_BR, EN = "pt_BR", "en"  # 1.234,56 and 1,234.56
STYLE_EXAMPLES = {PT_BR: "1.234,56", EN: "1,234.56"}
STYLES = {
    PT_BR: re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?"),
    EN: re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?"),
}
CURRENCY = re.compile(r"^(R\$|US\$|\$|€|BRL|USD|EUR)|(R\$|BRL|USD|EUR|€)$")
CURRENCY_SIGN = re.compile(r"\$|€|\b(BRL|USD|EUR)\b")
DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")
TRUE_WORDS = frozenset(("sim", "s", "yes", "y", "true", "verdadeiro", "1", "x"))
FALSE_WORDS = frozenset(("não", "nao", "n", "no", "false", "falso", "0"))


def clean(text):
    """The cell's text stripped, or None when it is empty."""
    text = str(text if text is not None else "").strip()
    return text or None


# -- dates -------------------------------------------------------------------------------

def zone(tz):
    """A tzinfo from a time zone name (or a tzinfo, returned as is)."""
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def parse_moment(text, tz=DEFAULT_TZ):
    """A ``date`` (date only) or an aware ``datetime`` from ``dd/mm/aaaa [hh:mm[:ss]]`` or
    ISO 8601; naive date-times are in ``tz``."""
    text = clean(text)
    if text is None:
        return None
    try:
        moment = _dmy(text) if DMY.fullmatch(text) else _iso(text)
    except ValueError:
        raise ConversionError("not_a_date", _("%(value)r is not a valid date."),
                              value=text) from None
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tz))
    return moment


def _dmy(text):
    day, month, year, hour, minute, second = DMY.fullmatch(text).groups()
    if hour is None:
        return date(int(year), int(month), int(day))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))


def _iso(text):
    if not ISO.fullmatch(text):
        raise ValueError(text)
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace(" ", "T", 1))


def parse_datetime(text, tz=DEFAULT_TZ):
    """An aware ``datetime``; a date alone is midnight in ``tz``."""
    moment = parse_moment(text, tz)
    if moment is None or isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day, tzinfo=zone(tz))


def parse_date(text, tz=DEFAULT_TZ):
    """A ``date``; of a date-time, its calendar date in ``tz``."""
    moment = parse_moment(text, tz)
    if isinstance(moment, datetime):
        return moment.astimezone(zone(tz)).date()
    return moment


# -- numbers -----------------------------------------------------------------------------

def _number_body(text):
    """(sign, digits and separators, percent) of a number's text, currency removed."""
    body = CURRENCY.sub("", text.replace("\u00a0", "").replace(" ", ""))
    sign = 1
    if body.startswith("(") and body.endswith(")"):
        sign, body = -1, body[1:-1]
    if body and body[0] in "+-":
        sign, body = (-1 if body[0] == "-" else 1) * sign, CURRENCY.sub("", body[1:])
    return sign, body.rstrip("%"), body.endswith("%")


def styles_of(text):
    """The styles (:data:`PT_BR`, :data:`EN`) a number's text can be read in: none for
    what is no number, both for ``1234`` or ``1.234``."""
    text = clean(text)
    if text is None:
        return frozenset()
    body = _number_body(text)[1]
    return frozenset(style for style, pattern in STYLES.items() if pattern.fullmatch(body))


def number_style(values, default=PT_BR):
    """The style of a column: the one more of its values can only be read in
    (``12,5`` is pt_BR, ``1234.56`` is en); ``default`` when every value reads in both."""
    counts = dict.fromkeys(STYLES, 0)
    for value in values:
        found = styles_of(value)
        if len(found) == 1:
            counts[next(iter(found))] += 1
    if counts[PT_BR] == counts[EN]:
        return default
    return PT_BR if counts[PT_BR] > counts[EN] else EN


def parse_number(text, style=None):
    """A ``Decimal`` from a number or an amount (``R$ 1.234,56``, ``-12,5``, ``(10.00)``,
    ``15%`` gives 15) in ``style``; None: the value's own style, pt_BR when it reads in both."""
    text = clean(text)
    if text is None:
        return None
    sign, body, _percent = _number_body(text)
    style = style or (min(styles_of(text), key=(PT_BR, EN).index, default=None) or PT_BR)
    if not STYLES[style].fullmatch(body):
        raise ConversionError("not_a_number", _("%(value)r is not a number like %(example)s."),
                              value=text, example=STYLE_EXAMPLES[style])
    group, point = (".", ",") if style == PT_BR else (",", ".")
    return sign * Decimal(body.replace(group, "").replace(point, "."))


def is_percent(text):
    """Whether a number's text ends with ``%``."""
    text = clean(text)
    return text is not None and _number_body(text)[2]


def has_currency(text):
    """Whether a number's text carries a currency symbol or code."""
    return bool(CURRENCY_SIGN.search(clean(text) or ""))


# -- booleans and lists ------------------------------------------------------------------

def parse_bool(text, empty=None):
    """True for sim/yes/true/1/x, False for não/no/false/0; ``empty`` for an empty cell
    (False in a column that marks with ``x``)."""
    text = clean(text)
    if text is None:
        return empty
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConversionError("not_a_boolean", _("%(value)r is not yes/no."), value=text)


def list_separator(text):
    """The separator of a multi-value cell: ``;`` when it has one, else ``,``."""
    return ";" if ";" in text else ","


def split_values(text, separator=None):
    """The values of a multi-value cell (``a; b``, ``a, b``, ``"x, y", z``), stripped, empty
    ones left out; ``separator`` None: :func:`list_separator`."""
    text = clean(text)
    if text is None:
        return []
    separator = separator or list_separator(text)
    try:
        items = next(csv.reader([text], delimiter=separator, skipinitialspace=True, strict=True))
    except csv.Error:
        items = text.split(separator)
    return [item.strip() for item in items if item.strip()]
