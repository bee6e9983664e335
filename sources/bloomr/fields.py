# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Bloomr's custom fields: definitions in ``custom_fields`` (scoped by ``object``), values in
a record's ``custom_fields`` object keyed by the field's ``key``; the ``custom`` converter
that writes one into the Odoo field the map chose."""
from datetime import date

from ...mapping.converters import (ConversionError, Converters, convert_boolean, convert_datetime,
                                   convert_float, convert_integer, is_empty, value_at)
from ...mapping.messages import _
from ...mapping.profile import SourceFieldInfo

PREFIX = "custom_fields."
DEFINITIONS = "custom_fields"
#: Bloomr's field types as the map's source types.
TYPES = {"text": "string", "number": "decimal", "money": "money", "date": "date",
         "boolean": "boolean", "option": "option", "url": "string"}

CONVERTERS = Converters()
converter = CONVERTERS.register


def source_field(definition):
    """:class:`SourceFieldInfo` of a ``custom_fields`` definition."""
    options = tuple((option, option) for option in definition.get("options") or ())
    return SourceFieldInfo(
        path=PREFIX + definition["key"], key=definition["key"],
        label=(definition.get("label") or definition["key"]).strip(),
        type=TYPES.get(definition.get("type"), "unknown"), options=options,
        required=bool(definition.get("required")))


class BloomrCustomFields:
    """Custom fields of a Bloomr account."""

    option_entity = None  # option values are their labels: no table of their own

    def is_custom(self, path):
        return bool(path) and path.startswith(PREFIX)

    def key_of(self, path):
        return path[len(PREFIX):] if self.is_custom(path) else None

    def value_at(self, record, path):
        return (record.get("custom_fields") or {}).get(self.key_of(path))

    def infos(self, staged, obj, payloads):
        if obj.custom_scope is None:
            return []
        return [source_field(definition)
                for definition in staged(DEFINITIONS, {"object": obj.custom_scope})]


def _day(value, line, record, ctx):
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ConversionError("not_a_date", _("%(value)r is not a date."), value=value) from None


def _relation_ids(value, line, ctx):
    names = value if isinstance(value, list) else [value]
    return [ctx.record_by_name(line.params["relation"], " ".join(str(name).split()), create=True)
            for name in names if not is_empty(name)]


@converter("custom")
def convert_custom(value, line, record, ctx):
    """A custom field's value into the Odoo field of the map line (``params["ttype"]``)."""
    ttype = line.params["ttype"]
    if ttype == "many2many":
        return {line.target: [(6, 0, sorted({i for i in _relation_ids(value, line, ctx) if i}))]}
    if is_empty(value):
        return {line.target: False}
    via = line.params.get("via")
    if via:
        return ctx.converters[via](value, line, record, ctx)
    if ttype in ("char", "text", "html"):
        return {line.target: " ".join(str(value).split())}
    if ttype == "integer":
        return convert_integer(value, line, record, ctx)
    if ttype in ("float", "monetary"):
        return convert_float(value, line, record, ctx)
    if ttype == "boolean":
        return convert_boolean(value, line, record, ctx)
    if ttype == "date":
        return {line.target: _day(value, line, record, ctx)}
    if ttype == "datetime":
        return convert_datetime(value, line, record, ctx)
    if ttype == "selection":
        chosen = (line.params.get("options") or {}).get(str(value))
        if not chosen:
            ctx.problem("unknown_option", _("%(field)s: option %(value)r has no Odoo value."),
                        field=line.source, value=value)
        return {line.target: chosen or False}
    if ttype == "many2one":
        ids = _relation_ids(value, line, ctx)
        return {line.target: ids[0] if ids and ids[0] else False}
    raise ConversionError("unsupported_type", _("Cannot fill a %(type)s field."), type=ttype)


def row_value(row):
    """What a nested value shows when profiled."""
    return value_at(row, "name") if isinstance(row, dict) else row
