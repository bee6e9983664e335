"""Ploomes /Fields records as source fields."""
import pytest

from crm_migration.mapping.profile import profile_object
from crm_migration.sources.ploomes import SPEC
from crm_migration.sources.ploomes.fields import (FIELD_TYPES, SOURCE_TYPES, custom_values, field_type,
                                    source_field)

DEAL_FIELD = {  # ploomes-api.md §6.9
    "Id": 40009100, "Key": "deal_11111111-2222-4333-8444-555555555555",
    "Name": "Como chegou até nós", "EntityId": 2, "TypeId": 7, "Dynamic": True,
    "Multiple": False, "Required": False, "OptionsTableId": 40015000,
    "OptionsTable": {"Id": 40015000, "Name": "Canais", "Options": [
        {"Id": 40015001, "TableId": 40015000, "Name": "Site"},
        {"Id": 40015002, "TableId": 40015000, "Name": "Indicação"}]},
    "Type": {"Id": 7, "Name": "Opções pré-cadastradas", "NativeType": "Integer"},
}


@pytest.mark.parametrize("type_id, expected", [
    (1, "string"), (2, "text"), (4, "integer"), (5, "money"), (6, "decimal"), (7, "option"),
    (8, "date"), (9, "time"), (10, "boolean"), (11, "cpf"), (12, "cnpj"), (13, "percent"),
    (17, "address"), (18, "image"), (19, "attachment"), (20, "color"), (21, "signature"),
    (22, "formula"), (24, "signature"),
])
def test_documented_type_ids(type_id, expected):
    assert field_type({"TypeId": type_id}) == expected


def test_every_type_is_a_source_type():
    assert set(FIELD_TYPES.values()) <= set(SOURCE_TYPES)


def test_multiple_option_list_is_options():
    assert field_type({"TypeId": 7, "Multiple": True}) == "options"


@pytest.mark.parametrize("secondary, expected", [(24, "user"), (1, "contact"), (10, "product")])
def test_reference_type_from_secondary_entity(secondary, expected):
    assert field_type({"TypeId": 15, "SecondaryEntityId": secondary}) == expected


@pytest.mark.parametrize("type_row, expected", [
    ({"Name": "Data e hora", "NativeType": "DateTime"}, "datetime"),
    ({"Name": "Usuário", "NativeType": "Integer"}, "user"),
    ({"Name": "Algo novo", "NativeType": "Decimal"}, "decimal"),
])
def test_undocumented_type_from_its_name_or_native_type(type_row, expected):
    assert field_type({"TypeId": 3}, types={3: type_row}) == expected
    assert field_type({"TypeId": 3, "Type": type_row}) == expected


def test_reference_type_from_the_value_columns_used():
    rows = [{"FieldKey": "k", "IntegerValue": 5, "ContactValueId": 5, "UserValueId": None}]
    assert field_type({"TypeId": 15}, rows=rows) == "contact"
    assert field_type({"TypeId": 15}) == "unknown"


def test_formula_fields_are_formula_whatever_their_type():
    assert field_type({"TypeId": 6, "InternalFormula": "[a] * 2"}) == "formula"


def test_source_field_of_a_custom_option_field():
    info = source_field(DEAL_FIELD)
    assert info.path == "OtherProperties/deal_11111111-2222-4333-8444-555555555555"
    assert info.key == DEAL_FIELD["Key"]
    assert (info.label, info.type, info.entity_id) == ("Como chegou até nós", "option", 2)
    assert info.options == ((40015001, "Site"), (40015002, "Indicação"))
    assert (info.required, info.multiple) == (False, False)


def test_options_may_come_from_option_tables_read_apart():
    definition = {key: value for key, value in DEAL_FIELD.items() if key != "OptionsTable"}
    assert source_field(definition).options == ()
    tables = {40015000: DEAL_FIELD["OptionsTable"]}
    expected = source_field(DEAL_FIELD).options
    assert source_field(definition, option_tables=tables).options == expected


def test_source_field_of_a_native_field_is_its_property():
    info = source_field({"Key": "contact_avatar", "Name": "Foto", "TypeId": 18, "Dynamic": False,
                         "PropertyName": "AvatarUrl", "EntityId": 1})
    assert (info.path, info.type, info.options) == ("AvatarUrl", "image", ())


def test_custom_values_are_the_rows_of_one_key():
    payload = {"OtherProperties": [
        {"FieldKey": "a", "ObjectValueId": 1}, {"FieldKey": "b", "StringValue": "x"},
        {"FieldKey": "a", "ObjectValueId": 2}]}
    assert [row["ObjectValueId"] for row in custom_values(payload, "a")] == [1, 2]
    assert custom_values({}, "a") == []


def test_profile_object_reads_custom_rows_and_plain_paths():
    key = "contact_0A1B"
    payloads = [
        {"Name": "Padaria Sol", "Phones": [{"PhoneNumber": "(11) 3842-6671"}],
         "OtherProperties": [{"FieldKey": key, "StringValue": "110.042.490.114",
                              "IntegerValue": None}]},
        {"Name": "Frio Sul", "Phones": [],
         "OtherProperties": [{"FieldKey": "other", "StringValue": "x"}]},
        {"Name": "", "OtherProperties": [
            {"FieldKey": key, "StringValue": None, "ObjectValueId": 7,
             "ObjectValueName": "Isento"}]},
    ]
    paths = ["Name", "Phones", f"OtherProperties/{key}"]
    profiles = profile_object(payloads, paths, SPEC.value_at, SPEC.row_value)
    assert profiles["Name"].filled == 2
    assert profiles["Phones"].samples == ("(11) 3842-6671",)
    assert profiles["Phones"].patterns["phone"] == 1.0
    custom = profiles[f"OtherProperties/{key}"]
    assert (custom.total, custom.filled) == (3, 2)
    assert custom.samples == ("110.042.490.114", "Isento")  # option rows show their name
