"""Loaders of the sales objects: products, quotes and orders, their lines, history and status.

Every sales write runs with ``skip_procurement`` and without tracking, and an order's
status is written directly once its lines are in: Odoo's confirmation (``action_confirm``)
is never called, so no e-mail is sent, no delivery and no invoice is created by Odoo.
Only when the map asks for them (``order_target`` "picking") does the migration add the
orders' deliveries itself, left to do.
"""
import html

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount

from ....mapping.converters import parse_datetime
from ..sales import is_cancelled_stage, left_out_by
from ....models.crm_migration_journal import snapshot
from ....models.crm_migration_loader import QUIET, OdooConversionContext

SALES_CONTEXT = {"skip_procurement": True, "mail_notify_force_send": False}
TOTAL_TOLERANCE = 0.01 + 1e-6  # a cent (global rounding) is not a mismatch


class CrmMigrationLoaderSales(models.AbstractModel):
    """What every sales loader shares: the map's choice of what orders become."""

    _name = "crm.migration.loader.sales"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Sales"

    def _skipped_by_map(self, fmap, obj):
        target = fmap.order_target or "sale"
        if obj.key in left_out_by(target):
            return {
                "sale": self.env._("Skipped: the map sends orders to sales orders, without "
                                   "delivery orders."),
                "invoice": self.env._("Skipped: the map sends orders to draft customer invoices."),
                "picking": self.env._("Skipped: the map sends orders to sales orders with "
                                      "delivery orders."),
            }[target]
        return super()._skipped_by_map(fmap, obj)


class CrmMigrationLoaderProduct(models.AbstractModel):
    """Products: each template's single variant is what order lines point at."""

    _name = "crm.migration.loader.product"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Products"

    VARIANT_ENTITY = "Products#variant"

    def _after_load(self, ctx, phase, obj, items):
        res = super()._after_load(ctx, phase, obj, items)
        pairs = []
        for rec, _values, _problems, record in items:
            variant = record.with_context(active_test=False).product_variant_ids[:1]
            if variant:
                pairs.append((rec.source_key, variant.id))
        self.env["crm.migration.identity"]._bind(
            phase.run_id.source_id, self.VARIANT_ENTITY, pairs, "product.product", phase.run_id)
        return res


class CrmMigrationLoaderSaleOrder(models.AbstractModel):
    """Quotes (latest revision) and orders: draft sale orders, their status comes last."""

    _name = "crm.migration.loader.sale.order"
    _inherit = "crm.migration.loader.sales"
    _description = "Migration Loader: Sale Orders"

    def _phase_notice(self, run, obj):
        if obj.model == "sale.order" and "opportunity_id" not in self.env["sale.order"]._fields:
            return self.env._("sale_crm is not installed: %(object)s are not linked to their "
                              "opportunities.", object=obj.label_in(self.env.lang).lower())
        return None

    def _skip_reason(self, ctx, obj, payload, values):
        if not values.get("partner_id"):
            return self.env._("Its customer (contact %s) was not loaded: an order needs one.",
                              payload.get("PersonId") or payload.get("ContactId"))
        return None

    def _load_batch(self, phase, obj, staged):
        if obj.entity == "Quotes":
            self._adopt_revisions(phase.run_id, staged)
        return super(CrmMigrationLoaderSaleOrder, self.with_context(**SALES_CONTEXT))._load_batch(
            phase, obj, staged)

    def _adopt_revisions(self, run, staged):
        """A quote's new latest revision takes over the order of its earlier revision.

        One order per quote number: when a revision made after an earlier migration
        arrives, its Ploomes id is bound to the order the quote already has, which is
        then updated (its superseded lines are removed by the line phases).
        """
        source = run.source_id
        identities = self.env["crm.migration.identity"]
        orders = self.env["sale.order"]
        known = identities._resolve(source, "Quotes", staged.mapped("source_key"))
        alive = set(orders.browse([res_id for _m, res_id in known.values()]).exists().ids)
        payloads = staged._payloads()
        missing = {str(payloads[rec.id].get("QuoteNumber")): rec.source_key for rec in staged
                   if known.get(rec.source_key, (None, None))[1] not in alive
                   and payloads[rec.id].get("QuoteNumber") is not None}
        if not missing:
            return
        rows = self.env["crm.migration.record"]._payloads_with(
            source, "Quotes", "QuoteNumber", missing, live=False)
        number_of = {key: str(payload["QuoteNumber"]) for key, payload in rows
                     if key != missing.get(str(payload["QuoteNumber"]))}
        others = identities._resolve(source, "Quotes", list(number_of))
        existing = set(orders.browse([res_id for model, res_id in others.values()
                                      if model == "sale.order"]).exists().ids)
        adopted = {}
        for key, (model, res_id) in others.items():
            if model == "sale.order" and res_id in existing:
                number = number_of[key]
                adopted[number] = max(adopted.get(number, 0), res_id)
        pairs = [(missing[number], res_id) for number, res_id in adopted.items()]
        identities._bind(source, "Quotes", pairs, "sale.order", run)


class CrmMigrationLoaderSaleLine(models.AbstractModel):
    """Sections and lines of quotes and orders (``sale.order.line``).

    Lines of earlier quote revisions are not lines of any order: they are skipped here
    and shown in the revision's history message instead.
    """

    _name = "crm.migration.loader.sale.line"
    _inherit = "crm.migration.loader.sales"
    _description = "Migration Loader: Sale Order Lines"

    #: Written together with any change of product or quantity, so that Odoo's
    #: price and discount recomputation never replaces the source's.
    PRICE_FIELDS = ("price_unit", "discount", "tax_id", "tax_ids")
    QUANTITY_FIELDS = ("product_id", "product_uom_qty", "product_uom", "quantity", "product_uom_id")

    def _parent(self, obj):
        """(staging entity, payload column) of the document a line belongs to."""
        return ("Quotes", "QuoteId") if obj.entity.startswith("Quotes") else ("Orders", "OrderId")

    def _earlier_revision(self, ctx, obj, payload):
        """The quote revision a line belongs to when it is not the latest one."""
        entity, column = self._parent(obj)
        parent = ctx.lookup(entity, payload.get(column)) or {}
        return parent if entity == "Quotes" and parent.get("LastReview") is False else None

    def _transform(self, ctx, obj, lines, staged):
        """Lines of earlier revisions have no order by design: that is no problem."""
        result = super()._transform(ctx, obj, lines, staged)
        payloads = ctx.payloads(staged)
        column = self._parent(obj)[1]
        for rec, _values, problems in result:
            if self._earlier_revision(ctx, obj, payloads[rec.id]):
                problems[:] = [problem for problem in problems if not (
                    problem.code == "unresolved_reference" and problem.field == column)]
        return result

    def _skip_reason(self, ctx, obj, payload, values):
        entity, column = self._parent(obj)
        parent = self._earlier_revision(ctx, obj, payload)
        if parent:
            return self.env._(
                "Belongs to revision %(rev)s of quote %(number)s, an earlier revision: kept in "
                "the history of the quote's order.",
                rev=parent.get("ReviewNumber"), number=parent.get("QuoteNumber"))
        if not values.get("move_id" if obj.model == "account.move.line" else "order_id"):
            return self.env._("Its document (%(entity)s %(id)s) was not loaded.",
                              entity=entity, id=payload.get(column))
        if not values.get("display_type") and not values.get("product_id"):
            return self.env._("Its product %s was not loaded: Odoo needs a product on a line.",
                              payload.get("ProductId"))
        return None

    def _changes(self, record, values):
        changes = super()._changes(record, values)
        if set(self.QUANTITY_FIELDS) & set(changes):
            changes.update({name: values[name] for name in self.PRICE_FIELDS if name in values})
        return changes

    #: What it takes to create a removed line again (rollback).
    RECREATE_FIELDS = ("order_id", "display_type", "product_id", "name", "product_uom_qty",
                       "product_uom", "price_unit", "discount", "tax_id", "sequence")

    def _load_batch(self, phase, obj, staged):
        this = self.with_context(**SALES_CONTEXT)
        counts = super(CrmMigrationLoaderSaleLine, this)._load_batch(phase, obj, staged)
        if obj.model == "sale.order.line" and obj.entity.startswith("Quotes"):
            this._retire_superseded(phase, obj, staged)
        return counts

    def _retire_superseded(self, phase, obj, staged):
        """Remove from its order a line loaded when its revision was the latest one.

        The removal is journaled with the line's values, so a rollback puts it back.
        A confirmed order keeps its lines (Odoo forbids removing them): the line's
        quantity is set to 0 instead, and said.
        """
        run = phase.run_id
        payloads = staged._payloads()
        keys = {str(payload.get("QuoteId")) for payload in payloads.values()}
        quotes = self.env["crm.migration.record"]._payloads_by_key(
            run.source_id, "Quotes", keys, live=False)
        old = [rec for rec in staged
               if (quotes.get(str(payloads[rec.id].get("QuoteId"))) or {}).get("LastReview") is False]
        if not old:
            return
        known = self.env["crm.migration.identity"]._resolve(
            run.source_id, obj.identity_entity, [rec.source_key for rec in old])
        by_id = {res_id: rec for rec in old
                 for model, res_id in [known.get(rec.source_key, (None, None))]
                 if model == obj.model}
        lines = self.env[obj.model].with_context(**QUIET).browse(list(by_id)).exists()
        if not lines:
            return
        values = snapshot(lines, self.RECREATE_FIELDS)
        removed, zeroed, issues = {}, {}, []
        for line in lines:
            rec = by_id[line.id]
            try:
                with self.env.cr.savepoint():
                    line.unlink()
                    lines.env.flush_all()  # the order's new total, computed quietly
                removed[line.id] = values[line.id]
                message = self.env._("Its revision was superseded: the line was removed from the order.")
            except UserError:
                zeroed[line.id] = {"product_uom_qty": line.product_uom_qty}
                line.product_uom_qty = 0
                lines.env.flush_all()
                message = self.env._("Its revision was superseded, but the order is confirmed and "
                                     "Odoo keeps its lines: the quantity was set to 0.")
            issues.append(self._issue(phase, obj, rec, "superseded_line", "info", message))
        journal = self.env["crm.migration.journal"]
        journal._log(run, phase.key, "unlink", obj.model, removed)
        journal._log(run, phase.key, "write", obj.model, zeroed)
        self.env["crm.migration.issue"].create(issues)


class CrmMigrationLoaderQuoteRevision(models.AbstractModel):
    """Earlier revisions of a quote: a dated note in the chatter of its order."""

    _name = "crm.migration.loader.quote.revision"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Quote Revisions"

    def _skip_reason(self, ctx, obj, payload, values):
        if not values.get("res_id"):
            return self.env._("Its latest revision (%s) was not loaded: no order to keep it on.",
                              payload.get("LastReviewId"))
        return None

    def _after_load(self, ctx, phase, obj, items):
        """An earlier revision stands for its quote's order too (e.g. for its attachments)."""
        res = super()._after_load(ctx, phase, obj, items)
        run = phase.run_id
        self.env["crm.migration.identity"]._bind(
            run.source_id, "Quotes",
            [(rec.source_key, values["res_id"]) for rec, values, _p, _r in items if values.get("res_id")],
            "sale.order", run)
        return res

    def _postprocess(self, obj, payload, values):
        values = dict(values)
        values.update({
            "model": "sale.order",
            "message_type": "comment",
            "subtype_id": self.env.ref("mail.mt_note").id,
        })
        if not values.get("date"):
            values.pop("date", None)
        return values

    def _transform(self, ctx, obj, lines, staged):
        result = super()._transform(ctx, obj, lines, staged)
        payloads = ctx.payloads(staged)
        by_quote = self._revision_lines([rec.source_key for rec, _v, _p in result])
        matches = {match.source_key: match for match in self.env["crm.migration.user.match"].search(
            [("source_id", "=", ctx.source.id)])}
        for rec, values, _problems in result:
            payload = payloads[rec.id]
            approval = ctx.lookup("Quotes@ApprovalStatus", payload.get("ApprovalStatusId")) or {}
            values["body"] = self._revision_body(payload, by_quote.get(rec.source_key, []), approval)
            if "author_id" in values:
                values.update(self._author(matches.get(str(payload.get("OwnerId")))))
        return result

    def _author(self, match):
        """The note's author: the owner's Odoo user, never a fallback user; an owner with
        no Odoo user is shown by name and e-mail."""
        if match and match.user_id:
            partner = match.user_id.partner_id
            return {"author_id": partner.id, "email_from": partner.email_formatted or False}
        if match:
            text = f"{match.name} <{match.email}>" if match.email else match.name
            return {"author_id": False, "email_from": text or False}
        return {"author_id": False, "email_from": False}

    def _revision_lines(self, quote_keys):
        """{quote id: its staged lines in document order} of a batch of revisions."""
        by_quote = {}
        if not quote_keys:
            return by_quote
        source = self.env["crm.migration.source"].browse(self.env.context["migration_source_id"])
        for _key, line in self.env["crm.migration.record"]._payloads_with(
                source, "Quotes@Products", "QuoteId", quote_keys):
            by_quote.setdefault(str(line["QuoteId"]), []).append(line)
        for lines in by_quote.values():
            lines.sort(key=lambda line: (line.get("Ordination") or 0, line.get("Id") or 0))
        return by_quote

    def _revision_body(self, payload, lines, approval):
        """The revision as HTML: its facts, then its lines (in the user's language)."""
        esc = html.escape
        currency = self.env.company.currency_id

        def money(amount):
            return esc(format_amount(self.env, amount or 0.0, currency))

        date = payload.get("Date")
        try:
            day = parse_datetime(date).strftime("%d/%m/%Y %H:%M") if date else "-"
        except ValueError:
            day = str(date)
        facts = [
            (self.env._("Date"), day),
            (self.env._("Amount"), format_amount(self.env, payload.get("Amount") or 0.0, currency)),
            (self.env._("Approval"), approval.get("Name") or "-"),
        ]
        if payload.get("ExpirationDate"):
            facts.append((self.env._("Valid until"), str(payload["ExpirationDate"])[:10]))
        header = "".join(f"<th>{esc(label)}</th>" for label in (
            self.env._("Product"), self.env._("Quantity"), self.env._("Unit price"),
            self.env._("Discount"), self.env._("Total")))
        rows = "".join(
            f"<tr><td>{esc(str(line.get('ProductName') or line.get('ProductId')))}</td>"
            f"<td>{esc(str(line.get('Quantity')))}</td>"
            f"<td>{money(line.get('UnitPrice'))}</td>"
            f"<td>{esc(str(line.get('Discount') or 0))}%</td>"
            f"<td>{money(line.get('Total'))}</td></tr>"
            for line in lines)
        title = self.env._("Ploomes quote %(number)s, revision %(revision)s",
                           number=payload.get("QuoteNumber"), revision=payload.get("ReviewNumber"))
        return (
            f"<p><b>{esc(title)}</b> (id {esc(str(payload.get('Id')))})</p>"
            "<ul>" + "".join(f"<li>{esc(k)}: {esc(v)}</li>" for k, v in facts) + "</ul>"
            f"<table><tr>{header}</tr>{rows}</table>"
        )

    def _load_batch(self, phase, obj, staged):
        return super(CrmMigrationLoaderQuoteRevision, self.with_context(
            migration_source_id=phase.run_id.source_id.id))._load_batch(phase, obj, staged)

    def _validate_batch(self, phase, obj, staged):
        return super(CrmMigrationLoaderQuoteRevision, self.with_context(
            migration_source_id=phase.run_id.source_id.id))._validate_batch(phase, obj, staged)


class CrmMigrationLoaderSaleState(models.AbstractModel):
    """The status of quotes and orders, written once their lines are in; then the totals
    are compared with the source's."""

    _name = "crm.migration.loader.sale.state"
    _inherit = "crm.migration.loader.sales"
    _description = "Migration Loader: Sale Order Status"

    def _skip_reason(self, ctx, obj, payload, values):
        if not ctx.resolve(obj.identity_entity, payload.get("Id")):
            return self.env._("The %(entity)s record %(id)s was not loaded: no status to set.",
                              entity=obj.entity, id=payload.get("Id"))
        return None

    def _transform(self, ctx, obj, lines, staged):
        result = super()._transform(ctx, obj, lines, staged)
        accepted = [rec.source_key for rec, values, _p in result if values.get("state") == "sale"]
        if obj.entity == "Quotes" and accepted:
            ordered = self._quotes_with_orders(accepted)
            for rec, values, _problems in result:
                if rec.source_key in ordered:
                    values["state"] = "sent"  # the Ploomes order made from it is the sale
        return result

    def _quotes_with_orders(self, quote_keys):
        """The quotes among ``quote_keys`` that a staged Ploomes order was made from."""
        source = self.env["crm.migration.source"].browse(self.env.context["migration_source_id"])
        return {str(order["OriginQuoteId"]) for _key, order in self.env["crm.migration.record"]
                ._payloads_with(source, "Orders", "OriginQuoteId", quote_keys)}

    def _after_load(self, ctx, phase, obj, items):
        res = super()._after_load(ctx, phase, obj, items)
        issues = []
        for rec, _values, _problems, order in items:
            amount = ctx.payload_of(rec).get("Amount")
            if amount is None:
                continue
            currency = order.currency_id
            if float_compare(order.amount_untaxed, amount, precision_digits=2) and \
                    abs(order.amount_untaxed - amount) > TOTAL_TOLERANCE:
                issues.append(self._issue(phase, obj, rec, "total_mismatch", "warning", self.env._(
                    "Untaxed total %(odoo)s in Odoo, %(ploomes)s in Ploomes (difference %(diff)s).",
                    odoo=format(order.amount_untaxed, ".2f"), ploomes=format(amount, ".2f"),
                    diff=format(order.amount_untaxed - amount, "+.2f")), order))
            if currency and not currency.is_zero(order.amount_tax):
                issues.append(self._issue(phase, obj, rec, "taxes_differ", "info", self.env._(
                    "Odoo adds %(tax)s of taxes (total %(total)s); Ploomes totals have none.",
                    tax=format(order.amount_tax, ".2f"), total=format(order.amount_total, ".2f")), order))
        self.env["crm.migration.issue"].create(issues)
        return res

    def _load_batch(self, phase, obj, staged):
        return super(CrmMigrationLoaderSaleState, self.with_context(
            migration_source_id=phase.run_id.source_id.id, **SALES_CONTEXT,
        ))._load_batch(phase, obj, staged)

    def _validate_batch(self, phase, obj, staged):
        return super(CrmMigrationLoaderSaleState, self.with_context(
            migration_source_id=phase.run_id.source_id.id))._validate_batch(phase, obj, staged)


class DeliveryConversionContext(OdooConversionContext):
    """Also tells which products are goods (delivered) and which orders have any."""

    def __init__(self, env, run, dry_run=False):
        super().__init__(env, run, dry_run=dry_run)
        self._types = {}
        self._goods = {}
        self._warehouses = {}

    def prefetch_goods(self, order_keys):
        """Find out at once which of ``order_keys`` have a line of goods."""
        keys = {str(key) for key in order_keys if key} - set(self._goods)
        if not keys:
            return
        rows = [(str(line["OrderId"]), _text(line.get("ProductId")))
                for _key, line in self.env["crm.migration.record"]._payloads_with(
                    self.source, "Orders@Products", "OrderId", keys)]
        self.prefetch("Products#variant", [product for _order, product in rows])
        self.prefetch_types([self.resolve("Products#variant", product) for _order, product in rows])
        for key in keys:
            self._goods[key] = False
        for order, product in rows:
            self._goods[order] = self._goods[order] or self.is_goods(
                self.resolve("Products#variant", product))

    def prefetch_types(self, product_ids):
        """Read the types of ``product_ids`` at once."""
        ids = {res_id for res_id in product_ids if res_id and res_id > 0} - set(self._types)
        for product in self.env["product.product"].with_context(active_test=False).browse(ids):
            self._types[product.id] = product.type

    def sale_orders(self, keys):
        """{Ploomes order id: the sales order it became} (none in a dry run)."""
        self.prefetch("Orders", keys)
        ids = {str(key): self.resolve("Orders", key) for key in keys if key}
        orders = self.env["sale.order"].browse({res_id for res_id in ids.values() if (res_id or 0) > 0})
        by_id = {order.id: order for order in orders}
        return {key: by_id[res_id] for key, res_id in ids.items() if res_id in by_id}

    def company_warehouse(self, company):
        """The first warehouse of ``company`` (orders have none without sale_stock)."""
        if company.id not in self._warehouses:
            self._warehouses[company.id] = self.env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1)
        return self._warehouses[company.id]

    def has_goods(self, order_key):
        return self._goods.get(str(order_key), False)

    def is_goods(self, product_id):
        """Whether a product is goods ('consu'), not a service or a combo. In a dry run a
        product still to load (-1) is: migrated products are goods."""
        if not product_id:
            return False
        if product_id < 0:
            return True
        self.prefetch_types([product_id])
        return self._types.get(product_id) == "consu"


class CrmMigrationLoaderDelivery(models.AbstractModel):
    """Deliveries (map option ``order_target`` "picking"): each sales order with goods
    gets an outgoing ``stock.picking`` of its warehouse, for its delivery address.

    Deliveries are left to do, in draft: never confirmed (no reservation, no procurement),
    never validated (no stock moves), nothing is sent. A sales order gets the procurement
    group of its delivery, as Odoo's own confirmation gives it, so that a later change of
    quantity adds to this delivery instead of making another.
    """

    _name = "crm.migration.loader.delivery"
    _inherit = "crm.migration.loader.sales"
    _description = "Migration Loader: Deliveries"

    CONVERSION_CONTEXT = DeliveryConversionContext

    def _transform(self, ctx, obj, lines, staged):
        result = super()._transform(ctx, obj, lines, staged)
        keys = [rec.source_key for rec, _v, _p in result]
        ctx.prefetch_goods(keys)
        orders = ctx.sale_orders(keys)
        for rec, values, _problems in result:
            order = orders.get(rec.source_key)
            if order:
                values.update(self._order_values(ctx, order))
        return result

    def _order_values(self, ctx, order):
        """What a delivery takes from its sales order."""
        warehouse = order.warehouse_id if "warehouse_id" in order._fields else None
        warehouse = warehouse or ctx.company_warehouse(order.company_id)
        return {"picking_type_id": warehouse.out_type_id.id,
                "partner_id": order.partner_shipping_id.id, "origin": order.name}

    def _skip_reason(self, ctx, obj, payload, values):
        if not ctx.resolve("Orders", payload.get("Id")):
            return self.env._("Its sales order was not loaded: no delivery.")
        reason = self._undelivered(ctx, payload)
        if reason:
            return reason
        if not ctx.dry_run and not values.get("picking_type_id"):
            return self.env._("Its company has no warehouse to deliver from.")
        return None

    def _undelivered(self, ctx, order):
        """Why an order (its payload) gets no delivery by design, or None."""
        stage = ctx.lookup("Orders@Stages", order.get("StageId")) or {}
        if is_cancelled_stage(stage.get("Name")):
            return self.env._("A cancelled order (stage %s) is not delivered.", stage.get("Name"))
        ctx.prefetch_goods([order.get("Id")])
        if not ctx.has_goods(order.get("Id")):
            return self.env._("None of its lines is a product to deliver (goods): no delivery.")
        return None

    def _after_load(self, ctx, phase, obj, items):
        """Give each sales order delivered a procurement group, as Odoo's confirmation does
        (sale_stock): its delivery lines join it, which links the delivery to the order."""
        super()._after_load(ctx, phase, obj, items)
        if "procurement_group_id" not in self.env["sale.order"]._fields or not items:
            return
        run = phase.run_id
        known = self.env["crm.migration.identity"]._resolve(
            run.source_id, "Orders", [rec.source_key for rec, *_rest in items])
        orders = self.env["sale.order"].with_context(**QUIET).browse(
            [res_id for model, res_id in known.values() if model == "sale.order"]).exists()
        orders = orders.filtered(lambda order: not order.procurement_group_id)
        if not orders:
            return
        groups = self.env["procurement.group"].with_context(**QUIET).create(
            [order.order_line[:1]._prepare_procurement_group_vals() for order in orders])
        journal = self.env["crm.migration.journal"]
        journal._log(run, phase.key, "create", groups._name, groups.ids)
        journal._log(run, phase.key, "write", orders._name,
                     {order.id: {"procurement_group_id": False} for order in orders})
        for order, group in zip(orders, groups, strict=True):
            order.procurement_group_id = group


class CrmMigrationLoaderDeliveryMove(models.AbstractModel):
    """The lines of a delivery (``stock.move``): one per line of goods of its order, in
    the product's unit, from the warehouse's stock to the customer; left in draft."""

    _name = "crm.migration.loader.delivery.move"
    _inherit = "crm.migration.loader.sales"
    _description = "Migration Loader: Delivery Lines"

    CONVERSION_CONTEXT = DeliveryConversionContext

    def _transform(self, ctx, obj, lines, staged):
        result = super()._transform(ctx, obj, lines, staged)
        ctx.prefetch_types([values.get("product_id") for _rec, values, _p in result])
        pickings = self._loaded(result, "stock.picking", "picking_id")
        products = self._loaded(result, "product.product", "product_id")
        payloads = ctx.payloads(staged)
        keys = [payload.get("OrderId") for payload in payloads.values()]
        ctx.prefetch_rows("Orders", keys)
        ctx.prefetch_goods(keys)
        orders = ctx.sale_orders(keys)
        for rec, values, problems in result:
            picking, product = pickings.get(values.get("picking_id")), products.get(values.get("product_id"))
            if picking and product:
                values.update({"picking_type_id": picking.picking_type_id.id,
                               "location_id": picking.location_id.id,
                               "product_uom": product.uom_id.id})
            order = orders.get(str(payloads[rec.id].get("OrderId")))
            if order and "procurement_group_id" in order._fields:
                values["group_id"] = order.procurement_group_id.id
            if not values.get("picking_id") and self._undelivered(ctx, payloads[rec.id]):
                # not a missing delivery: the order has none by design (said when skipped)
                problems[:] = [p for p in problems if p.field != "OrderId"]
        return result

    def _undelivered(self, ctx, line):
        """Why the order of a line (its payload) gets no delivery by design, or None."""
        order = ctx.lookup("Orders", line.get("OrderId"))
        return order and self.env["crm.migration.loader.delivery"]._undelivered(ctx, order)

    def _loaded(self, result, model, name):
        """{id: record} of the ``model`` records the values of a batch name in ``name``
        (a dry run names records still to load -1: left out)."""
        ids = {values.get(name) for _rec, values, _p in result} - {None, False, -1}
        records = self.env[model].with_context(active_test=False).browse(ids)
        return {record.id: record for record in records}

    def _skip_reason(self, ctx, obj, payload, values):
        reason = self._undelivered(ctx, payload)
        if reason:
            return reason
        if not values.get("picking_id"):
            return self.env._("The delivery of its order %s was not loaded.", payload.get("OrderId"))
        if not values.get("product_id"):
            return self.env._("Its product %s was not loaded: nothing to deliver.",
                              payload.get("ProductId"))
        if not ctx.is_goods(values["product_id"]):
            return self.env._("Its product is a service (or a combo): nothing to deliver.")
        return None


def _text(value):
    """A payload value as ``payload->>`` gives it: text, or None."""
    return None if value is None else str(value)
