"""Converters: turn one source value into the values of one or more Odoo fields.

A converter is ``fn(value, line, record, ctx) -> dict`` of Odoo values. It
reports what it could not convert through ``ctx.problem`` (the record still
loads) or raises :class:`ConversionError` (the field is left out and the
problem is logged as an error). ``ctx`` is a :class:`ConversionContext`.
"""
# pylint: disable=prefer-env-translation  # pure code without Odoo: `_` marks templates Odoo translates when it logs them
import colorsys
import dataclasses
import math
import re
from collections.abc import Mapping
from datetime import date, datetime, timezone
from email.utils import getaddresses
from html.parser import HTMLParser
from types import SimpleNamespace

import phonenumbers
from stdnum.br import cnpj, cpf

from .messages import _, render

#: Odoo colour indexes of the tag palette and their RGB.
ODOO_COLORS = {
    1: (0xF0, 0x60, 0x50), 2: (0xF4, 0xA4, 0x60), 3: (0xF7, 0xCD, 0x1F),
    4: (0x6C, 0xC1, 0xED), 5: (0x81, 0x49, 0x68), 6: (0xEB, 0x7E, 0x7F),
    7: (0x2C, 0x83, 0x97), 8: (0x47, 0x55, 0x77), 9: (0xD6, 0x14, 0x5F),
    10: (0x30, 0xC3, 0x81), 11: (0x93, 0x65, 0xB8),
}
MOBILE_TYPE_WORDS = ("celular", "mobile", "cel", "whatsapp", "móvel", "movel")
#: Elements whose content is no text a reader sees: code, styles, embedded objects, fallbacks.
HIDDEN_ELEMENTS = frozenset((
    "script", "style", "template", "noscript", "head", "title", "iframe", "frame", "frameset",
    "object", "embed", "applet", "svg", "math", "canvas", "audio", "video", "select",
))
#: Inline elements: their text joins the text around them without a space.
INLINE_ELEMENTS = frozenset((
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var", "wbr",
))


class Converters(Mapping):
    """Converters by name: a source's set is the generic one plus its own (``a | b``)."""

    def __init__(self, functions=None, defaults=None):
        self._functions = dict(functions or {})
        self._defaults = dict(defaults or {})

    def register(self, name):
        """Decorator: add a converter to this set under ``name``."""
        def register(fn):
            self._functions[name] = fn
            return fn
        return register

    def __getitem__(self, name):
        return self._functions[name]

    def __iter__(self):
        return iter(self._functions)

    def __len__(self):
        return len(self._functions)

    def __or__(self, other):
        defaults = {name: params for name, params in self._defaults.items()
                    if name not in other._functions}
        return Converters({**self._functions, **other._functions}, {**defaults, **other._defaults})

    def params(self, line):
        """The params a map line's converter reads: its defaults here, then the line's own."""
        return {**self._defaults.get(line.converter, {}), **(line.params or {})}

    def with_params(self, defaults):
        """This set with default ``params`` for some converters (``{name: params}``): a
        source names its payload's paths and tables, the generic converter reads them."""
        wrapped = dict(self._functions)
        for name, params in defaults.items():
            wrapped[name] = _with_params(self._functions[name], params)
        return Converters(wrapped, {**self._defaults, **defaults})


def _with_params(fn, defaults):
    def converter_with_params(value, line, record, ctx):
        return fn(value, _line_with(line, {**defaults, **(line.params or {})}), record, ctx)
    converter_with_params.__doc__ = fn.__doc__
    return converter_with_params


def _line_with(line, params):
    """A copy of a map line (a dataclass or a plain namespace) with other params."""
    if dataclasses.is_dataclass(line):
        return dataclasses.replace(line, params=params)
    return SimpleNamespace(**{**vars(line), "params": params})


#: The converters every source has.
GENERIC = Converters()
converter = GENERIC.register


class ConversionError(ValueError):
    """A value that cannot become a value of the target field: ``message`` is a
    template formatted with ``params`` (see :mod:`.messages`)."""

    def __init__(self, code, message, **params):
        super().__init__(render(message, params))
        self.code, self.template, self.params = code, message, params


class ConversionContext:
    """What converters may ask of the destination.

    The Odoo side implements every method; converters never touch Odoo directly.
    """

    country_code = "BR"
    spec = None  # the source's SourceSpec: its converters, payload paths and record keys

    @property
    def converters(self):
        return self.spec.converters if self.spec else GENERIC

    def value_at(self, record, path):
        """Value of a source path in a payload (the source knows its custom fields)."""
        return self.spec.value_at(record, path) if self.spec else value_at(record, path)

    def source_key(self, record):
        """A payload's id in the source."""
        return self.spec.record_key(record) if self.spec else None

    def resolve(self, entity, key):
        """Odoo id of the record loaded from (entity, key), or None."""
        raise NotImplementedError

    def exists_in_source(self, entity, key):
        """Whether the source holds (entity, key), loaded or not."""
        raise NotImplementedError

    def user(self, source_user_id):
        """Odoo user id for a source user id, or None (the context logs why)."""
        raise NotImplementedError

    def lookup(self, entity, key):
        """Staged payload of a reference-table row, or None."""
        raise NotImplementedError

    def user_partner(self, user_id):
        """The partner of an Odoo user id."""
        raise NotImplementedError

    def partner_by_email(self, email):
        """Id of the partner with that e-mail address (an Odoo user's first), or None."""
        raise NotImplementedError

    def state_id(self, country_code, state_code):
        raise NotImplementedError

    def country_id(self, country_code):
        raise NotImplementedError

    def identification_type_id(self, code):
        """l10n_latam identification type (``cnpj``/``cpf``) or None if not installed."""
        raise NotImplementedError

    def email_normalize(self, text):
        raise NotImplementedError

    def html_sanitize(self, html):
        raise NotImplementedError

    def plaintext2html(self, text):
        raise NotImplementedError

    def phone_format(self, number, country_code):
        raise NotImplementedError

    def record_by_name(self, model, name, create=False):
        """Id of the ``model`` record named ``name``, created if asked; or None."""
        raise NotImplementedError

    def currency_code(self):
        """ISO code of the currency Odoo keeps amounts in (the company's)."""
        raise NotImplementedError

    def problem(self, code, message, level="warning", **params):
        """Record a problem of the current record; it still loads. ``message`` is a
        template marked with :func:`.messages._`, formatted with ``params``."""
        raise NotImplementedError


def convert(line, record, ctx):
    """Odoo values of one map line for one source record."""
    try:
        fn = ctx.converters[line.converter]
    except KeyError:
        raise ConversionError("unknown_converter", _("Unknown converter %(name)r."),
                              name=line.converter) from None
    return fn(ctx.value_at(record, line.source), line, record, ctx)


def value_at(record, path):
    """Value of ``path`` in a payload: ``A.B`` for nesting (custom-field paths are the
    source's: see ``ConversionContext.value_at``)."""
    value = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def is_empty(value):
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


class _TextOfHtml(HTMLParser):
    """Collects the text a reader sees: no hidden element, comment, CDATA or attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1
        elif tag not in INLINE_ELEMENTS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag not in INLINE_ELEMENTS and tag not in HIDDEN_ELEMENTS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS:
            self.hidden = max(0, self.hidden - 1)
        elif tag not in INLINE_ELEMENTS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html):
    """The text of an HTML fragment, whitespace collapsed, for names and subjects: scripts,
    styles and other hidden elements, comments, CDATA and attributes are dropped, entities
    decoded. Give it sanitized HTML (``ctx.html_sanitize``)."""
    parser = _TextOfHtml()
    parser.feed(str(html or ""))
    parser.close()
    return " ".join("".join(parser.parts).split())


# -- scalars ---------------------------------------------------------------------

@converter("direct")
def convert_direct(value, line, record, ctx):
    """The value unchanged (strings stripped)."""
    if isinstance(value, str):
        value = value.strip()
    return {line.target: False if is_empty(value) else value}


@converter("text")
def convert_text(value, line, record, ctx):
    """A single-line text."""
    if is_empty(value):
        return {line.target: False}
    return {line.target: " ".join(str(value).split())}


@converter("name")
def convert_name(value, line, record, ctx):
    """A record's name; when empty, the first of ``params["fallback_paths"]`` that is
    filled, else a placeholder with the source id, so that the record still loads."""
    if not is_empty(value):
        return convert_text(value, line, record, ctx)
    for path in line.params.get("fallback_paths", ()):
        other = ctx.value_at(record, path)
        if not is_empty(other):
            ctx.problem("missing_name", _("No name: named after its %(field)s %(value)r."),
                        field=path, value=other)
            return convert_text(other, line, record, ctx)
    placeholder = f"{line.params.get('placeholder', 'Record')} {ctx.source_key(record)}"
    ctx.problem("missing_name", _("No name: named %(name)r."), name=placeholder)
    return {line.target: placeholder}


@converter("source_id")
def convert_source_id(value, line, record, ctx):
    """A source id kept as text (ids exceed 32-bit integers)."""
    return {line.target: False if value is None else str(value)}


@converter("html")
def convert_html(value, line, record, ctx):
    """Text or HTML, sanitized (scripts removed) for an Html field."""
    if is_empty(value):
        return {line.target: False}
    value = str(value)
    if not re.search(r"<[a-zA-Z/!][^>]*>", value):
        return {line.target: ctx.plaintext2html(value)}
    clean = ctx.html_sanitize(value)
    if re.search(r"<\s*script", value, re.I):
        ctx.problem("html_script_removed", _("Script tags were removed from the HTML."), "info")
    return {line.target: clean}


@converter("email")
def convert_email(value, line, record, ctx):
    """An e-mail address, normalized; an invalid one is kept as typed and flagged."""
    if is_empty(value):
        return {line.target: False}
    value = str(value).strip()
    normalized = ctx.email_normalize(value)
    if not normalized:
        ctx.problem("invalid_email", _("Invalid e-mail address %(value)r kept as typed."), value=value)
        return {line.target: value}
    return {line.target: normalized}


def email_addresses(value):
    """[(name, address)] of a ``From``/``To``/``Cc`` header (commas or semicolons), or of a
    list of them."""
    items = value if isinstance(value, (list, tuple)) else [value]
    pairs = getaddresses([str(item).replace(";", ",") for item in items if not is_empty(item)])
    return [(" ".join(name.split()), address.strip()) for name, address in pairs if "@" in address]


@converter("email_recipients")
def convert_email_recipients(value, line, record, ctx):
    """The recipient addresses, and those at ``params["cc_path"]``, as partners (a contact
    named by the address for one unknown to Odoo)."""
    cc = ctx.value_at(record, line.params["cc_path"]) if line.params.get("cc_path") else None
    ids = set()
    for _name, address in email_addresses(value) + email_addresses(cc):
        partner_id = ctx.partner_for_email(address)
        if partner_id:
            ids.add(partner_id)
        else:
            ctx.problem("invalid_email", _("Invalid recipient %(value)r: left out."), value=address)
    return {line.target: [(6, 0, sorted(ids))]}


@converter("integer")
def convert_integer(value, line, record, ctx):
    if is_empty(value):
        return {line.target: False}
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ConversionError("not_a_number", _("%(value)r is not a whole number."),
                              value=value) from None
    if not math.isfinite(number) or number != int(number):
        raise ConversionError("not_an_integer", _("%(value)r is not a whole number."), value=value)
    return {line.target: int(number)}


def decimal_text(text):
    """A number typed in Brazilian (1.234,56) or English (1,234.56) style, as Python reads it;
    the last separator is the decimal one when both appear."""
    text = text.strip().replace("R$", "").replace(" ", "")
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    return text.replace(",", ".")


@converter("float")
def convert_float(value, line, record, ctx):
    if is_empty(value):
        return {line.target: False}
    try:
        number = float(decimal_text(value) if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ConversionError("not_a_number", _("%(value)r is not a number."), value=value) from None
    if not math.isfinite(number):
        raise ConversionError("not_a_number", _("%(value)r is not a number."), value=value)
    return {line.target: number}


@converter("boolean")
def convert_boolean(value, line, record, ctx):
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1", "sim", "yes", "s", "y"):
            return {line.target: True}
        if text in ("false", "0", "não", "nao", "no", "n", ""):
            return {line.target: False}
        raise ConversionError("not_a_boolean", _("%(value)r is not yes/no."), value=value)
    return {line.target: bool(value)}


def parse_datetime(value):
    """An ISO-8601 source date-time (``-03:00`` offset) as an aware datetime."""
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConversionError("not_a_date", _("%(value)r is not a date."), value=value) from None
    if parsed.tzinfo is None:
        raise ConversionError("no_offset", _("%(value)r has no time zone offset."), value=value)
    return parsed


def timestamp_at(payload, key):
    """The aware datetime a payload holds under ``key`` (a record's last change), or None."""
    value = payload.get(key) if isinstance(payload, dict) else None
    if not value:
        return None
    try:
        return parse_datetime(value)
    except ConversionError:
        return None


@converter("datetime")
def convert_datetime(value, line, record, ctx):
    """A date-time with offset, stored in UTC as Odoo does."""
    if is_empty(value):
        return {line.target: False}
    moment = parse_datetime(value)
    try:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise ConversionError("not_a_date", _("%(value)r is out of the calendar."),
                              value=value) from None
    return {line.target: moment.strftime("%Y-%m-%d %H:%M:%S")}


@converter("date")
def convert_date(value, line, record, ctx):
    """The local calendar date of a source date-time (no shift to UTC)."""
    if is_empty(value):
        return {line.target: False}
    if isinstance(value, date) and not isinstance(value, datetime):
        return {line.target: value.isoformat()}
    return {line.target: parse_datetime(value).date().isoformat()}


# -- Brazil -------------------------------------------------------------------------

def register_kind(digits):
    """``cnpj``, ``cpf`` or None for a string of digits."""
    if len(digits) == 14 and cnpj.is_valid(digits):
        return "cnpj"
    if len(digits) == 11 and cpf.is_valid(digits):
        return "cpf"
    return None


@converter("cnpj_cpf")
def convert_cnpj_cpf(value, line, record, ctx):
    """CNPJ/CPF into ``vat`` (formatted) with its l10n_latam identification type.

    ``params["child_target"]``: field for a person whose company is loaded,
    since Odoo copies the company's ``vat`` onto its child contacts.
    ``params["parent_path"]``: where that company id is in the payload.
    """
    if is_empty(value):
        return {}
    digits = re.sub(r"\D", "", str(value))
    kind = register_kind(digits)
    if not kind:
        ctx.problem(
            "invalid_register",
            _("Invalid CNPJ/CPF %(value)r: not written to %(field)s."),
            value=value, field=line.target,
        )
        return {}
    formatted = cnpj.format(digits) if kind == "cnpj" else cpf.format(digits)
    parent_path = line.params.get("parent_path")
    if parent_path and ctx.resolve(line.params["parent_entity"], ctx.value_at(record, parent_path)):
        return {line.params["child_target"]: formatted}
    values = {line.target: formatted}
    type_id = ctx.identification_type_id(kind)
    if type_id:
        values["l10n_latam_identification_type_id"] = type_id
    return values


@converter("cep")
def convert_cep(value, line, record, ctx):
    """A CEP (a number in some sources, leading zeros lost) as ``01310-100``."""
    if is_empty(value):
        return {line.target: False}
    digits = re.sub(r"\D", "", str(value))
    if not digits or len(digits) > 8:
        ctx.problem("invalid_zip", _("Invalid CEP %(value)r kept as typed."), value=value)
        return {line.target: str(value)}
    digits = digits.zfill(8)
    return {line.target: f"{digits[:5]}-{digits[5:]}"}


def is_mobile(number, type_name, country_code):
    """Whether a phone is a mobile: by its source type name, else by its number."""
    name = (type_name or "").lower()
    if any(word in name for word in MOBILE_TYPE_WORDS):
        return True
    if name:
        return False
    try:
        parsed = phonenumbers.parse(number, country_code)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


def clean_phone(number):
    """Undo trunk-prefix habits such as ``0xx11`` before parsing."""
    return re.sub(r"^0\s*x\s*x\s*", "0", number.strip(), flags=re.I)


# -- references -------------------------------------------------------------------

@converter("ref")
def convert_ref(value, line, record, ctx):
    """A many2one to a record loaded earlier from ``params["entity"]``."""
    if is_empty(value):
        return {line.target: False}
    entity = line.params["entity"]
    res_id = ctx.resolve(entity, value)
    if not res_id:
        if ctx.exists_in_source(entity, value):
            ctx.problem("unresolved_reference",
                        _("%(field)s %(value)s was not loaded (failed, held or outside the sample)."),
                        field=line.source, value=value)
        else:
            ctx.problem("dangling_reference", _("%(field)s %(value)s does not exist in the source."),
                        "error", field=line.source, value=value)
    return {line.target: res_id or False}


@converter("user")
def convert_user(value, line, record, ctx):
    """A source user id into an Odoo user (matched by e-mail beforehand)."""
    if is_empty(value):
        return {line.target: False}
    return {line.target: ctx.user(value) or False}


@converter("lookup_name")
def convert_lookup_name(value, line, record, ctx):
    """The name of a reference-table row (e.g. RoleId -> job title)."""
    if is_empty(value):
        return {line.target: False}
    row = ctx.lookup(line.params["entity"], value)
    if not row:
        ctx.problem("dangling_reference", _("%(field)s %(value)s is not in %(entity)s."),
                    field=line.source, value=value, entity=line.params["entity"])
        return {line.target: False}
    return {line.target: row.get(line.params["name_field"]) or False}


@converter("money")
def convert_money(value, line, record, ctx):
    """An amount; an amount in another currency than Odoo's is kept as is and flagged.

    ``params["currency_path"]``: where the source currency id is in the payload.
    """
    values = convert_float(value, line, record, ctx)
    if not line.params.get("currency_path"):
        return values
    currency_id = ctx.value_at(record, line.params["currency_path"])
    currency = ctx.lookup(line.params["currency_entity"], currency_id) or {}
    code = currency.get(line.params["currency_code_field"])
    if values[line.target] and code and code != ctx.currency_code():
        ctx.problem("foreign_currency",
                    _("%(field)s %(value)s is in %(currency)s, kept as is in %(company_currency)s "
                      "(no conversion)."),
                    "info", field=line.source, value=value, currency=code,
                    company_currency=ctx.currency_code())
    return values


@converter("record_by_name")
def convert_record_by_name(value, line, record, ctx):
    """A reference-table row into the Odoo record of the same name (created if missing).

    ``params``: ``entity`` (the table), ``model`` (Odoo model), ``create`` (bool).
    """
    if is_empty(value):
        return {line.target: False}
    row = ctx.lookup(line.params["entity"], value)
    name = " ".join(str((row or {}).get(line.params["name_field"]) or "").split())
    if not name:
        ctx.problem("dangling_reference", _("%(field)s %(value)s is not in %(entity)s."),
                    field=line.source, value=value, entity=line.params["entity"])
        return {line.target: False}
    res_id = ctx.record_by_name(line.params["model"], name, create=line.params.get("create", False))
    if not res_id:
        ctx.problem("unknown_value", _("No %(model)s named %(name)r."), model=line.params["model"],
                    name=name)
    return {line.target: res_id or False}


@converter("street")
def convert_street(value, line, record, ctx):
    """Street, number and complement into one ``street`` line (Brazilian order)."""
    number = ctx.value_at(record, line.params["number_path"])
    extra = ctx.value_at(record, line.params["complement_path"])
    parts = " ".join(str(value or "").split())
    if not is_empty(number):
        parts = f"{parts}, {str(number).strip()}" if parts else str(number).strip()
    if not is_empty(extra):
        parts = f"{parts} - {str(extra).strip()}" if parts else str(extra).strip()
    return {line.target: parts or False}


@converter("color")
def convert_color(value, line, record, ctx):
    """A ``#RRGGBB`` colour into the Odoo colour index of the nearest hue (0 for greys)."""
    match = re.fullmatch(r"#?([0-9a-fA-F]{6})", str(value or "").strip())
    if not match:
        return {line.target: 0}
    hue, saturation, _value = _hsv(int(match.group(1)[i:i + 2], 16) for i in (0, 2, 4))
    if saturation < 0.15:
        return {line.target: 0}

    def distance(index):
        other = _hsv(ODOO_COLORS[index])[0]
        return min(abs(hue - other), 1 - abs(hue - other))

    return {line.target: min(ODOO_COLORS, key=distance)}


def _hsv(rgb):
    return colorsys.rgb_to_hsv(*(channel / 255 for channel in rgb))
