# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Converters of custom-field values: the ``OtherProperties`` rows of one field key.

``custom`` reads the value column of the source type and converts it to the
target field type. Its ``params``:

* ``type``: source type (``mapping.schema.SOURCE_TYPES``);
* ``ttype``: Odoo type of the target field;
* ``options``: ``{str(option id): selection key}`` for an option field sent to a selection;
* ``entity``: staging entity of the records a reference resolves to (defaults:
  options ``Fields@OptionsTables@Options``, contacts ``Contacts``, products ``Products``);
* ``relation``: comodel of a many2one/many2many (informative: where option records live);
* ``via``: name of a scalar converter the value is handed to instead (``cnpj_cpf`` for
  ``vat``, ``phone_number``, ``email``, ``cep``...), which then writes the target itself.

A value that cannot become a value of the target raises :class:`ConversionError`;
nothing is stringified silently.
"""
import re
from datetime import datetime
from types import SimpleNamespace

from stdnum.br import cnpj, cpf

from ...mapping.converters import (ConversionError, Converters, clean_phone, is_empty,
                                   parse_datetime, register_kind)
from ...mapping.messages import _

CONVERTERS = Converters()
converter = CONVERTERS.register

#: Where the value of each source type is in an ``OtherProperties`` row, first non-null wins.
VALUE_COLUMNS = {
    "string": ("StringValue", "BigStringValue"), "text": ("BigStringValue", "StringValue"),
    "integer": ("IntegerValue",), "money": ("DecimalValue",), "decimal": ("DecimalValue",),
    "percent": ("DecimalValue",), "option": ("ObjectValueId", "IntegerValue"),
    "options": ("ObjectValueId", "IntegerValue"), "date": ("DateTimeValue",),
    "time": ("DateTimeValue",), "datetime": ("DateTimeValue",), "boolean": ("BoolValue",),
    "cpf": ("StringValue",), "cnpj": ("StringValue",), "address": ("StringValue",),
    "image": ("StringValue",), "attachment": ("AttachmentValueId", "IntegerValue"),
    "color": ("StringValue",), "user": ("UserValueId", "IntegerValue"),
    "contact": ("ContactValueId", "IntegerValue"), "product": ("ProductValueId", "IntegerValue"),
    "signature": ("StringValue", "BigStringValue"),
}
#: Every value column, for the types whose column is not known (formula, unknown).
ALL_VALUE_COLUMNS = (
    "StringValue", "BigStringValue", "DecimalValue", "DateTimeValue", "BoolValue",
    "ObjectValueId", "UserValueId", "ContactValueId", "ProductValueId", "AttachmentValueId",
    "IntegerValue",
)
OPTION_ENTITY = "Fields@OptionsTables@Options"
#: Identity namespace of the ``product.product`` of each loaded Ploomes product.
PRODUCT_VARIANTS = "Products#variant"
REFERENCE_ENTITIES = {"option": OPTION_ENTITY, "options": OPTION_ENTITY,
                      "contact": "Contacts", "product": "Products"}
DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@converter("custom")
def convert_custom(value, line, record, ctx):
    """A custom field's rows (or a plain payload value) into one Odoo field."""
    kind, ttype = line.params["type"], line.params["ttype"]
    items = [(cell, row) for cell, row in source_items(value, kind) if not is_empty(cell)]
    if ttype == "many2many":
        ids = [resolve(cell, kind, line, ctx) for cell, _row in items]
        return {line.target: [(6, 0, sorted({res_id for res_id in ids if res_id}))]}
    if not items:
        return {line.target: False}
    if kind == "options" and ttype in ("char", "text"):
        return {line.target: ", ".join(option_name(cell, row, ctx) for cell, row in items)}
    if len(items) > 1:
        ctx.problem("several_values", _("%(count)s values for %(field)s: only the first is kept."),
                    count=len(items), field=line.source)
    cell, row = items[0]
    via = line.params.get("via")
    if via:
        shim = SimpleNamespace(source=line.source, target=line.target, converter=via,
                               params=line.params)
        return ctx.converters[via](cell, shim, record, ctx)
    try:
        convert = TO_TTYPE[ttype]
    except KeyError:
        raise ConversionError("unsupported_type", _("Cannot fill a %(type)s field."),
                              type=ttype) from None
    return {line.target: convert(cell, row, line, record, ctx)}


def source_items(value, kind):
    """``(value, row)`` pairs: the value column of each custom row, or the plain value."""
    if isinstance(value, (list, tuple)):
        return [(row_cell(row, kind), row) if isinstance(row, dict) else (row, {}) for row in value]
    return [(value, {})]


def row_cell(row, kind):
    """The value of a custom row in the column of its type."""
    columns = VALUE_COLUMNS.get(kind, ALL_VALUE_COLUMNS)
    for column in columns:
        if row.get(column) is not None:
            return row[column]
    stray = [column for column in ALL_VALUE_COLUMNS if row.get(column) is not None]
    if stray:
        raise ConversionError("unexpected_column",
                              _("A %(kind)s value was expected in %(column)s, found %(found)s %(value)r."),
                              kind=kind, column=columns[0], found=stray[0], value=row[stray[0]])
    return None


# -- target types ----------------------------------------------------------------------

def to_text(value, row, line, record, ctx):
    """Multi-line text: option names, formatted documents, local dates, numbers, text."""
    kind = line.params["type"]
    if kind in ("option", "options"):
        return option_name(value, row, ctx)
    if kind in ("cpf", "cnpj"):
        return format_register(value, ctx)
    if kind == "date":
        return parse_datetime(value).date().isoformat()
    if kind == "time":
        return parse_datetime(value).strftime("%H:%M")
    if kind == "attachment":
        return attachment_url(value, row, ctx)
    if kind in ("user", "contact", "product"):
        raise ConversionError("not_text", _("A %(kind)s reference %(value)r is not text."),
                              kind=kind, value=value)
    return text_of(value)


def to_char(value, row, line, record, ctx):
    """Single-line text (whitespace runs collapsed)."""
    return " ".join(to_text(value, row, line, record, ctx).split())


def to_html(value, row, line, record, ctx):
    """Sanitized HTML (plain text is turned into paragraphs)."""
    text = to_text(value, row, line, record, ctx)
    return ctx.converters["html"](text, line, record, ctx)[line.target]


def to_integer(value, row, line, record, ctx):
    if line.params["type"] == "color":
        return ctx.converters["color"](value, line, record, ctx)[line.target]
    reject_boolean(value, "a whole number")
    return ctx.converters["integer"](value, line, record, ctx)[line.target]


def to_float(value, row, line, record, ctx):
    """A number; a time of day becomes hours (Odoo's float_time)."""
    if line.params["type"] == "time":
        moment = parse_datetime(value)
        return moment.hour + moment.minute / 60
    reject_boolean(value, "a number")
    return ctx.converters["float"](value, line, record, ctx)[line.target]


def to_boolean(value, row, line, record, ctx):
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return ctx.converters["boolean"](value, line, record, ctx)[line.target]
    if value in (0, 1):
        return bool(value)
    raise ConversionError("not_a_boolean", _("%(value)r is not yes/no."), value=value)


def to_date(value, row, line, record, ctx):
    """The local calendar day of a date-time, or a typed ``dd/mm/yyyy``/``yyyy-mm-dd``."""
    if not isinstance(value, str):
        raise ConversionError("not_a_date", _("%(value)r is not a date."), value=value)
    text = value.strip()
    match = DMY.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return checked_day(year, month, day, value)
    if ISO_DAY.fullmatch(text):
        return checked_day(int(text[:4]), int(text[5:7]), int(text[8:]), value)
    return ctx.converters["date"](text, line, record, ctx)[line.target]


def to_datetime(value, row, line, record, ctx):
    """A date-time with its offset, in UTC."""
    if not isinstance(value, str):
        raise ConversionError("not_a_date", _("%(value)r is not a date."), value=value)
    return ctx.converters["datetime"](value, line, record, ctx)[line.target]


def to_selection(value, row, line, record, ctx):
    """The selection key of an option, through ``params["options"]``."""
    if line.params["type"] != "option":
        raise ConversionError("not_an_option", _("%(value)r is not an option of a list."),
                              value=value)
    key = (line.params.get("options") or {}).get(str(value))
    if key is None:
        raise ConversionError("unknown_option",
                              _("Option %(name)r (%(value)s) has no value in %(field)s."),
                              name=option_name(value, row, ctx), value=value, field=line.target)
    return key


def to_many2one(value, row, line, record, ctx):
    return resolve(value, line.params["type"], line, ctx)


TO_TTYPE = {
    "char": to_char, "text": to_text, "html": to_html, "integer": to_integer,
    "float": to_float, "monetary": to_float, "boolean": to_boolean, "date": to_date,
    "datetime": to_datetime, "selection": to_selection, "many2one": to_many2one,
}


# -- helpers -------------------------------------------------------------------------------

def resolve(value, kind, line, ctx):
    """Odoo id of the record a reference (user, contact, product, option) stands for."""
    if kind == "user":
        return ctx.user(value) or False
    entity = line.params.get("entity") or REFERENCE_ENTITIES.get(kind)
    if not entity:
        raise ConversionError("not_a_reference",
                              _("A %(kind)s value %(value)r is not a link to a record."),
                              kind=kind, value=value)
    if entity == "Products" and line.params.get("relation") == "product.product":
        entity = PRODUCT_VARIANTS  # products load as templates; their variant is the product
    res_id = ctx.resolve(entity, value)
    if res_id:
        return res_id
    if ctx.exists_in_source(entity.split("#")[0], value):
        ctx.problem("unresolved_reference", _("%(field)s %(value)s was not loaded."),
                    field=line.source, value=value)
    else:
        ctx.problem("dangling_reference", _("%(field)s %(value)s does not exist in the source."),
                    "error", field=line.source, value=value)
    return False


def option_name(option_id, row, ctx):
    """Current name of an option (its table row), else the name the value row carries."""
    option = ctx.lookup(OPTION_ENTITY, option_id) or {}
    name = option.get("Name") or row.get("ObjectValueName")
    if not name:
        raise ConversionError("unknown_option", _("Option %(id)s has no name."), id=option_id)
    return name


def format_register(value, ctx):
    """A CPF/CNPJ formatted; an invalid one kept as typed and flagged."""
    digits = re.sub(r"\D", "", str(value))
    kind = register_kind(digits)
    if not kind:
        ctx.problem("invalid_register", _("Invalid CNPJ/CPF %(value)r kept as typed."), value=value)
        return str(value).strip()
    return cnpj.format(digits) if kind == "cnpj" else cpf.format(digits)


def attachment_url(attachment_id, row, ctx):
    """URL of a staged attachment."""
    url = (ctx.lookup("Attachments", attachment_id) or {}).get("Url")
    if not url:
        name = row.get("AttachmentValueName") or "?"
        raise ConversionError(
            "attachment_not_found",
            _("Attachment %(id)s (%(name)s) is not in the staged attachments."),
            id=attachment_id, name=name)
    return url


def text_of(value):
    """Text of a scalar: strings stripped, numbers written out; nothing else."""
    if isinstance(value, str):
        return value.strip()
    reject_boolean(value, "text")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(value).removesuffix(".0")
    raise ConversionError("not_text", _("%(value)r is not text."), value=value)


def reject_boolean(value, expected):
    if isinstance(value, bool):
        raise ConversionError("wrong_value_type", _("The yes/no value %(value)r is not %(expected)s."),
                              value=value, expected=expected)


def checked_day(year, month, day, typed):
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        raise ConversionError("not_a_date", _("%(value)r is not a date."), value=typed) from None


@converter("phone_number")
def convert_phone_number(value, line, record, ctx):
    """One phone number, formatted; one that cannot be formatted is kept as typed and flagged."""
    if is_empty(value):
        return {line.target: False}
    typed = str(value).strip()
    formatted = ctx.phone_format(clean_phone(typed), ctx.country_code)
    if not formatted:
        ctx.problem("invalid_phone", _("Invalid phone %(value)r kept as typed."), value=typed)
        return {line.target: typed}
    return {line.target: formatted}
