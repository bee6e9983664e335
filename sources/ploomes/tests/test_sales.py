"""The sales converters and schema (no Odoo)."""
import pytest

from crm_migration.sources import ploomes
from crm_migration.sources.ploomes import sales as ploomes_sales
from crm_migration.mapping.converters import ConversionError, convert
from crm_migration.mapping.tests.memory import MemoryContext
from crm_migration.mapping.transform import MapLine


class SalesContext(MemoryContext):
    spec = ploomes.SPEC
    """The shared in-memory destination, with units of measure."""

    def __init__(self, identities=None, staged=None, uoms=None):
        super().__init__(identities, staged)
        self.uoms = uoms or {"Units": 1, "Hours": 4, "kg": 12, "L": 20}

    def record_by_name(self, model, name, create=False):
        assert model == "uom.uom"
        return self.uoms.get(name)


def run(name, value, record=None, target="x", ctx=None, source="V", **params):
    ctx = ctx or SalesContext()
    ctx.start_record()
    line = MapLine(source, target, name, params)
    return convert(line, dict(record or {}, **{source: value}), ctx), ctx.problems


def codes(problems):
    return [p.code for p in problems]


# -- schema ------------------------------------------------------------------------------

def test_every_sales_converter_is_registered_and_every_object_ordered():
    for obj in ploomes_sales.OBJECTS:
        for spec in obj.fields:
            assert spec.converter in ploomes.CONVERTERS, (obj.key, spec.path)
    keys = [obj.key for obj in ploomes.SCHEMA.objects]
    assert keys.index("products") < keys.index("deals") < keys.index("quotes")
    assert keys.index("quotes") < keys.index("quote_sections") < keys.index("quote_lines") \
        < keys.index("quote_revisions") < keys.index("quote_states") < keys.index("orders") \
        < keys.index("order_lines") < keys.index("order_states")


def test_sales_objects_need_their_modules():
    for obj in ploomes_sales.OBJECTS:
        assert obj.requires in (("product",), ("sale",), ("account",), ("sale", "stock")), obj.key
    assert ploomes.SCHEMA.object("quotes").where == {"LastReview": True}
    assert ploomes.SCHEMA.object("quote_revisions").where == {"LastReview": False}


def test_custom_fields_are_expanded_where_the_api_has_them():
    for name in ("Products", "Products@Groups", "Products@Families", "Quotes", "Orders",
                 "Quotes@Products", "Orders@Products"):
        assert "OtherProperties" in ploomes.SCHEMA.entity(name).expand, name
    assert "Sections($expand=OtherProperties)" in ploomes.SCHEMA.entity("Quotes").expand


def test_sections_are_staged_from_their_documents():
    sections = ploomes.SCHEMA.entity("Quotes@Sections")
    assert (sections.nested_in, sections.nested_path, sections.nested_key) == \
        ("Quotes", "Sections", "QuoteId")


# -- products ----------------------------------------------------------------------------

@pytest.mark.parametrize("unit, uom", [
    ("un", 1), ("UN", 1), ("pç", 1), ("h", 4), ("kg", 12), (" L ", 20), ("Horas", 4),
])
def test_units_match_odoo_units_by_name(unit, uom):
    values, problems = run("uom", unit, target="uom_id", purchase_target="uom_po_id",
                           keep_target="x_unit")
    assert values == {"uom_id": uom, "uom_po_id": uom, "x_unit": unit.strip()}
    assert problems == []


@pytest.mark.parametrize("unit", ["cx", "mês", "saco"])
def test_an_unknown_unit_is_kept_as_text_and_flagged(unit):
    values, problems = run("uom", unit, target="uom_id", keep_target="x_unit")
    assert values == {"x_unit": unit}
    assert codes(problems) == ["unknown_uom"]


def test_no_unit_leaves_odoo_default():
    assert run("uom", None, target="uom_id", keep_target="x_unit") == ({"x_unit": False}, [])


def test_category_is_the_group_else_the_family():
    ctx = SalesContext(identities={("Products@Groups", "5"): 50, ("Products@Families", "9"): 90})
    assert run("product_category", 5, {"FamilyId": 9}, ctx=ctx)[0] == {"x": 50}
    assert run("product_category", None, {"FamilyId": 9}, ctx=ctx)[0] == {"x": 90}
    values, problems = run("product_category", 6, {"FamilyId": 9}, ctx=ctx)
    assert values == {"x": 90} and codes(problems) == ["unresolved_reference"]
    assert run("product_category", None, {}, ctx=ctx) == ({}, [])


def test_kit_parts_are_listed_with_quantity_price_and_code():
    ctx = SalesContext(staged={("Products", "2"): {"Name": "Forno <A>", "Code": "F-1"},
                               ("Products", "3"): {"Name": "Pá", "Code": None}})
    parts = [{"Id": 2, "ProductPartId": 3, "DefaultQuantity": 2, "DefaultUnitPrice": 1234.5,
              "Required": False, "MinimumQuantity": 1, "MaximumQuantity": 4},
             {"Id": 1, "ProductPartId": 2, "DefaultQuantity": 1, "DefaultUnitPrice": 10,
              "Required": True}]
    values, problems = run("kit_parts", parts, ctx=ctx, entity="Products")
    html = values["x"]
    assert html.index("Forno &lt;A&gt; [F-1]") < html.index("2 × Pá")
    assert "R$ 1.234,50" in html and "required" in html and "optional" in html
    assert problems == []
    assert run("kit_parts", [], ctx=ctx)[0] == {"x": False}


def test_a_missing_kit_part_is_flagged():
    values, problems = run("kit_parts", [{"Id": 1, "ProductPartId": 99}])
    assert "Product 99" in values["x"]
    assert codes(problems) == ["dangling_reference"]


def test_product_variant_reference():
    ctx = SalesContext(identities={("Products#variant", "4"): 40}, staged={("Products", "5"): {}})
    assert run("product_variant", 4, ctx=ctx)[0] == {"x": 40}
    values, problems = run("product_variant", 5, ctx=ctx)
    assert values == {"x": False} and codes(problems) == ["unresolved_reference"]
    values, problems = run("product_variant", 6, ctx=ctx)
    assert codes(problems) == ["dangling_reference"] and problems[0].level == "error"


# -- quotes and orders -------------------------------------------------------------------

@pytest.mark.parametrize("record, state", [
    ({"ExternallyAccepted": True, "Shared": True}, "sale"),
    ({"ExternallyAccepted": False, "Shared": True}, "sent"),
    ({"ExternalSharingDate": "2025-01-01T10:00:00-03:00"}, "sent"),
    ({"ExternallyAccepted": False, "Shared": False}, "draft"),
    ({}, "draft"),
])
def test_quote_state(record, state):
    assert run("quote_state", record.get("ExternallyAccepted"), record, target="state")[0] == \
        {"state": state}


def test_order_state_is_sale_unless_cancelled():
    ctx = SalesContext(staged={("Orders@Stages", "1"): {"Name": "Faturado"},
                               ("Orders@Stages", "2"): {"Name": "Cancelado"}})
    assert run("order_state", 1, ctx=ctx, target="state")[0] == {"state": "sale"}
    assert run("order_state", 2, ctx=ctx, target="state")[0] == {"state": "cancel"}
    assert run("order_state", None, ctx=ctx, target="state")[0] == {"state": "sale"}


def test_quote_order_falls_back_to_the_latest_revision():
    ctx = SalesContext(identities={("Quotes", "12"): 120},
                       staged={("Quotes", "11"): {"Id": 11, "LastReviewId": 12}})
    assert run("quote_order", 12, ctx=ctx, entity="Quotes")[0] == {"x": 120}
    assert run("quote_order", 11, ctx=ctx, entity="Quotes")[0] == {"x": 120}
    values, problems = run("quote_order", 13, ctx=ctx, entity="Quotes")
    assert values == {"x": False} and codes(problems) == ["dangling_reference"]


def test_format_uses_the_record():
    record = {"QuoteNumber": 12, "ReviewNumber": 3}
    assert run("format", 12, record, format="Ploomes quote {QuoteNumber} rev. {ReviewNumber}")[0] \
        == {"x": "Ploomes quote 12 rev. 3"}
    assert run("format", None, record, format="{QuoteNumber}")[0] == {"x": False}
    with pytest.raises(ConversionError):
        run("format", 1, record, format="{QuoteNumber")


@pytest.mark.parametrize("value, expected", [
    ("2025-05-25T00:00:00-03:00", "2025-05-25"), ("2025-05-25", "2025-05-25"),
    ("2025-05-25T23:30:00-03:00", "2025-05-25"), (None, False),
])
def test_local_date_keeps_the_calendar_day(value, expected):
    assert run("local_date", value)[0] == {"x": expected}


def test_sections_and_lines_keep_the_document_order():
    ctx = SalesContext(staged={("Quotes@Sections", "50"): {"Code": 0},
                               ("Quotes@Sections", "51"): {"Code": 1}})
    first = run("section", 0, target="name", label="Bloco")[0]
    second = run("section", 1, target="name", label="Bloco")[0]
    assert first == {"name": "Bloco 1", "sequence": 1000}
    assert second == {"name": "Bloco 2", "sequence": 2000}
    line_a = run("line_sequence", 50, {"Ordination": 3}, target="sequence", ctx=ctx,
                 entity="Quotes@Sections")[0]["sequence"]
    line_b = run("line_sequence", 51, {"Ordination": 0}, target="sequence", ctx=ctx,
                 entity="Quotes@Sections")[0]["sequence"]
    assert first["sequence"] < line_a < second["sequence"] < line_b


def test_line_name_lists_kit_parts():
    record = {"ProductId": 1, "Parts": [{"Quantity": 2, "ProductName": "Pá", "Code": "P-1"}]}
    assert run("line_name", "Forno  grande", record)[0] == {"x": "Forno grande\n- 2 × Pá [P-1]"}
    ctx = SalesContext(staged={("Products", "1"): {"Name": "Forno"}})
    assert run("line_name", None, {"ProductId": 1}, ctx=ctx)[0] == {"x": "Forno"}


def test_user_partner_gives_the_user():
    assert run("user_partner", 7)[0] == {"x": 70}
    assert run("user_partner", None)[0] == {"x": False}


def test_orders_go_to_sales_orders_or_invoices_never_both():
    keys = {obj.key for obj in ploomes.SCHEMA.objects}
    sale, invoice = (set(ploomes_sales.ORDER_TARGETS[k]) for k in ("sale", "invoice"))
    assert sale <= keys and invoice <= keys and not sale & invoice
    lines = {spec.target for spec in ploomes.SCHEMA.object("order_invoice_lines").fields}
    assert {"move_id", "product_id", "quantity", "price_unit", "discount"} <= lines


def test_deliveries_come_with_the_sales_orders_never_with_invoices():
    left_out = ploomes_sales.left_out_by
    deliveries = {"order_pickings", "order_picking_moves"}
    sale, invoice = (set(ploomes_sales.ORDER_TARGETS[k]) for k in ("sale", "invoice"))
    assert left_out("sale") == invoice | deliveries
    assert left_out("invoice") == sale | deliveries
    assert left_out("picking") == invoice
    keys = [obj.key for obj in ploomes.SCHEMA.objects]
    assert keys.index("order_states") < keys.index("order_pickings") < keys.index("order_picking_moves")
    moves = {spec.path: spec for spec in ploomes.SCHEMA.object("order_picking_moves").fields}
    assert moves["OrderId"].params["entity"] == ploomes.SCHEMA.object("order_pickings").identity
    assert moves["UnitPrice"].target is None  # prices stay on the sales order


@pytest.mark.parametrize("name, cancelled", [
    ("Cancelado", True), ("cancelada", True), ("Cancelled", True), ("Entregue", False),
    ("Faturado", False), (None, False)])
def test_a_cancelled_stage_is_told_by_its_name(name, cancelled):
    assert ploomes_sales.is_cancelled_stage(name) is cancelled


def test_a_custom_product_reference_links_the_product_variant():
    ctx = SalesContext(identities={("Products", "4"): 40, ("Products#variant", "4"): 44},
                       staged={("Products", "5"): {}})

    def custom(product_id, relation):
        record = {"OtherProperties": [{"FieldKey": "k", "ProductValueId": product_id}]}
        return run("custom", None, record, source="OtherProperties/k", ctx=ctx,
                   type="product", ttype="many2one", relation=relation)

    assert custom(4, "product.product")[0] == {"x": 44}
    assert custom(4, "product.template")[0] == {"x": 40}
    values, problems = custom(5, "product.product")
    assert values == {"x": False} and codes(problems) == ["unresolved_reference"]
