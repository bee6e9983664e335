"""Converters: turn one source value into the values of one or more Odoo fields.

A converter is ``fn(value, line, record, ctx) -> dict`` of Odoo values. It
reports what it could not convert through ``ctx.problem`` (the record still
loads) or raises :class:`ConversionError` (the field is left out and the
problem is logged as an error). ``ctx`` is a :class:`ConversionContext`.
"""
import colorsys
import re
from datetime import date, datetime, timezone

import phonenumbers
from stdnum.br import cnpj, cpf

from .messages import _, render

CONVERTERS = {}

#: Odoo colour indexes of the tag palette and their RGB.
ODOO_COLORS = {
    1: (0xF0, 0x60, 0x50), 2: (0xF4, 0xA4, 0x60), 3: (0xF7, 0xCD, 0x1F),
    4: (0x6C, 0xC1, 0xED), 5: (0x81, 0x49, 0x68), 6: (0xEB, 0x7E, 0x7F),
    7: (0x2C, 0x83, 0x97), 8: (0x47, 0x55, 0x77), 9: (0xD6, 0x14, 0x5F),
    10: (0x30, 0xC3, 0x81), 11: (0x93, 0x65, 0xB8),
}
MOBILE_TYPE_WORDS = ("celular", "mobile", "cel", "whatsapp", "móvel", "movel")


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


def converter(name):
    """Register a converter under ``name``."""
    def register(fn):
        CONVERTERS[name] = fn
        return fn
    return register


def convert(line, record, ctx):
    """Odoo values of one map line for one source record."""
    try:
        fn = CONVERTERS[line.converter]
    except KeyError:
        raise ConversionError("unknown_converter", _("Unknown converter %(name)r."),
                              name=line.converter) from None
    return fn(value_at(record, line.source), line, record, ctx)


def value_at(record, path):
    """Value of ``path`` in a payload: ``A.B`` for nesting, ``OtherProperties/<key>``
    for the custom-field rows of one field (a list)."""
    if path.startswith("OtherProperties/"):
        key = path.split("/", 1)[1]
        return [row for row in record.get("OtherProperties") or () if row.get("FieldKey") == key]
    value = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def is_empty(value):
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


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
        other = value_at(record, path)
        if not is_empty(other):
            ctx.problem("missing_name", _("No name: named after its %(field)s %(value)r."),
                        field=path, value=other)
            return convert_text(other, line, record, ctx)
    placeholder = f"{line.params.get('placeholder', 'Record')} {record.get('Id')}"
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


@converter("integer")
def convert_integer(value, line, record, ctx):
    if is_empty(value):
        return {line.target: False}
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ConversionError("not_a_number", _("%(value)r is not a whole number."),
                              value=value) from None
    if number != int(number):
        raise ConversionError("not_an_integer", _("%(value)r is not a whole number."), value=value)
    return {line.target: int(number)}


@converter("float")
def convert_float(value, line, record, ctx):
    if is_empty(value):
        return {line.target: False}
    if isinstance(value, str):
        text = value.strip().replace("R$", "").replace(" ", "")
        if "," in text:  # Brazilian format 1.234,56
            text = text.replace(".", "").replace(",", ".")
        value = text
    try:
        return {line.target: float(value)}
    except (TypeError, ValueError):
        raise ConversionError("not_a_number", _("%(value)r is not a number."), value=value) from None


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


@converter("datetime")
def convert_datetime(value, line, record, ctx):
    """A date-time with offset, stored in UTC as Odoo does."""
    if is_empty(value):
        return {line.target: False}
    moment = parse_datetime(value).astimezone(timezone.utc).replace(tzinfo=None)
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
    if parent_path and ctx.resolve(line.params.get("parent_entity", "Contacts"),
                                    value_at(record, parent_path)):
        return {line.params["child_target"]: formatted}
    values = {line.target: formatted}
    type_id = ctx.identification_type_id(kind)
    if type_id:
        values["l10n_latam_identification_type_id"] = type_id
    return values


@converter("cep")
def convert_cep(value, line, record, ctx):
    """A CEP (a number in Ploomes, leading zeros lost) as ``01310-100``."""
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


@converter("phones")
def convert_phones(value, line, record, ctx):
    """A list of phones into ``phone`` (first landline) and ``mobile`` (first mobile).

    ``params["mobile_target"]`` names the mobile field; further numbers go to
    ``params["extra_target"]`` when given.
    """
    phones, mobiles = [], []
    for row in value or ():
        number = (row.get("PhoneNumber") or "").strip()
        if not number:
            continue
        type_row = ctx.lookup("PhoneTypes", row.get("TypeId")) if row.get("TypeId") else None
        country = ctx.country_code
        formatted = ctx.phone_format(clean_phone(number), country) or number
        target = mobiles if is_mobile(clean_phone(number), (type_row or {}).get("Name"), country) else phones
        target.append(formatted)
    mobile_target = line.params.get("mobile_target", "mobile")
    values = {line.target: phones[0] if phones else False,
              mobile_target: mobiles[0] if mobiles else False}
    extra = phones[1:] + mobiles[1:]
    if extra:
        if line.params.get("extra_target"):
            values[line.params["extra_target"]] = ", ".join(extra)
        else:
            ctx.problem("extra_phones", _("Phones not migrated: %(phones)s."), "info",
                        phones=", ".join(extra))
    elif line.params.get("extra_target"):
        values[line.params["extra_target"]] = False
    return values


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


ADDRESS_PATHS = ("StreetAddress", "StreetAddressNumber", "StreetAddressLine2",
                 "Neighborhood", "ZipCode", "CityId")


@converter("parent_partner")
def convert_parent_partner(value, line, record, ctx):
    """The company of a person, and the person's contact type.

    Odoo gives a child of type ``contact`` its company's address; a person
    whose own address differs becomes an ``other`` address to keep it.
    """
    values = convert_ref(value, line, record, ctx)
    values["type"] = "contact"
    if values[line.target]:
        company = ctx.lookup(line.params["entity"], value) or {}
        own = [record.get(path) for path in ADDRESS_PATHS]
        if any(not is_empty(item) for item in own) and own != [company.get(p) for p in ADDRESS_PATHS]:
            values["type"] = "other"
    return values


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
    return {line.target: row.get(line.params.get("name_field", "Name")) or False}


@converter("money")
def convert_money(value, line, record, ctx):
    """An amount; an amount in another currency than Odoo's is kept as is and flagged.

    ``params["currency_path"]``: where the source currency id is in the payload.
    """
    values = convert_float(value, line, record, ctx)
    currency_id = value_at(record, line.params.get("currency_path", "CurrencyId"))
    currency = ctx.lookup(line.params.get("currency_entity", "Currencies"), currency_id) or {}
    code = currency.get("Code")
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
    name = " ".join(str((row or {}).get("Name") or "").split())
    if not name:
        ctx.problem("dangling_reference", _("%(field)s %(value)s is not in %(entity)s."),
                    field=line.source, value=value, entity=line.params["entity"])
        return {line.target: False}
    res_id = ctx.record_by_name(line.params["model"], name, create=line.params.get("create", False))
    if not res_id:
        ctx.problem("unknown_value", _("No %(model)s named %(name)r."), model=line.params["model"],
                    name=name)
    return {line.target: res_id or False}


@converter("tags")
def convert_tags(value, line, record, ctx):
    """Tag link rows (``[{TagId}]``) into a many2many of loaded tags."""
    ids = []
    for row in value or ():
        tag_id = row.get("TagId") or (row.get("Tag") or {}).get("Id")
        res_id = ctx.resolve(line.params.get("entity", "Tags"), tag_id)
        if res_id:
            ids.append(res_id)
        else:
            ctx.problem("dangling_reference", _("Tag %(id)s is not loaded."), id=tag_id)
    return {line.target: [(6, 0, sorted(set(ids)))]}


@converter("state")
def convert_state(value, line, record, ctx):
    """A source state id into ``res.country.state`` by its code (UF)."""
    if is_empty(value):
        return {line.target: False}
    row = ctx.lookup(line.params.get("entity", "Cities@Countries@States"), value) or {}
    country = ctx.lookup("Cities@Countries", row.get("CountryId")) or {}
    country_code = _iso2(country) or ctx.country_code
    state_id = ctx.state_id(country_code, row.get("Short")) if row.get("Short") else None
    if not state_id:
        ctx.problem("unknown_state", _("State %(value)s (%(name)s) has no Odoo state."),
                    value=value, name=row.get("Name") or "?")
    return {line.target: state_id or False}


def _iso2(country_row):
    for key in ("Short1", "Short2", "Short"):
        code = (country_row.get(key) or "").strip()
        if len(code) == 2:
            return code.upper()
    return None


@converter("country")
def convert_country(value, line, record, ctx):
    """A source country id into ``res.country`` by its ISO code."""
    if is_empty(value):
        return {line.target: False}
    code = _iso2(ctx.lookup(line.params.get("entity", "Cities@Countries"), value) or {})
    country_id = ctx.country_id(code) if code else None
    if not country_id:
        ctx.problem("unknown_country", _("Country %(value)s has no Odoo country."), value=value)
    return {line.target: country_id or False}


@converter("street")
def convert_street(value, line, record, ctx):
    """Street, number and complement into one ``street`` line (Brazilian order)."""
    number = value_at(record, line.params.get("number_path", "StreetAddressNumber"))
    extra = value_at(record, line.params.get("complement_path", "StreetAddressLine2"))
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


from . import custom_fields  # noqa: E402,F401  (registers the custom-field converters)
