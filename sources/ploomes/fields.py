"""Ploomes field definitions (``/Fields``) as normalized source fields, and their value rows."""
import json

from ...mapping.lexicon import fold
from ...mapping.profile import SourceFieldInfo
from ...mapping.schema import SOURCE_TYPES  # noqa: F401  (the types field_type returns)

#: Documented ``TypeId`` values (ploomes-api.md §3.11).
FIELD_TYPES = {
    1: "string", 2: "text", 4: "integer", 5: "money", 6: "decimal", 7: "option", 8: "date",
    9: "time", 10: "boolean", 11: "cpf", 12: "cnpj", 13: "percent", 17: "address", 18: "image",
    19: "attachment", 20: "color", 21: "signature", 22: "formula", 24: "signature",
}
#: ``/Fields@Types`` names (folded) of the types whose id is not documented.
TYPE_NAMES = {
    "data e hora": "datetime", "usuario": "user", "cliente": "contact", "contato": "contact",
    "produto": "product", "formula": "formula",
}
NATIVE_TYPES = {
    "String": "string", "BigString": "text", "Integer": "integer", "Decimal": "decimal",
    "DateTime": "datetime", "Bool": "boolean",
}
#: ``SecondaryEntityId`` of reference fields -> source type.
REFERENCE_ENTITIES = {24: "user", 1: "contact", 10: "product"}
REFERENCE_COLUMNS = (("UserValueId", "user"), ("ContactValueId", "contact"),
                     ("ProductValueId", "product"))


def field_type(definition, types=None, rows=()):
    """Normalized source type of a ``/Fields`` record.

    ``types``: ``{TypeId: /Fields@Types row}`` for ids the reference does not
    document; ``rows``: some value rows of the field, whose reference columns
    tell user, contact and product fields apart when nothing else does.
    """
    if definition.get("InternalFormula") or definition.get("ExternalFormulaUrl"):
        return "formula"
    base = _declared_type(definition, types or {}) or _row_type(rows) or "unknown"
    return "options" if base == "option" and definition.get("Multiple") else base


def _declared_type(definition, types):
    type_id = definition.get("TypeId")
    if type_id in FIELD_TYPES:
        return FIELD_TYPES[type_id]
    if definition.get("SecondaryEntityId") in REFERENCE_ENTITIES:
        return REFERENCE_ENTITIES[definition["SecondaryEntityId"]]
    type_row = definition.get("Type") or types.get(type_id) or {}
    by_name = TYPE_NAMES.get(fold(type_row.get("Name")).strip())
    return by_name or NATIVE_TYPES.get(type_row.get("NativeType"))


def _row_type(rows):
    for row in rows:
        for column, source_type in REFERENCE_COLUMNS:
            if row.get(column) is not None:
                return source_type
    return None


def source_field(definition, types=None, rows=(), option_tables=None):
    """:class:`SourceFieldInfo` of a ``/Fields`` record.

    Options come from its expanded ``OptionsTable``, else from ``option_tables``
    (``{table id: /Fields@OptionsTables row with Options}``, read apart).
    """
    key = definition["Key"]
    table = definition.get("OptionsTable") or (option_tables or {}).get(
        definition.get("OptionsTableId")) or {}
    dynamic = definition.get("Dynamic", True)
    return SourceFieldInfo(
        path=f"OtherProperties/{key}" if dynamic else (definition.get("PropertyName") or key),
        key=key,
        label=(definition.get("Name") or key).strip(),
        type=field_type(definition, types, rows),
        options=tuple((option["Id"], option["Name"]) for option in table.get("Options") or ()),
        required=bool(definition.get("Required")),
        multiple=bool(definition.get("Multiple")),
        entity_id=definition.get("EntityId"),
    )


def custom_values(payload, key):
    """The ``OtherProperties`` rows of one field key in a payload (several for a multi-select)."""
    return [row for row in payload.get("OtherProperties") or () if row.get("FieldKey") == key]


#: Columns of an ``OtherProperties`` row, in the order a profile shows them (names before ids).
ROW_COLUMNS = (
    "StringValue", "BigStringValue", "ObjectValueName", "UserValueName", "ContactValueName",
    "ProductValueName", "AttachmentValueName", "DecimalValue", "DateTimeValue", "BoolValue",
    "IntegerValue", "ObjectValueId", "UserValueId", "ContactValueId", "ProductValueId",
    "AttachmentValueId",
)
#: Keys that name a non-custom row of a list (``Phones``, ``Tags``...).
ROW_TEXT_KEYS = ("PhoneNumber", "Name")
CUSTOM_PREFIX = "OtherProperties/"
#: Rows of ``/Fields`` with the reference tables their types and options come from.
DEFINITIONS, TYPES = "Fields", "Fields@Types"


def row_value(row):
    """The value a row shows: a custom-field row's value column, else its number or name."""
    keys = ROW_COLUMNS if "FieldKey" in row else ROW_TEXT_KEYS
    for key in keys:
        if row.get(key) is not None:
            return row[key]
    return None if "FieldKey" in row else json.dumps(row, sort_keys=True, default=str)


class PloomesCustomFields:
    """Custom fields of a Ploomes account: ``/Fields`` definitions (scoped by ``EntityId``),
    values as ``OtherProperties`` rows of a record, keyed by ``FieldKey``."""

    option_entity = "Fields@OptionsTables@Options"

    def is_custom(self, path):
        return bool(path) and path.startswith(CUSTOM_PREFIX)

    def key_of(self, path):
        return path[len(CUSTOM_PREFIX):] if self.is_custom(path) else None

    def value_at(self, record, path):
        return custom_values(record, self.key_of(path))

    def infos(self, staged, obj, payloads):
        if obj.custom_scope is None:
            return []
        definitions = staged(DEFINITIONS, {"EntityId": obj.custom_scope})
        types = {row["Id"]: row for row in staged(TYPES)}
        return [source_field(definition, types,
                             [row for payload in payloads[:200]
                              for row in custom_values(payload, definition["Key"])])
                for definition in definitions]

