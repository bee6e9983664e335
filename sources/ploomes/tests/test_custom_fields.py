"""The ``custom`` converter: OtherProperties rows into every kind of Odoo field."""
import pytest

from crm_migration.mapping.converters import ConversionError, convert
from crm_migration.mapping.tests.memory import MemoryContext
from crm_migration.sources.ploomes import SPEC
from crm_migration.mapping.transform import MapLine, transform_record

KEY = "contact_0A1B2C3D"
OPTIONS = "Fields@OptionsTables@Options"


class Context(MemoryContext):
    spec = SPEC
    """The shared in-memory destination, with e-mail, HTML and phone helpers."""

    users = {40000102: 7}

    def email_normalize(self, text):
        return text.strip().lower() if "@" in text else False

    def html_sanitize(self, html):
        return html.replace("<script>", "").replace("</script>", "")

    def plaintext2html(self, text):
        return f"<p>{text}</p>"

    def phone_format(self, number, country_code):
        return f"+55 {number}" if sum(c.isdigit() for c in number) >= 10 else None


def row(**columns):
    empty = dict.fromkeys(("StringValue", "BigStringValue", "IntegerValue", "DecimalValue",
                           "DateTimeValue", "BoolValue", "ObjectValueId", "ObjectValueName",
                           "UserValueId", "ContactValueId", "ProductValueId", "AttachmentValueId"))
    return dict(empty, FieldKey=KEY, **columns)


def run(rows, source_type, ttype, target="x_f", ctx=None, **params):
    ctx = ctx or Context()
    ctx.start_record()
    params = dict(params, type=source_type, ttype=ttype)
    line = MapLine(f"OtherProperties/{KEY}", target, "custom", params)
    return convert(line, {"OtherProperties": rows}, ctx), ctx.problems


@pytest.mark.parametrize("rows, source_type, ttype, expected", [
    ([row(StringValue="  110.042.490.114 ")], "string", "char", "110.042.490.114"),
    ([row(BigStringValue="Linha 1\nLinha 2")], "text", "text", "Linha 1\nLinha 2"),
    ([row(BigStringValue="Linha 1\nLinha 2")], "text", "char", "Linha 1 Linha 2"),
    ([row(BigStringValue="Paga em dia")], "text", "html", "<p>Paga em dia</p>"),
    ([row(IntegerValue=12)], "integer", "integer", 12),
    ([row(IntegerValue=12)], "integer", "float", 12.0),
    ([row(IntegerValue=110042490114)], "integer", "char", "110042490114"),
    ([row(DecimalValue=31000.5, CurrencyValueId=1)], "money", "monetary", 31000.5),
    ([row(DecimalValue=31000.0)], "money", "char", "31000"),
    ([row(DecimalValue=12.5)], "percent", "float", 12.5),
    ([row(DecimalValue=3.0)], "decimal", "integer", 3),
    ([row(BoolValue=True)], "boolean", "boolean", True),
    ([row(BoolValue=False)], "boolean", "boolean", False),
    ([row(DateTimeValue="2025-06-01T00:00:00-03:00")], "date", "date", "2025-06-01"),
    ([row(DateTimeValue="2025-06-01T00:00:00-03:00")], "date", "char", "2025-06-01"),
    ([row(DateTimeValue="2025-06-01T00:00:00-03:00")], "date", "datetime", "2025-06-01 03:00:00"),
    ([row(DateTimeValue="2025-05-20T22:30:12-03:00")], "datetime", "datetime",
     "2025-05-21 01:30:12"),
    ([row(DateTimeValue="2025-05-20T22:30:12-03:00")], "datetime", "date", "2025-05-20"),
    ([row(DateTimeValue="2025-07-01T14:30:00-03:00")], "time", "char", "14:30"),
    ([row(DateTimeValue="2025-07-01T14:30:00-03:00")], "time", "float", 14.5),
    ([row(StringValue="#F06050")], "color", "integer", 1),
    ([row(StringValue="#2E7D32")], "color", "char", "#2E7D32"),
    ([row(StringValue="Rua A, 10 - Centro")], "address", "char", "Rua A, 10 - Centro"),
    ([row(StringValue="15/06/2025")], "string", "date", "2025-06-15"),
    ([row(StringValue="2025-06-15")], "string", "date", "2025-06-15"),
    ([row(StringValue="1.234,56")], "string", "float", 1234.56),
    ([row(StringValue="42")], "string", "integer", 42),
    ([row(StringValue="Sim")], "string", "boolean", True),
    ([row(StringValue="11222333000181")], "cnpj", "char", "11.222.333/0001-81"),
    ([row(StringValue="52998224725")], "cpf", "char", "529.982.247-25"),
    ([], "string", "char", False),
    ([row()], "integer", "integer", False),
])
def test_value_column_and_target_type(rows, source_type, ttype, expected):
    values, problems = run(rows, source_type, ttype)
    assert values == {"x_f": expected}
    assert not problems


def test_unknown_and_formula_read_any_column():
    assert run([row(BigStringValue="False")], "formula", "char")[0] == {"x_f": "False"}
    assert run([row(DecimalValue=2.5)], "unknown", "char")[0] == {"x_f": "2.5"}


def test_a_plain_payload_value_is_converted_too():
    ctx = Context()
    line = MapLine("CNAECode", "x_cnae", "custom", {"type": "string", "ttype": "char"})
    assert convert(line, {"CNAECode": " 4721-1/02 "}, ctx) == {"x_cnae": "4721-1/02"}


def test_option_becomes_its_selection_key():
    rows = [row(IntegerValue=40015002, ObjectValueId=40015002, ObjectValueName="Indicação")]
    values, _ = run(rows, "option", "selection",
                    options={"40015001": "site", "40015002": "indicacao"})
    assert values == {"x_f": "indicacao"}


def test_option_id_in_integer_value_only_is_read():
    values, _ = run([row(IntegerValue=40015001)], "option", "selection",
                    options={"40015001": "site"})
    assert values == {"x_f": "site"}


def test_option_without_a_selection_value_is_a_conversion_error():
    rows = [row(ObjectValueId=40015009, ObjectValueName="Feira")]
    with pytest.raises(ConversionError) as error:
        run(rows, "option", "selection", options={"40015001": "site"})
    assert error.value.code == "unknown_option"
    assert "Feira" in str(error.value)


def test_option_to_text_uses_the_current_option_name():
    ctx = Context(lookups={(OPTIONS, "5"): {"Id": 5, "Name": "Indicação de cliente"}})
    values, _ = run([row(ObjectValueId=5, ObjectValueName="Indicação")], "option", "char", ctx=ctx)
    assert values == {"x_f": "Indicação de cliente"}
    values, _ = run([row(ObjectValueId=6, ObjectValueName="Site")], "option", "char")
    assert values == {"x_f": "Site"}


def test_option_to_many2one_resolves_the_option_record():
    ctx = Context(identities={(OPTIONS, "5"): 50})
    assert run([row(ObjectValueId=5)], "option", "many2one", ctx=ctx)[0] == {"x_f": 50}


def test_multi_select_becomes_a_many2many_of_option_records():
    ctx = Context(identities={(OPTIONS, "1"): 10, (OPTIONS, "3"): 30}, staged={(OPTIONS, "2"): {}})
    rows = [row(ObjectValueId=3), row(ObjectValueId=1), row(ObjectValueId=2)]
    values, problems = run(rows, "options", "many2many", ctx=ctx)
    assert values == {"x_f": [(6, 0, [10, 30])]}
    assert [p.code for p in problems] == ["unresolved_reference"]


def test_multi_select_to_text_joins_the_names():
    rows = [row(ObjectValueId=1, ObjectValueName="Fornos"),
            row(ObjectValueId=2, ObjectValueName="Software")]
    assert run(rows, "options", "char")[0] == {"x_f": "Fornos, Software"}


def test_empty_multi_select_clears_the_many2many():
    assert run([], "options", "many2many")[0] == {"x_f": [(6, 0, [])]}


def test_user_contact_and_product_references():
    ctx = Context(identities={("Contacts", "40120031"): 31, ("Products", "40300015"): 15})
    user = [row(IntegerValue=40000102, UserValueId=40000102)]
    assert run(user, "user", "many2one", ctx=ctx)[0] == {"x_f": 7}
    assert run([row(ContactValueId=40120031)], "contact", "many2one", ctx=ctx)[0] == {"x_f": 31}
    assert run([row(ProductValueId=40300015)], "product", "many2one", ctx=ctx)[0] == {"x_f": 15}
    users = [row(UserValueId=40000102), row(UserValueId=1)]
    assert run(users, "user", "many2many", ctx=ctx)[0] == {"x_f": [(6, 0, [7])]}


def test_reference_to_a_missing_record_is_flagged_as_dangling():
    values, problems = run([row(ContactValueId=999)], "contact", "many2one")
    assert values == {"x_f": False}
    assert [(p.code, p.level) for p in problems] == [("dangling_reference", "error")]


def test_attachment_becomes_its_url():
    ctx = Context(lookups={("Attachments", "77"): {"Url": "https://files.example/77.pdf"}})
    rows = [row(IntegerValue=77, AttachmentValueId=77, AttachmentValueName="contrato.pdf")]
    assert run(rows, "attachment", "char", ctx=ctx)[0] == {"x_f": "https://files.example/77.pdf"}
    with pytest.raises(ConversionError) as error:
        run(rows, "attachment", "char")
    assert error.value.code == "attachment_not_found"


def test_invalid_register_is_kept_as_typed_and_flagged():
    values, problems = run([row(StringValue="11.222.333/0001-00")], "cnpj", "char")
    assert values == {"x_f": "11.222.333/0001-00"}
    assert [p.code for p in problems] == ["invalid_register"]


@pytest.mark.parametrize("rows, source_type, ttype, code", [
    ([row(StringValue="abc")], "string", "integer", "not_a_number"),
    ([row(StringValue="1,5")], "string", "integer", "not_an_integer"),
    ([row(StringValue="talvez")], "string", "boolean", "not_a_boolean"),
    ([row(StringValue="31/02/2024")], "string", "date", "not_a_date"),
    ([row(StringValue="amanhã")], "string", "date", "not_a_date"),
    ([row(StringValue="2025-06-01T10:00:00")], "string", "datetime", "no_offset"),
    ([row(DecimalValue=2.5)], "decimal", "integer", "not_an_integer"),
    ([row(IntegerValue=5)], "integer", "boolean", "not_a_boolean"),
    ([row(BoolValue=True)], "boolean", "integer", "wrong_value_type"),
    ([row(BoolValue=True)], "boolean", "char", "wrong_value_type"),
    ([row(StringValue="sim")], "boolean", "boolean", "unexpected_column"),
    ([row(StringValue="12")], "integer", "integer", "unexpected_column"),
    ([row(UserValueId=40000102)], "user", "char", "not_text"),
    ([row(StringValue="x")], "string", "selection", "not_an_option"),
    ([row(StringValue="x")], "string", "many2one", "not_a_reference"),
    ([row(StringValue="x")], "string", "binary", "unsupported_type"),
])
def test_values_that_do_not_fit_raise(rows, source_type, ttype, code):
    with pytest.raises(ConversionError) as error:
        run(rows, source_type, ttype)
    assert error.value.code == code


def test_several_values_for_a_single_field_keep_the_first_and_warn():
    values, problems = run([row(StringValue="a"), row(StringValue="b")], "string", "char")
    assert values == {"x_f": "a"}
    assert [p.code for p in problems] == ["several_values"]


def test_via_hands_the_value_to_the_register_converter():
    values, problems = run([row(StringValue="11222333000181")], "string", "char", target="vat",
                           via="cnpj_cpf")
    assert values == {"vat": "11.222.333/0001-81", "l10n_latam_identification_type_id": 1}
    assert not problems


def test_via_phone_number_formats_or_keeps_and_flags():
    assert run([row(StringValue="(11) 98765-4321")], "string", "char", target="mobile",
               via="phone_number")[0] == {"mobile": "+55 (11) 98765-4321"}
    values, problems = run([row(StringValue="ramal 22")], "string", "char", target="mobile",
                           via="phone_number")
    assert values == {"mobile": "ramal 22"}
    assert [p.code for p in problems] == ["invalid_phone"]


def test_via_email_and_cep():
    assert run([row(StringValue=" Compras@Sol.com.br ")], "string", "char", target="email",
               via="email")[0] == {"email": "compras@sol.com.br"}
    assert run([row(IntegerValue=1310100)], "integer", "char", target="zip",
               via="cep")[0] == {"zip": "01310-100"}


def test_a_failing_custom_field_leaves_the_rest_of_the_record():
    record = {"Name": "Padaria Sol", "OtherProperties": [row(StringValue="muitos")]}
    lines = [MapLine("Name", "name", "text"),
             MapLine(f"OtherProperties/{KEY}", "x_employees", "custom",
                     {"type": "string", "ttype": "integer"})]
    values, problems = transform_record(record, lines, Context())
    assert values == {"name": "Padaria Sol"}
    assert [(p.code, p.conversion, p.level) for p in problems] == [("not_a_number", True, "error")]
