# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Ploomes sales: product families and groups, products (and kit parts), quotes with their
revisions, sections and lines, and orders with theirs.

Odoo side: families and groups become a ``product.category`` tree, products
``product.template`` (lines point at its single ``product.product``), the latest revision
of a quote and every order a ``sale.order``; earlier revisions are kept as chatter
history on the order of their latest revision. Sections and lines are objects of their
own (``sale.order.line``), each with its own identity so that re-runs update and never
duplicate. The status of an order is written last, once its lines are in, and without
Odoo's confirmation side effects (no e-mail, no delivery, no invoice). The map's
``order_target`` may send orders to draft invoices instead, or add to each sales order a
delivery order of its goods (``stock.picking`` and ``stock.move``), left to do.
"""
import re

from ...mapping.converters import (ConversionError, Converters, convert_ref, is_empty,
                                   parse_datetime, value_at)
from ...mapping.messages import _
from .schema import Entity, SourceField as F, SourceObject

CONVERTERS = Converters()
converter = CONVERTERS.register

SALES = ("sale",)
INVOICING = ("account",)
PRODUCTS = ("product",)
DELIVERIES = ("sale", "stock")

#: Ploomes measurement units (free text) -> name of the Odoo 18 UoM they stand for.
UOM_ALIASES = {
    "un": "Units", "und": "Units", "unid": "Units", "unidade": "Units", "unidades": "Units",
    "u": "Units", "pç": "Units", "pc": "Units", "peça": "Units", "peca": "Units",
    "pcs": "Units", "units": "Units", "unit": "Units",
    "dz": "Dozens", "dúzia": "Dozens", "duzia": "Dozens",
    "kg": "kg", "quilo": "kg", "g": "g", "grama": "g", "t": "t", "ton": "t", "tonelada": "t",
    "m": "m", "metro": "m", "cm": "cm", "mm": "mm", "km": "km",
    "m²": "m²", "m2": "m²", "m³": "m³", "m3": "m³",
    "l": "L", "lt": "L", "litro": "L", "litros": "L", "ml": "ml",
    "h": "Hours", "hr": "Hours", "hora": "Hours", "horas": "Hours",
    "d": "Days", "dia": "Days", "dias": "Days",
}
SALE_ORDER_KEYS = ("orders", "order_sections", "order_lines", "order_states")
#: The objects of each choice of the map's ``order_target`` (the others are skipped).
ORDER_TARGETS = {
    "sale": SALE_ORDER_KEYS,
    "invoice": ("order_invoices", "order_invoice_sections", "order_invoice_lines",
                "order_invoice_totals"),
    "picking": SALE_ORDER_KEYS + ("order_pickings", "order_picking_moves"),
}
CANCELLED_WORDS = ("cancel",)  # Cancelado, Cancelada, Cancelled, Canceled
SECTION_STEP = 1000  # sequence of section n is n * SECTION_STEP, its lines follow it

ENTITIES = (
    Entity("Products@Families", expand="OtherProperties", lookup=True, delta=False),
    Entity("Products@Groups", expand="OtherProperties", lookup=True),
    Entity("Products", expand="OtherProperties,Parts"),
    Entity("Quotes@ApprovalStatus", lookup=True, delta=False),
    Entity("Orders@Stages", lookup=True, delta=False),
    Entity("Quotes", expand="OtherProperties,Sections($expand=OtherProperties)"),
    Entity("Quotes@Sections", nested_in="Quotes", nested_path="Sections", nested_key="QuoteId"),
    Entity("Quotes@Products", expand="Parts,OtherProperties", delta=False),
    Entity("Orders", expand="OtherProperties,Sections($expand=OtherProperties)"),
    Entity("Orders@Sections", nested_in="Orders", nested_path="Sections", nested_key="OrderId"),
    Entity("Orders@Products", expand="Parts,OtherProperties", delta=False),
)


# -- converters ---------------------------------------------------------------------------

@converter("product_category")
def convert_product_category(value, line, record, ctx):
    """A product's group, else its family, as its ``product.category``."""
    for path, entity in ((line.source, line.params.get("entity", "Products@Groups")),
                         (line.params.get("family_path", "FamilyId"),
                          line.params.get("family_entity", "Products@Families"))):
        key = value_at(record, path)
        if is_empty(key):
            continue
        res_id = ctx.resolve(entity, key)
        if res_id:
            return {line.target: res_id}
        ctx.problem("unresolved_reference", _("%(field)s %(value)s was not loaded: category left out."),
                    field=path, value=key)
    return {}


def uom_name(unit):
    """Name of the Odoo UoM a Ploomes measurement unit stands for, or None."""
    text = " ".join(str(unit or "").split()).rstrip(".").lower()
    return UOM_ALIASES.get(text)


@converter("uom")
def convert_uom(value, line, record, ctx):
    """A measurement unit (free text) into the Odoo UoM of that name, sale and purchase.

    The source text is always kept in ``params["keep_target"]``; a unit Odoo lacks
    leaves the product in Odoo's default unit, flagged.
    """
    values = {}
    if line.params.get("keep_target"):
        values[line.params["keep_target"]] = False if is_empty(value) else str(value).strip()
    if is_empty(value):
        return values
    name = uom_name(value)
    res_id = ctx.record_by_name("uom.uom", name) if name else None
    if not res_id:
        ctx.problem("unknown_uom", _("Unit %(value)r has no Odoo unit of measure: the product "
                                     "keeps Odoo's default unit."), value=value)
        return values
    values[line.target] = res_id
    if line.params.get("purchase_target"):
        values[line.params["purchase_target"]] = res_id
    return values


def money_text(amount):
    """``1234.5`` as ``1.234,50`` (Brazilian notation)."""
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


@converter("kit_parts")
def convert_kit_parts(value, line, record, ctx):
    """The parts of a kit as a readable list (Odoo has no kit without Manufacturing)."""
    rows = [row for row in value or () if isinstance(row, dict)]
    if not rows:
        return {line.target: False}
    items = []
    for row in sorted(rows, key=lambda r: r.get("Id") or 0):
        part = ctx.lookup(line.params.get("entity", "Products"), row.get("ProductPartId")) or {}
        if not part:
            ctx.problem("dangling_reference", _("Kit part %(id)s is not a product."),
                        id=row.get("ProductPartId"))
        name = part.get("Name") or f"Product {row.get('ProductPartId')}"
        code = f" [{part['Code']}]" if part.get("Code") else ""
        bits = [f"{row.get('DefaultQuantity') or 1} × {name}{code}"]
        if row.get("DefaultUnitPrice") is not None:
            bits.append(f"R$ {money_text(row['DefaultUnitPrice'])}")
        bits.append("required" if row.get("Required") else "optional")
        if row.get("MinimumQuantity") is not None or row.get("MaximumQuantity") is not None:
            bits.append(f"quantity {row.get('MinimumQuantity')}–{row.get('MaximumQuantity')}")
        items.append(", ".join(bits))
    lines = "".join(f"<li>{ctx_escape(item)}</li>" for item in items)
    return {line.target: f"<p>Kit (Ploomes parts):</p><ul>{lines}</ul>"}


def ctx_escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


@converter("format")
def convert_format(value, line, record, ctx):
    """A text made from the record: ``params["format"]`` with ``{Field}`` placeholders."""
    if is_empty(value):
        return {line.target: False}
    try:
        return {line.target: line.params["format"].format_map(_Fields(record, value))}
    except (KeyError, ValueError, IndexError) as exc:
        raise ConversionError("bad_format", _("Format %(format)r: %(error)s"),
                              format=line.params.get("format"), error=exc) from None


class _Fields(dict):
    def __init__(self, record, value):
        super().__init__(record)
        self["value"] = value

    def __missing__(self, key):
        return ""


def left_out_by(order_target):
    """Keys of the order objects the map's ``order_target`` does not load."""
    every = {key for keys in ORDER_TARGETS.values() for key in keys}
    return every - set(ORDER_TARGETS[order_target])


def is_cancelled_stage(name):
    """Whether an order stage's name says the order was cancelled."""
    return any(word in str(name or "").lower() for word in CANCELLED_WORDS)


@converter("local_date")
def convert_local_date(value, line, record, ctx):
    """A date (``YYYY-MM-DD`` or local midnight with offset) as its calendar day."""
    if is_empty(value):
        return {line.target: False}
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return {line.target: text}
    return {line.target: parse_datetime(text).date().isoformat()}


@converter("quote_state")
def convert_quote_state(value, line, record, ctx):
    """Ploomes quote status into Odoo's: accepted by the client -> ``sale`` (a sales
    order), shared with the client -> ``sent``, else ``draft``.

    The internal approval (``ApprovalStatusId``) is kept in a field of its own.
    """
    if record.get("ExternallyAccepted"):
        return {line.target: "sale"}
    if record.get("Shared") or record.get("ExternalSharingDate"):
        return {line.target: "sent"}
    return {line.target: "draft"}


@converter("order_state")
def convert_order_state(value, line, record, ctx):
    """An order is a confirmed sale (``sale``) unless its stage says it was cancelled."""
    stage = ctx.lookup(line.params.get("entity", "Orders@Stages"), value) if not is_empty(value) else None
    if is_cancelled_stage((stage or {}).get("Name")):
        return {line.target: "cancel"}
    return {line.target: "sale"}


@converter("quote_order")
def convert_quote_order(value, line, record, ctx):
    """The Odoo order of a quote revision: its own, else that of its latest revision."""
    if is_empty(value):
        return {line.target: False}
    entity = line.params.get("entity", "Quotes")
    res_id = ctx.resolve(entity, value)
    if not res_id:
        quote = ctx.lookup(entity, value) or {}
        latest = quote.get("LastReviewId")
        res_id = ctx.resolve(entity, latest) if latest and latest != value else None
        if not res_id:
            return convert_ref(value, line, record, ctx)
    return {line.target: res_id}


@converter("product_variant")
def convert_product_variant(value, line, record, ctx):
    """The Odoo product (``product.product``) of a Ploomes product loaded earlier."""
    if is_empty(value):
        return {line.target: False}
    res_id = ctx.resolve(line.params.get("entity", "Products#variant"), value)
    if not res_id:
        if ctx.exists_in_source("Products", value):
            ctx.problem("unresolved_reference",
                        _("Product %(id)s was not loaded (failed, held or outside the sample)."),
                        id=value)
        else:
            ctx.problem("dangling_reference", _("Product %(id)s does not exist in the source."),
                        "error", id=value)
    return {line.target: res_id or False}


@converter("user_partner")
def convert_user_partner(value, line, record, ctx):
    """A source user as the Odoo user id whose partner the loader writes (e.g. an author)."""
    if is_empty(value):
        return {line.target: False}
    return {line.target: ctx.user(value) or False}


def section_sequence(code):
    return (int(code or 0) + 1) * SECTION_STEP


@converter("section")
def convert_section(value, line, record, ctx):
    """A section (block) of a quote or order: a section line named after its position.

    Ploomes sections have no title, only their position (``Code``) in the document.
    """
    position = int(value or 0) + 1
    return {line.target: f"{line.params.get('label', 'Section')} {position}",
            line.params.get("sequence_target", "sequence"): section_sequence(value)}


@converter("line_sequence")
def convert_line_sequence(value, line, record, ctx):
    """The place of a line: after its section's line, in the document's order."""
    section = ctx.lookup(line.params["entity"], value) if not is_empty(value) else None
    base = section_sequence(section.get("Code")) if section else 0
    return {line.target: base + int(record.get("Ordination") or 0) + 1}


@converter("line_name")
def convert_line_name(value, line, record, ctx):
    """A line's description: the product name as the document shows it, and the parts
    of a kit (quantity, name, code) below it."""
    name = " ".join(str(value or "").split())
    if not name:
        product = ctx.lookup("Products", record.get("ProductId")) or {}
        name = product.get("Name") or f"Product {record.get('ProductId')}"
    parts = [f"- {p.get('Quantity')} × {p.get('ProductName')}"
             + (f" [{p['Code']}]" if p.get("Code") else "")
             for p in record.get(line.params.get("parts_path", "Parts")) or ()]
    return {line.target: "\n".join([name] + parts)}


# -- objects --------------------------------------------------------------------------------

def _order_fields(kind):
    """Fields shared by quotes and orders (both are ``sale.order``)."""
    return (
        F("Id", "Ploomes ID", "ID Ploomes", "id", "x_ploomes_id", "source_id",
          new_field=("char", "Ploomes ID")),
        F("ContactId", "Customer", "Cliente", "reference", "partner_id", "deal_partner",
          {"entity": "Contacts", "person_path": "PersonId"}, required=True,
          note="The contact person when there is one (Odoo shows their company), else the company."),
        F("DealId", "Deal", "Negócio", "reference", "opportunity_id", "ref",
          {"entity": "Deals", "module": "sale_crm"},
          note="Needs the sale_crm module (CRM and Sales both installed); without it the "
               "link is left out and the phase says so."),
        F("OwnerId", "Owner", "Responsável", "user", "user_id", "user"),
        F("Date", "Date", "Data", "datetime", "date_order", "datetime",
          note="The original date of the document, not the migration's."),
        F("CreateDate", "Created on", "Criado em", "datetime", "create_date", "datetime"),
        F("ApprovalStatusId", "Approval status", "Status de aprovação", "reference",
          "x_ploomes_approval", "lookup_name", {"entity": "Quotes@ApprovalStatus"},
          new_field=("char", "Approval status (Ploomes)", "Status de aprovação (Ploomes)"),
          note="Odoo has no approval workflow on quotations (Sales has no such app in "
               "Community): the Ploomes approval status is kept as text."),
        F("Amount", "Amount", "Valor", "money", None,
          note="Not written: Odoo computes it from the lines. Checked after the lines "
               "load; a difference is reported as 'total_mismatch'."),
        F("Discount", "Discount", "Desconto", "percent", None,
          note="A discount on the whole document has no Odoo equivalent (only per line): "
               "not migrated; the total check reports it."),
        F("CurrencyId", "Currency", "Moeda", "reference", None,
          note="Orders are in the pricelist's currency (the company's)."),
        F("DocumentUrl", "Document", "Documento", "url", None,
          note="The generated PDF stays in Ploomes (attachments are migrated separately)."),
        F("TemplateId", "Template", "Modelo", "reference", None,
          note="Ploomes document templates have no Odoo equivalent."),
    )


QUOTE_FIELDS = _order_fields("quote") + (
    F("QuoteNumber", "Quote number", "Número da proposta", "integer", "origin", "format",
      {"format": "Ploomes quote {QuoteNumber} rev. {ReviewNumber}"},
      note="Odoo numbers orders itself; the Ploomes quote number and revision go to "
           "'Source document'."),
    F("ExpirationDate", "Valid until", "Validade", "date", "validity_date", "local_date"),
    F("Notes", "Notes", "Observações", "text", "note", "html",
      note="The quote's notes become its terms and conditions."),
    F("Title", "Title", "Título", "string", None,
      note="Odoo orders have no title of their own."),
    F("Description", "Description", "Descrição", "text", None),
    F("PaymentMethod", "Payment method", "Forma de pagamento", "string", None,
      note="Free text in Ploomes; Odoo payment terms are records (map it if they match)."),
    F("DeliveryTime", "Delivery time", "Prazo de entrega", "string", None),
)

ORDER_FIELDS = _order_fields("order") + (
    F("OrderNumber", "Order number", "Número do pedido", "integer", "origin", "format",
      {"format": "Ploomes order {OrderNumber}"},
      note="Odoo numbers orders itself; the Ploomes order number goes to 'Source document'."),
    F("OriginQuoteId", "Quote", "Proposta", "reference", "x_ploomes_quote_id", "quote_order",
      {"entity": "Quotes", "relation": "sale.order"},
      new_field=("many2one", "Quotation (Ploomes)", "Cotação (Ploomes)"),
      note="The quotation (latest revision of the Ploomes quote) this order came from."),
    F("StageId", "Stage", "Estágio", "reference", "x_ploomes_stage", "lookup_name",
      {"entity": "Orders@Stages"}, new_field=("char", "Order stage (Ploomes)", "Estágio do pedido (Ploomes)"),
      note="Odoo orders have no stages: the Ploomes stage is kept as text, a cancelled "
           "stage also cancels the order."),
    F("Description", "Description", "Descrição", "text", "note", "html"),
    F("InternalComments", "Internal comments", "Comentários internos", "text", None),
    F("Commission", "Commission", "Comissão", "percent", None,
      note="Commissions need an app Odoo Community lacks."),
)


def _line_fields(parent_entity, parent_col, section_entity):
    return (
        F(parent_col, "Document", "Documento", "reference", "order_id", "ref",
          {"entity": parent_entity}, required=True),
        F("SectionId", "Section", "Bloco", "reference", "sequence", "line_sequence",
          {"entity": section_entity},
          note="Lines follow their section in the document's order."),
        F("ProductId", "Product", "Produto", "reference", "product_id", "product_variant",
          {"entity": "Products#variant"},
          note="The product's single variant (Ploomes has no variants)."),
        F("ProductName", "Description", "Descrição", "string", "name", "line_name",
          note="The product name as the document shows it; a kit's parts are listed below it."),
        F("Quantity", "Quantity", "Quantidade", "decimal", "product_uom_qty", "float"),
        F("UnitPrice", "Unit price", "Preço unitário", "money", "price_unit", "float"),
        F("Discount", "Discount (%)", "Desconto (%)", "percent", "discount", "float",
          note="Ploomes discounts are percentages, as Odoo's."),
        F("Total", "Total", "Total", "money", None,
          note="Computed by Odoo (quantity × price × (1 − discount)); no tax is added."),
        F("Parts", "Kit parts", "Partes", "list", None,
          note="Listed in the line's description (see ProductName)."),
    )


def _section_fields(parent_entity, parent_col):
    return (
        F(parent_col, "Document", "Documento", "reference", "order_id", "ref",
          {"entity": parent_entity}, required=True),
        F("Code", "Position", "Posição", "integer", "name", "section", {"label": "Bloco"},
          note="Ploomes blocks have no title: a section line 'Bloco n' opens each block."),
        F("Discount", "Section discount", "Desconto do bloco", "percent", None,
          note="A discount on a whole block has no Odoo equivalent: not migrated; the total "
               "check reports it."),
        F("Total", "Section total", "Total do bloco", "money", None),
    )


LINE_DEFAULTS = {"tax_id": [(6, 0, [])]}
#: Custom fields (``/Fields`` with these EntityIds) of each object go through the generic
#: custom-field proposal: 11 product group, 10 product, 7 quote, 8 quote section, 14 quote
#: line, 4 order, 5 order section, 20 order line.
#: Required Odoo fields that Odoo computes for the records of each model (no line needed):
#: the objects declare them as filled without the map (``loader_fills``).
COMPUTED = {
    "product.template": ("uom_po_id",),
    "sale.order": ("partner_invoice_id", "partner_shipping_id"),
    "sale.order.line": ("customer_lead", "price_unit"),
    "account.move": ("journal_id", "date", "currency_id"),
    "account.move.line": ("currency_id", "display_type"),
    "stock.picking": ("location_id", "location_dest_id", "move_type"),
    "stock.move": ("location_dest_id", "partner_id"),
}
#: What the delivery loaders fill from the sales order and its products (not from the map).
DELIVERY_FILLS = {
    "stock.picking": ("picking_type_id", "partner_id", "origin"),
    "stock.move": ("picking_type_id", "location_id", "product_uom", "group_id"),
}

INVOICE_FIELDS = (
    F("Id", "Ploomes ID", "ID Ploomes", "id", "x_ploomes_id", "source_id",
      new_field=("char", "Ploomes ID")),
    F("ContactId", "Customer", "Cliente", "reference", "partner_id", "deal_partner",
      {"entity": "Contacts", "person_path": "PersonId"}, required=True),
    F("OrderNumber", "Order number", "Número do pedido", "integer", "invoice_origin", "format",
      {"format": "Ploomes order {OrderNumber}"}),
    F("OwnerId", "Owner", "Responsável", "user", "invoice_user_id", "user"),
    F("Date", "Date", "Data", "datetime", "invoice_date", "local_date",
      note="The order's date (its local calendar day) becomes the invoice date."),
    F("CreateDate", "Created on", "Criado em", "datetime", "create_date", "datetime"),
    F("Description", "Description", "Descrição", "text", "narration", "html"),
    F("DealId", "Deal", "Negócio", "reference", None,
      note="Customer invoices have no opportunity link in Odoo."),
    F("Amount", "Amount", "Valor", "money", None,
      note="Computed by Odoo from the lines and checked against the source."),
)


def _invoice_line_fields(section=False):
    parent = F("OrderId", "Invoice", "Fatura", "reference", "move_id", "ref",
               {"entity": "Orders#invoice"}, required=True)
    if section:
        return (parent,) + _section_fields("Orders", "OrderId")[1:]
    lines = _line_fields("Orders", "OrderId", "Orders@Sections")[1:]
    return (parent,) + tuple(
        F(spec.path, spec.label, spec.label_pt, spec.type,
          {"product_uom_qty": "quantity"}.get(spec.target, spec.target), spec.converter,
          spec.params, note=spec.note)
        for spec in lines)


PICKING_FIELDS = (
    F("OrderNumber", "Order number", "Número do pedido", "integer", None,
      note="The delivery order of the order's sales order: its customer is the order's "
           "delivery address, its source document the sales order's reference; with "
           "sale_stock it is linked to the order through the order's procurement group, "
           "as Odoo does."),
    F("Date", "Date", "Data", "datetime", "scheduled_date", "datetime",
      note="The order's date is the delivery's scheduled date."),
    F("CreateDate", "Created on", "Criado em", "datetime", "create_date", "datetime"),
    F("Description", "Description", "Descrição", "text", "note", "html",
      note="The order's description (often its delivery terms) is also the delivery's note."),
    F("StageId", "Stage", "Estágio", "reference", None,
      note="Deliveries are left to do, whatever the Ploomes stage (e.g. 'Entregue'): "
           "validating one moves stock, which the migration never does. The stage stays "
           "on the sales order."),
)

MOVE_FIELDS = (
    F("OrderId", "Delivery", "Entrega", "reference", "picking_id", "ref",
      {"entity": "Orders#picking"}, required=True),
    F("Id", "Order line", "Item da venda", "reference", "sale_line_id", "ref",
      {"entity": "Orders@Products", "module": "sale_stock"},
      note="The sales order line it delivers (sale_stock)."),
    F("ProductId", "Product", "Produto", "reference", "product_id", "product_variant",
      {"entity": "Products#variant"},
      note="Services (and lines without a product) are not delivered: left out, said."),
    F("ProductName", "Description", "Descrição", "string", "name", "line_name"),
    F("Quantity", "Quantity", "Quantidade", "decimal", "product_uom_qty", "float",
      note="The quantity to deliver, in the product's unit of measure."),
    F("OrderDate", "Date", "Data", "datetime", "date", "datetime",
      note="The order's date, as the delivery's."),
    F("UnitPrice", "Unit price", "Preço unitário", "money", None,
      note="A delivery has no prices: they stay on the sales order line."),
)

OBJECTS = (
    SourceObject(
        "product_families", "Products@Families", "Product families", "Famílias de produtos",
        "product.category", 60, requires=PRODUCTS,
        fields=(F("Name", "Name", "Nome", "string", "name", "text", required=True,
                  note="Families become top-level product categories."),),
    ),
    SourceObject(
        "product_groups", "Products@Groups", "Product groups", "Grupos de produtos",
        "product.category", 61, custom_scope=11, requires=PRODUCTS,
        fields=(
            F("Name", "Name", "Nome", "string", "name", "text", required=True),
            F("FamilyId", "Family", "Família", "reference", "parent_id", "ref",
              {"entity": "Products@Families"},
              note="Groups become categories under their family's category."),
            F("FixedPrice", "Fixed price", "Preço fixo", "boolean", None,
              note="Odoo categories have no price rule of their own."),
        ),
    ),
    SourceObject(
        "products", "Products", "Products", "Produtos", "product.template", 62,
        loader_fills=COMPUTED["product.template"], custom_scope=10, requires=PRODUCTS,
        loader="crm.migration.loader.product", needs=("Currencies",),
        defaults={"sale_ok": True, "taxes_id": [(6, 0, [])]},
        fields=(
            F("Id", "Ploomes ID", "ID Ploomes", "id", "x_ploomes_id", "source_id",
              new_field=("char", "Ploomes ID")),
            F("Name", "Name", "Nome", "string", "name", "name", {"placeholder": "Ploomes product"},
              required=True),
            F("Code", "Code (SKU)", "Código", "string", "default_code", "direct"),
            F("UnitPrice", "Unit price", "Preço unitário", "money", "list_price", "money",
              note="No sales tax is set on migrated products, so that Odoo totals equal "
                   "Ploomes totals; add taxes after the migration."),
            F("GroupId", "Group", "Grupo", "reference", "categ_id", "product_category",
              {"entity": "Products@Groups", "family_path": "FamilyId"},
              note="The group's category (under its family's); the family's when the "
                   "product has no group."),
            F("MeasurementUnit", "Unit", "Unidade de medida", "string", "uom_id", "uom",
              {"purchase_target": "uom_po_id", "keep_target": "x_ploomes_unit"},
              aux_fields=(("x_ploomes_unit", "char", "Unit (Ploomes)", "Unidade (Ploomes)"),),
              note="Matched by name to an Odoo unit of measure (un/pç → Units, h → Hours…); "
                   "an unknown unit keeps Odoo's default, is flagged and stays in "
                   "'Unit (Ploomes)'."),
            F("Suspended", "Suspended", "Suspenso", "boolean", "active", "inverse_boolean",
              note="Suspended products are archived."),
            F("Parts", "Kit parts", "Partes (kit)", "list", "description", "kit_parts",
              {"entity": "Products"},
              note="Odoo Community has no kit without the Manufacturing app: the parts of a "
                   "kit are listed in the product's internal description."),
            F("ImageUrl", "Image", "Imagem", "url", None,
              note="Not migrated: the image stays in Ploomes (add it to the product after)."),
            F("CreateDate", "Created on", "Criado em", "datetime", "create_date", "datetime"),
        ),
    ),
    SourceObject(
        "quotes", "Quotes", "Quotes", "Propostas", "sale.order", 90,
        where={"LastReview": True}, loader_fills=COMPUTED["sale.order"], custom_scope=7,
        requires=SALES, loader="crm.migration.loader.sale.order",
        needs=("Quotes@ApprovalStatus",), fields=QUOTE_FIELDS,
    ),
    SourceObject(
        "quote_sections", "Quotes@Sections", "Quote sections", "Blocos de propostas",
        "sale.order.line", 91, loader_fills=COMPUTED["sale.order.line"], custom_scope=8,
        requires=SALES, loader="crm.migration.loader.sale.line",
        defaults={"display_type": "line_section"}, fields=_section_fields("Quotes", "QuoteId"),
    ),
    SourceObject(
        "quote_lines", "Quotes@Products", "Quote lines", "Itens de propostas",
        "sale.order.line", 92, loader_fills=COMPUTED["sale.order.line"], custom_scope=14,
        requires=SALES, loader="crm.migration.loader.sale.line",
        defaults=LINE_DEFAULTS, needs=("Products",),
        fields=_line_fields("Quotes", "QuoteId", "Quotes@Sections"),
    ),
    SourceObject(
        "quote_revisions", "Quotes", "Quote revisions", "Revisões de propostas",
        "mail.message", 93, where={"LastReview": False}, identity="Quotes#revision",
        requires=SALES, loader="crm.migration.loader.quote.revision",
        needs=("Quotes@Products",),
        fields=(
            F("LastReviewId", "Latest revision", "Última revisão", "reference", "res_id",
              "quote_order", {"entity": "Quotes"}, required=True,
              note="Earlier revisions are kept in the chatter of the order made from the "
                   "latest one: date, amount, approval and every line."),
            F("Date", "Date", "Data", "datetime", "date", "datetime",
              note="The message is dated when the revision was made."),
            F("OwnerId", "Owner", "Responsável", "user", "author_id", "user_partner",
              note="The owner's Odoo user signs the note; an owner without one (even with a "
                   "fallback owner) is shown by name and e-mail."),
        ),
    ),
    SourceObject(
        "quote_states", "Quotes", "Quote status", "Situação das propostas", "sale.order", 94,
        where={"LastReview": True}, identity="Quotes", creates=False, requires=SALES,
        loader="crm.migration.loader.sale.state", needs=("Orders",),
        fields=(
            F("ExternallyAccepted", "Status", "Situação", "boolean", "state", "quote_state",
              note="Accepted by the client: sales order; shared with the client: quotation "
                   "sent; else draft. A quote that became a Ploomes order stays a sent "
                   "quotation (the order is the sale). Written after the lines, without "
                   "Odoo's confirmation (no e-mail, no delivery)."),
        ),
    ),
    SourceObject(
        "orders", "Orders", "Orders", "Vendas", "sale.order", 100,
        loader_fills=COMPUTED["sale.order"], custom_scope=4, requires=SALES,
        loader="crm.migration.loader.sale.order",
        needs=("Quotes@ApprovalStatus", "Orders@Stages"), fields=ORDER_FIELDS,
    ),
    SourceObject(
        "order_sections", "Orders@Sections", "Order sections", "Blocos de vendas",
        "sale.order.line", 101, loader_fills=COMPUTED["sale.order.line"], custom_scope=5,
        requires=SALES, loader="crm.migration.loader.sale.line",
        defaults={"display_type": "line_section"}, fields=_section_fields("Orders", "OrderId"),
    ),
    SourceObject(
        "order_lines", "Orders@Products", "Order lines", "Itens de vendas", "sale.order.line", 102,
        loader_fills=COMPUTED["sale.order.line"], custom_scope=20, requires=SALES,
        loader="crm.migration.loader.sale.line", defaults=LINE_DEFAULTS,
        needs=("Products",), fields=_line_fields("Orders", "OrderId", "Orders@Sections") + (
            F("Bonus", "Bonus", "Bonificação", "boolean", None,
              note="A bonus line keeps its price; Odoo has no bonus flag."),
        ),
    ),
    SourceObject(
        "order_states", "Orders", "Order status", "Situação das vendas", "sale.order", 103,
        identity="Orders", creates=False, requires=SALES, loader="crm.migration.loader.sale.state",
        needs=("Orders@Stages",),
        fields=(
            F("StageId", "Status", "Situação", "reference", "state", "order_state",
              {"entity": "Orders@Stages"},
              note="A Ploomes order is a confirmed sales order (cancelled if its stage says "
                   "so), written after its lines without Odoo's confirmation: no e-mail, "
                   "no delivery, no invoice."),
        ),
    ),
    # The map may add deliveries to the sales orders (``order_target`` "picking").
    SourceObject(
        "order_pickings", "Orders", "Delivery orders", "Entregas das vendas", "stock.picking",
        104, identity="Orders#picking", requires=DELIVERIES,
        loader_fills=COMPUTED["stock.picking"] + DELIVERY_FILLS["stock.picking"],
        loader="crm.migration.loader.delivery", needs=("Orders@Stages",), fields=PICKING_FIELDS,
    ),
    SourceObject(
        "order_picking_moves", "Orders@Products", "Delivery order lines", "Itens das entregas",
        "stock.move", 109, identity="Orders@Products#picking", requires=DELIVERIES,
        loader_fills=COMPUTED["stock.move"] + DELIVERY_FILLS["stock.move"],
        loader="crm.migration.loader.delivery.move", needs=("Products",), fields=MOVE_FIELDS,
    ),
    # The map may send orders to draft customer invoices instead (``order_target``).
    SourceObject(
        "order_invoices", "Orders", "Orders as invoices", "Vendas como faturas", "account.move",
        105, identity="Orders#invoice", loader_fills=COMPUTED["account.move"], custom_scope=4,
        requires=INVOICING,
        loader="crm.migration.loader.sale.order", defaults={"move_type": "out_invoice"},
        fields=INVOICE_FIELDS,
    ),
    SourceObject(
        "order_invoice_sections", "Orders@Sections", "Invoice sections", "Blocos de faturas",
        "account.move.line", 106, identity="Orders@Sections#invoice",
        loader_fills=COMPUTED["account.move.line"], requires=INVOICING,
        loader="crm.migration.loader.sale.line", defaults={"display_type": "line_section"},
        fields=_invoice_line_fields(section=True),
    ),
    SourceObject(
        "order_invoice_lines", "Orders@Products", "Invoice lines", "Itens de faturas",
        "account.move.line", 107, identity="Orders@Products#invoice",
        loader_fills=COMPUTED["account.move.line"], requires=INVOICING,
        loader="crm.migration.loader.sale.line", defaults={"tax_ids": [(6, 0, [])]},
        needs=("Products",), fields=_invoice_line_fields(),
    ),
    SourceObject(
        "order_invoice_totals", "Orders", "Invoice totals", "Totais das faturas", "account.move",
        108, identity="Orders#invoice", creates=False, requires=INVOICING,
        loader="crm.migration.loader.sale.state",
    ),
)
