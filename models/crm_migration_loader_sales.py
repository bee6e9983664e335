"""Loaders of the sales objects: products, quotes and orders, their lines, history and status.

Every sales write runs with ``skip_procurement`` and without tracking, and an order's
status is written directly once its lines are in: Odoo's confirmation (``action_confirm``)
is never called, so no e-mail is sent, no delivery and no invoice is created.
"""
import html

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount

from ..mapping.converters import parse_datetime
from ..mapping.ploomes_sales import ORDER_TARGETS
from .crm_migration_journal import snapshot
from .crm_migration_loader import QUIET

SALES_CONTEXT = {"skip_procurement": True, "mail_notify_force_send": False}
TOTAL_TOLERANCE = 0.01 + 1e-6  # a cent (global rounding) is not a mismatch


class CrmMigrationLoaderSales(models.AbstractModel):
    """What every sales loader shares: the map's choice of what orders become."""

    _name = "crm.migration.loader.sales"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Sales"

    def _skipped_by_map(self, fmap, obj):
        target = fmap.order_target or "sale"
        for choice, keys in ORDER_TARGETS.items():
            if obj.key in keys and choice != target:
                return {
                    "sale": self.env._("Skipped: the map sends orders to draft customer invoices."),
                    "invoice": self.env._("Skipped: the map sends orders to sales orders."),
                }[choice]
        return super()._skipped_by_map(fmap, obj)


class CrmMigrationLoaderProduct(models.AbstractModel):
    """Products: each template's single variant is what order lines point at."""

    _name = "crm.migration.loader.product"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Products"

    VARIANT_ENTITY = "Products#variant"

    def _after_load(self, phase, obj, items):
        super()._after_load(phase, obj, items)
        pairs = []
        for rec, _values, _problems, record in items:
            variant = record.with_context(active_test=False).product_variant_ids[:1]
            if variant:
                pairs.append((rec.source_key, variant.id))
        self.env["crm.migration.identity"]._bind(
            phase.run_id.source_id, self.VARIANT_ENTITY, pairs, "product.product", phase.run_id)


class CrmMigrationLoaderSaleOrder(models.AbstractModel):
    """Quotes (latest revision) and orders: draft sale orders, their status comes last."""

    _name = "crm.migration.loader.sale.order"
    _inherit = "crm.migration.loader.sales"
    _description = "Migration Loader: Sale Orders"

    def _phase_notice(self, run, obj):
        if obj.model == "sale.order" and "opportunity_id" not in self.env["sale.order"]._fields:
            return self.env._("sale_crm is not installed: %(object)s are not linked to their "
                              "opportunities.", object=obj.label.lower())
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
        self.env.cr.execute("""
            SELECT source_key, payload->>'QuoteNumber' FROM crm_migration_record
            WHERE source_id = %s AND entity = 'Quotes' AND payload->>'QuoteNumber' IN %s
        """, (source.id, tuple(missing)))
        number_of = {key: number for key, number in self.env.cr.fetchall()
                     if key != missing.get(number)}
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
        payloads = staged._payloads()
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
        self.env.cr.execute("""
            SELECT source_key, payload FROM crm_migration_record
            WHERE source_id = %s AND entity = 'Quotes' AND source_key IN %s
        """, (run.source_id.id, tuple(keys)))
        quotes = dict(self.env.cr.fetchall())
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

    def _after_load(self, phase, obj, items):
        """An earlier revision stands for its quote's order too (e.g. for its attachments)."""
        super()._after_load(phase, obj, items)
        run = phase.run_id
        self.env["crm.migration.identity"]._bind(
            run.source_id, "Quotes",
            [(rec.source_key, values["res_id"]) for rec, values, _p, _r in items if values.get("res_id")],
            "sale.order", run)

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
        payloads = staged._payloads()
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
        self.env.cr.execute("""
            SELECT payload->>'QuoteId', payload FROM crm_migration_record
            WHERE source_id = %s AND entity = 'Quotes@Products' AND state != 'deleted'
              AND payload->>'QuoteId' IN %s
        """, (self.env.context["migration_source_id"], tuple(quote_keys)))
        for key, line in self.env.cr.fetchall():
            by_quote.setdefault(key, []).append(line)
        for lines in by_quote.values():
            lines.sort(key=lambda line: (line.get("Ordination") or 0, line.get("Id") or 0))
        return by_quote

    def _revision_body(self, payload, lines, approval):
        """The revision as HTML: its facts, then its lines (in the user's language)."""
        esc, _ = html.escape, self.env._
        currency = self.env.company.currency_id

        def money(amount):
            return esc(format_amount(self.env, amount or 0.0, currency))

        date = payload.get("Date")
        try:
            day = parse_datetime(date).strftime("%d/%m/%Y %H:%M") if date else "-"
        except ValueError:
            day = str(date)
        facts = [
            (_("Date"), day),
            (_("Amount"), format_amount(self.env, payload.get("Amount") or 0.0, currency)),
            (_("Approval"), approval.get("Name") or "-"),
        ]
        if payload.get("ExpirationDate"):
            facts.append((_("Valid until"), str(payload["ExpirationDate"])[:10]))
        header = "".join(f"<th>{esc(label)}</th>" for label in (
            _("Product"), _("Quantity"), _("Unit price"), _("Discount"), _("Total")))
        rows = "".join(
            f"<tr><td>{esc(str(line.get('ProductName') or line.get('ProductId')))}</td>"
            f"<td>{esc(str(line.get('Quantity')))}</td>"
            f"<td>{money(line.get('UnitPrice'))}</td>"
            f"<td>{esc(str(line.get('Discount') or 0))}%</td>"
            f"<td>{money(line.get('Total'))}</td></tr>"
            for line in lines)
        title = _("Ploomes quote %(number)s, revision %(revision)s",
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
        self.env.cr.execute("""
            SELECT DISTINCT payload->>'OriginQuoteId' FROM crm_migration_record
            WHERE source_id = %s AND entity = 'Orders' AND state != 'deleted'
              AND payload->>'OriginQuoteId' IN %s
        """, (self.env.context["migration_source_id"], tuple(quote_keys)))
        return {row[0] for row in self.env.cr.fetchall()}

    def _after_load(self, phase, obj, items):
        super()._after_load(phase, obj, items)
        issues = []
        payloads = self.env["crm.migration.record"].browse([item[0].id for item in items])._payloads()
        for rec, _values, _problems, order in items:
            amount = payloads[rec.id].get("Amount")
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

    def _load_batch(self, phase, obj, staged):
        return super(CrmMigrationLoaderSaleState, self.with_context(
            migration_source_id=phase.run_id.source_id.id, **SALES_CONTEXT,
        ))._load_batch(phase, obj, staged)

    def _validate_batch(self, phase, obj, staged):
        return super(CrmMigrationLoaderSaleState, self.with_context(
            migration_source_id=phase.run_id.source_id.id))._validate_batch(phase, obj, staged)
