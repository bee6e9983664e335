"""Converters on Ploomes payloads that need no Odoo, with an in-memory destination."""
import pytest

from crm_migration.sources.ploomes import SPEC
from crm_migration.mapping.converters import ConversionError, convert
from crm_migration.mapping.tests.memory import MemoryContext as BaseContext
from crm_migration.mapping.transform import MapLine, transform_record


class MemoryContext(BaseContext):
    """The shared in-memory destination, with recognizable phone formatting."""

    spec = SPEC

    def phone_format(self, number, country_code):
        return f"fmt:{number}"


def run(converter, value, record=None, target="x", ctx=None, **params):
    ctx = ctx or MemoryContext()
    ctx.start_record()
    line = MapLine("V", target, converter, params)
    return convert(line, dict(record or {}, V=value), ctx), ctx.problems


@pytest.mark.parametrize("value, expected", [
    (1310100, "01310-100"), ("01310-100", "01310-100"), (69900000, "69900-000"), (None, False),
])
def test_cep_restores_leading_zeros(value, expected):
    assert run("cep", value)[0] == {"x": expected}


def test_cep_too_long_is_kept_and_flagged():
    values, problems = run("cep", "123456789")
    assert values == {"x": "123456789"}
    assert [p.code for p in problems] == ["invalid_zip"]


def test_cnpj_is_formatted_with_its_identification_type():
    values, problems = run("cnpj_cpf", "11222333000181", target="vat")
    assert values == {"vat": "11.222.333/0001-81", "l10n_latam_identification_type_id": 1}
    assert not problems


def test_cpf_of_a_company_contact_goes_to_the_child_field():
    ctx = MemoryContext(identities={("Contacts", "9"): 90})
    values, _ = run("cnpj_cpf", "529.982.247-25", record={"CompanyId": 9}, target="vat", ctx=ctx,
                    child_target="x_cpf", parent_path="CompanyId")
    assert values == {"x_cpf": "529.982.247-25"}


def test_invalid_cnpj_is_not_written_and_flagged():
    values, problems = run("cnpj_cpf", "11.222.333/0001-00", target="vat")
    assert values == {}
    assert [(p.code, p.level) for p in problems] == [("invalid_register", "warning")]


def test_datetime_with_offset_is_stored_in_utc():
    assert run("datetime", "2025-05-20T22:30:12.4-03:00")[0] == {"x": "2025-05-21 01:30:12"}


def test_date_keeps_the_local_calendar_day():
    assert run("date", "2025-06-01T00:00:00-03:00")[0] == {"x": "2025-06-01"}


def test_date_without_offset_is_an_error():
    with pytest.raises(ConversionError):
        run("datetime", "2025-06-01T10:00:00")


@pytest.mark.parametrize("value, expected", [("12", 12), (3.0, 3), ("", False)])
def test_integer(value, expected):
    assert run("integer", value)[0] == {"x": expected}


@pytest.mark.parametrize("value", ["doze", "1.5"])
def test_integer_refuses_what_is_not_a_whole_number(value):
    with pytest.raises(ConversionError):
        run("integer", value)


@pytest.mark.parametrize("value, expected", [("1.234,56", 1234.56), ("R$ 10,5", 10.5), (7, 7.0)])
def test_float_reads_brazilian_numbers(value, expected):
    assert run("float", value)[0] == {"x": expected}


def test_phones_split_landline_and_mobile_by_type_then_number():
    ctx = MemoryContext(lookups={("PhoneTypes", "1"): {"Name": "Comercial"},
                                 ("PhoneTypes", "3"): {"Name": "Celular"}})
    phones = [
        {"PhoneNumber": "(11) 3842-6671", "TypeId": 1},
        {"PhoneNumber": "+55 11 98765-4321", "TypeId": 3},
        {"PhoneNumber": "11 99876-5432"},
        {"PhoneNumber": "0xx11 3333-4444"},
    ]
    values, problems = run("phones", phones, target="phone", ctx=ctx, mobile_target="mobile",
                           extra_target="x_other")
    assert values == {
        "phone": "fmt:(11) 3842-6671",
        "mobile": "fmt:+55 11 98765-4321",
        "x_other": "fmt:011 3333-4444, fmt:11 99876-5432",
    }
    assert not problems


def test_reference_to_a_missing_record_is_flagged_as_dangling():
    values, problems = run("ref", 123, target="parent_id", entity="Contacts")
    assert values == {"parent_id": False}
    assert [(p.code, p.level) for p in problems] == [("dangling_reference", "error")]


def test_reference_not_loaded_yet_is_not_called_dangling():
    ctx = MemoryContext(staged={("Contacts", "123"): {"Id": 123}})
    _values, problems = run("ref", 123, target="parent_id", ctx=ctx, entity="Contacts")
    assert [p.code for p in problems] == ["unresolved_reference"]


def test_person_with_own_address_under_a_company_becomes_other_address():
    company = {"Id": 9, "StreetAddress": "Rua A", "ZipCode": 1000000}
    ctx = MemoryContext(identities={("Contacts", "9"): 90}, staged={("Contacts", "9"): company})
    same, _ = run("parent_partner", 9, record={"StreetAddress": "Rua A", "ZipCode": 1000000},
                  target="parent_id", ctx=ctx, entity="Contacts")
    own, _ = run("parent_partner", 9, record={"StreetAddress": "Rua B", "ZipCode": 2000000},
                 target="parent_id", ctx=ctx, entity="Contacts")
    assert same == {"parent_id": 90, "type": "contact"}
    assert own == {"parent_id": 90, "type": "other"}


def test_tags_resolve_to_a_many2many_set():
    ctx = MemoryContext(identities={("Tags", "5"): 50, ("Tags", "6"): 60})
    values, problems = run("tags", [{"TagId": 6}, {"TagId": 5}, {"TagId": 8}], target="category_id", ctx=ctx)
    assert values == {"category_id": [(6, 0, [50, 60])]}
    assert [p.code for p in problems] == ["dangling_reference"]


def test_state_and_country_by_code():
    ctx = MemoryContext(lookups={("Cities@Countries@States", "25"): {"Short": "SP", "CountryId": 76},
                                 ("Cities@Countries", "76"): {"Short1": "BR"}})
    assert run("state", 25, ctx=ctx)[0] == {"x": 35}
    assert run("country", 76, ctx=ctx)[0] == {"x": 31}


def test_street_joins_number_and_complement():
    record = {"StreetAddressNumber": "450", "StreetAddressLine2": "Loja 2"}
    assert run("street", "Rua das  Laranjeiras", record=record)[0] == {"x": "Rua das Laranjeiras, 450 - Loja 2"}


def test_color_picks_the_nearest_odoo_color():
    assert run("color", "#2E7D32")[0] == {"x": 10}
    assert run("color", None)[0] == {"x": 0}


def test_name_falls_back_to_legal_name_then_placeholder():
    values, problems = run("name", " ", record={"LegalName": "ACME Ltda", "Id": 4},
                           fallback_paths=["LegalName"])
    assert values == {"x": "ACME Ltda"}
    assert [p.code for p in problems] == ["missing_name"]
    values, _ = run("name", None, record={"Id": 4}, placeholder="Ploomes contact")
    assert values == {"x": "Ploomes contact 4"}


def test_transform_keeps_the_other_fields_when_one_fails():
    lines = [MapLine("Count", "x_count", "integer"), MapLine("Name", "name", "text")]
    ctx = MemoryContext()
    values, problems = transform_record({"Count": "many", "Name": " A  B "}, lines, ctx, {"is_company": True})
    assert values == {"is_company": True, "name": "A B"}
    assert [(p.code, p.conversion) for p in problems] == [("not_a_number", True)]


def test_problem_messages_are_templates_given_with_their_values():
    """Odoo translates the template, then formats it with the values."""
    values, problems = transform_record({"V": "abc", "Z": "1234"}, [
        MapLine("V", "x_n", "integer"), MapLine("Z", "zip", "cep")], MemoryContext())
    assert values == {"zip": "00001-234"}
    (error,) = problems
    assert (error.code, error.message, error.params) == (
        "not_a_number", "%(value)r is not a whole number.", {"value": "abc"})
    assert error.text == "V → x_n: 'abc' is not a whole number."
    with pytest.raises(ConversionError, match="^'abc' is not a whole number.$"):
        run("integer", "abc")


def test_an_amount_in_another_currency_is_kept_and_flagged():
    class Company(MemoryContext):
        def currency_code(self):
            return "BRL"

    ctx = Company(lookups={("Currencies", "2"): {"Code": "USD"}, ("Currencies", "1"): {"Code": "BRL"}})
    values, problems = run("money", "1.234,50", {"CurrencyId": 2}, ctx=ctx)
    assert values == {"x": 1234.5}
    assert [(p.code, p.level, p.text) for p in problems] == [
        ("foreign_currency", "info", "V 1.234,50 is in USD, kept as is in BRL (no conversion).")]
    assert run("money", 10, {"CurrencyId": 1}, ctx=ctx) == ({"x": 10.0}, [])
