"""Products (families, groups, parts), deals, quotes (one row per revision) and orders."""

from datetime import timedelta
from functools import lru_cache

from . import lookups, refdata
from .gen_people import slug
from .layout import BASE, CHILD_BASE, STRIDE, spread, spread_inverse
from .rng import REFERENCE, days_before, fmt_date, fmt_dt, mix, moment, rng, unit
from .schema import (DEAL, LINE_PART, ORDER, ORDER_PRODUCT, ORDER_SECTION, PRODUCT, PRODUCT_PART,
                     QUOTE, QUOTE_PRODUCT, QUOTE_SECTION, blank)

NOUNS = [(noun, g) for g, (_, _, nouns) in enumerate(refdata.PRODUCT_GROUPS) for noun in nouns]
PERMS = [(1, 2, 3), (1, 3, 2), (2, 1, 3), (2, 3, 1), (3, 1, 2), (3, 2, 1)]
PIPELINE_STAGES = lookups.pipeline_stage_ids()
LOSS_REASONS = lookups.loss_reason_ids()
PIPELINE_IDS = sorted(PIPELINE_STAGES)
LINE_PART_BASE = {"Quotes@Products": 2000000000, "Orders@Products": 2100000000}
OPEN, WON, LOST = 1, 2, 3


def line_total(quantity, unit_price, discount):
    """Total = Quantity * UnitPrice * (1 - Discount / 100), rounded to cents."""
    return round(quantity * unit_price * (1 - discount / 100), 2)


class SalesMixin:
    """Catalogue and sales pipeline records (mixed into ``Generator``)."""

    # -- catalogue ----------------------------------------------------------------------
    def families(self):
        """``/Products@Families`` rows."""
        stamp = fmt_dt(days_before(300))
        return [{"Id": BASE["Products@Families"] + f, "Name": name, "LastUpdateDate": stamp}
                for f, name in enumerate(refdata.PRODUCT_FAMILIES)]

    def groups(self):
        """``/Products@Groups`` rows; each group sits under a family."""
        stamp = fmt_dt(days_before(250))
        return [{"Id": BASE["Products@Groups"] + g, "Name": name,
                 "FamilyId": BASE["Products@Families"] + fam, "FixedPrice": fam == 3,
                 "Default": g == 0, "LastUpdateDate": stamp}
                for g, (name, fam, _) in enumerate(refdata.PRODUCT_GROUPS)]

    def _product_layout(self, p):
        noun, group = NOUNS[(p + mix(self.seed, "nouns") % len(NOUNS)) % len(NOUNS)]
        qualifiers = refdata.PRODUCT_QUALIFIERS
        series = p // (len(NOUNS) * len(qualifiers))
        name = f"{noun} {qualifiers[(p // len(NOUNS)) % len(qualifiers)]}"
        return (name + (f" - série {series + 1}" if series else "")), noun, group

    def product_name(self, p):
        """Name of product rank ``p`` (unique within the catalogue)."""
        return self._product_layout(p)[0]

    def is_kit(self, p):
        """Kits are made of parts (``/Products@Parts``)."""
        return p % 13 == 3

    def _product(self, p):
        r = rng(self.seed, "product", p)
        name, noun, group = self._product_layout(p)
        family = refdata.PRODUCT_GROUPS[group][1]
        low, high = refdata.PRICE_RANGE[family]
        created = moment(r, days_before(1500), days_before(30))
        updated = moment(r, created, REFERENCE)
        initials = "".join(w[0] for w in slug(noun.replace(" ", ".")).split(".") if w).upper()
        rec = blank(PRODUCT)
        rec.update(
            Id=BASE["Products"] + p, Name=name, Code=f"{initials}-{p + 1:04d}",
            GroupId=BASE["Products@Groups"] + group, FamilyId=BASE["Products@Families"] + family,
            MeasurementUnit={0: "un", 1: "h", 3: "mês"}.get(family) or r.choice(refdata.MEASUREMENT_UNITS),
            UnitPrice=round(r.uniform(low, high), 2), CurrencyId=1,
            ImageUrl=self.files_url(f"documents/produto-{p}.png") if r.random() < 0.3 else None,
            Suspended=p >= 10 and r.random() < 0.05, Editable=True, Deletable=True,
            CreatorId=self.pick_user(r), UpdaterId=self.pick_user(r),
            CreateDate=fmt_dt(created), LastUpdateDate=fmt_dt(updated),
        )
        return rec

    def make_product(self, p):
        """One ``/Products`` row (a copy: callers may change it)."""
        return dict(self.product(p))

    def product_parts(self, p):
        """``/Products@Parts`` rows of a kit (empty for ordinary products)."""
        if not self.is_kit(p) or self.n.products < 4:
            return []
        r = rng(self.seed, "parts", p)
        parts, candidate = [], p
        while len(parts) < r.randint(2, 3):
            candidate = (candidate + 7) % self.n.products
            if not self.is_kit(candidate) and candidate not in parts:
                parts.append(candidate)
        rows = []
        for j, c in enumerate(parts):
            comp = self.product(c)
            price = comp["UnitPrice"]
            rec = blank(PRODUCT_PART)
            rec.update(Id=BASE["Products@Parts"] + p * STRIDE["Products@Parts"] + j,
                       ProductId=BASE["Products"] + p, ProductPartId=comp["Id"], GroupId=comp["GroupId"],
                       Default=True, Required=j == 0, MinimumQuantity=1, MaximumQuantity=10,
                       DefaultQuantity=1 + j % 2, CurrencyId=1,
                       MinimumUnitPrice=round(price * 0.9, 2), MaximumUnitPrice=round(price * 1.2, 2),
                       DefaultUnitPrice=price, LastUpdateDate=self.product(p)["LastUpdateDate"])
            rows.append(rec)
        return rows

    # -- deals --------------------------------------------------------------------------
    def group_deal(self, g):
        """Deal rank of quote group ``g``."""
        if g < self.n.quote_groups:
            return spread(g, self.n.quote_groups, self.n.deals)
        return mix(self.seed, "extra-quote", g) % self.n.deals

    def deal_group(self, d):
        """Quote group of deal ``d``, or None when the deal has no quote."""
        return spread_inverse(d, self.n.quote_groups, self.n.deals) if 0 <= d < self.n.deals else None

    def order_group(self, o):
        """Quote group an order was made from."""
        if o < self.n.orders:
            return spread(o, self.n.orders, self.n.quote_groups)
        return mix(self.seed, "extra-order", o) % self.n.quote_groups

    def group_order(self, g):
        """Order rank made from quote group ``g``, or None."""
        return spread_inverse(g, self.n.orders, self.n.quote_groups) if 0 <= g < self.n.quote_groups else None

    def deal_status(self, d):
        """1 open, 2 won, 3 lost. Deals with an order are won."""
        g = self.deal_group(d)
        if g is not None and self.group_order(g) is not None:
            return WON
        if d in (1, 2):
            return (OPEN, LOST)[d - 1]
        u = unit(self.seed, "deal-status", d)
        return OPEN if u < 0.45 else WON if u < 0.7 else LOST

    def deal_dates(self, d):
        """(create, finish or None, last update) of a deal."""
        r = rng(self.seed, "deal-dates", d)
        created = moment(r, days_before(1100), days_before(20))
        finish = None if self.deal_status(d) == OPEN else moment(r, created + timedelta(days=1), days_before(1))
        return created, finish, moment(r, finish or created, REFERENCE)

    def deal_parties(self, d):
        """(ContactId rank, PersonId rank or None): usually a company and one of its people."""
        r = rng(self.seed, "deal-parties", d)
        company = 4 * r.randrange(self.n.companies)
        person = company + r.randint(1, 3)
        if person >= self.n.contacts:
            return company, None
        return (person, None) if r.random() < 0.15 else (company, person)

    def deal_owner(self, d):
        """OwnerId of a deal (its quotes and orders share it)."""
        return self.pick_user(rng(self.seed, "deal-owner", d))

    def deal_title(self, d):
        """Title: subject and client name."""
        subject = rng(self.seed, "deal-title", d).choice(refdata.DEAL_SUBJECTS)
        client = self.identity(self.deal_parties(d)[0]).name.strip()
        return f"{subject} - {client}" if client else subject

    def _parties(self, d):
        contact, person = self.deal_parties(d)
        return {"ContactId": BASE["Contacts"] + contact, "ContactName": self.identity(contact).name,
                "PersonId": None if person is None else BASE["Contacts"] + person,
                "PersonName": None if person is None else self.identity(person).name}

    def make_deal(self, d):
        """One ``/Deals`` row (ranks past the live count are the deleted deals)."""
        r = rng(self.seed, "deal", d)
        status = self.deal_status(d)
        created, finish, updated = self.deal_dates(d)
        pipeline = r.choices(PIPELINE_IDS, [60, 25, 13, 2])[0]
        stages = PIPELINE_STAGES[pipeline]
        stage = stages[-1] if status == WON else r.choice(stages if status == LOST else stages[:-1])
        length = ((finish or REFERENCE) - created).days
        rec = blank(DEAL)
        rec.update(self._parties(d))
        rec.update(
            Id=BASE["Deals"] + d, Title=self.deal_title(d), PipelineId=pipeline, StageId=stage,
            StatusId=status, LossReasonId=r.choice(LOSS_REASONS[pipeline]) if status == LOST else None,
            OwnerId=self.deal_owner(d), CurrencyId=1, StartCurrencyId=1, StartDate=fmt_dt(created),
            FinishDate=None if finish is None else fmt_dt(finish),
            OriginId=40000201 + r.randrange(7), DealNumber=d + 1, Length=length,
            DaysInStage=r.randint(0, max(0, length)), HoursInStage=r.randint(0, 23),
            LastStageId=stages[stages.index(stage) - 1] if stages.index(stage) else None,
            Read=r.random() < 0.8, Editable=True, Deletable=True, CreatorId=self.deal_owner(d),
            UpdaterId=self.pick_user(r), CreateDate=fmt_dt(created), LastUpdateDate=fmt_dt(updated),
        )
        g = self.deal_group(d)
        if g is None:
            rec["Amount"] = round(r.uniform(1500, 250000), 2)
            rec["StartAmount"] = rec["Amount"] if r.random() < 0.7 else round(rec["Amount"] * 0.9, 2)
        else:
            nrev = self.revisions(g)
            last = self.make_quote(self.quote_rank(g, nrev))
            rec.update(Amount=last["Amount"], LastQuoteId=last["Id"],
                       StartAmount=self._revision_amount(g, 1),
                       IsLastQuoteApproved=last["ApprovalStatusId"] == 2,
                       WonQuoteId=last["Id"] if status == WON else None)
            o = self.group_order(g)
            rec["LastOrderId"] = None if o is None else BASE["Orders"] + o
        return rec

    # -- quotes -------------------------------------------------------------------------
    def revisions(self, g):
        """How many revisions quote group ``g`` has (1–3)."""
        return PERMS[mix(self.seed, "qperm", g // 3) % 6][g % 3]

    def quote_position(self, rank):
        """(group, revision number, revision count) of a quote row."""
        block, offset = divmod(rank, 6)
        counts = PERMS[mix(self.seed, "qperm", block) % 6]
        for k, count in enumerate(counts):
            if offset < count:
                return 3 * block + k, offset + 1, count
            offset -= count
        raise AssertionError("unreachable: a block always holds 6 rows")

    def quote_rank(self, g, rev):
        """Row rank of revision ``rev`` of quote group ``g``."""
        counts = PERMS[mix(self.seed, "qperm", g // 3) % 6]
        return 6 * (g // 3) + sum(counts[:g % 3]) + rev - 1

    @lru_cache(maxsize=4096)  # noqa: B019 - bounded, and a generator lives as long as its data set
    def quote_body(self, g, rev):
        """Sections of one revision: [[(product rank, quantity, discount %), ...], ...].

        Later revisions start from the first and renegotiate discounts and quantities.
        """
        r = rng(self.seed, "quote-body", g)
        sections = [[[r.randrange(self.n.products), r.choice((1, 1, 2, 3, 5, 10, 12, 2.5)),
                      r.choice((0, 0, 0, 5, 10, 12.5))]
                     for _ in range(r.randint(1, 4))]
                    for _ in range(r.choices((1, 2, 3), (6, 3, 1))[0])]
        for step in range(2, rev + 1):
            rs = rng(self.seed, "quote-review", g, step)
            line = rs.choice(rs.choice(sections))
            line[2] = min(25, line[2] + 2.5)
            if rs.random() < 0.4:
                line[1] += 1
        return sections

    def _revision_amount(self, g, rev):
        return round(sum(round(sum(line_total(q, self.product(p)["UnitPrice"], disc)
                                   for p, q, disc in lines), 2)
                         for lines in self.quote_body(g, rev)), 2)

    def _quote_dates(self, g, rev, nrev):
        d = self.group_deal(g)
        created, finish, _ = self.deal_dates(d)
        end = finish or REFERENCE
        r = rng(self.seed, "quote-date", g, rev)
        return created + (end - created) * (rev / (nrev + 1)) + timedelta(minutes=r.randint(0, 600))

    def make_quote(self, rank):
        """One ``/Quotes`` row: a single revision of a quote."""
        g, rev, nrev = self.quote_position(rank)
        d = self.group_deal(g)
        r = rng(self.seed, "quote", rank)
        status = self.deal_status(d)
        date = min(self._quote_dates(g, rev, nrev), REFERENCE)
        if rev < nrev:
            approval = 3 if r.random() < 0.7 else 2
        else:
            approval = {WON: 2, LOST: r.choice((2, 3)), OPEN: r.choice((1, 2))}[status]
        rec = blank(QUOTE)
        rec.update(self._parties(d))
        rec.update(
            Id=BASE["Quotes"] + rank, QuoteNumber=g + 1, ReviewNumber=rev, LastReview=rev == nrev,
            LastReviewId=BASE["Quotes"] + self.quote_rank(g, nrev), DealId=BASE["Deals"] + d,
            OwnerId=self.deal_owner(d), Date=fmt_dt(date),
            ExpirationDate=fmt_date(date + timedelta(days=r.choice((15, 30, 45)))),
            Amount=self._revision_amount(g, rev), Discount=0, CurrencyId=1, ApprovalStatusId=approval,
            TemplateId=40800003, DocumentUrl=self.files_url(f"documents/Proposta-{g + 1}-r{rev}.pdf"),
            Title=f"Proposta {g + 1} - {self.deal_title(d)}", Description=r.choice(refdata.NOTE_SENTENCES),
            Notes="Validade conforme condições comerciais.",
            DeliveryTime=r.choice(("15 dias", "30 dias", "45 dias úteis")),
            PaymentMethod=r.choice(("À vista", "30/60/90", "Boleto 28 dias")), InstallmentsNumber=r.choice((1, 3, 6)),
            FreightModal=r.choice(("CIF", "FOB")), FreightCost=0, Shared=r.random() < 0.5,
            ExternallyAccepted=status == WON and rev == nrev, Key=self.key("quote", rank),
            CreatorId=self.deal_owner(d), UpdaterId=self.deal_owner(d), CreateDate=fmt_dt(date),
            LastUpdateDate=fmt_dt(moment(r, date, REFERENCE)), Editable=True,
        )
        if rec["Shared"]:
            rec["ExternalSharingDate"] = rec["CreateDate"]
        return rec

    def quote_items(self, record):
        """(sections, lines) of a quote row; sections carry their lines' total."""
        rank = record["Id"] - BASE["Quotes"]
        g, rev, _ = self.quote_position(rank)
        return self._items(record, "Quotes@Products", "QuoteSections", rank, self.quote_body(g, rev))

    # -- orders -------------------------------------------------------------------------
    def make_order(self, o):
        """One ``/Orders`` row, made from the last revision of a won deal's quote."""
        g = self.order_group(o)
        nrev = self.revisions(g)
        d = self.group_deal(g)
        r = rng(self.seed, "order", o)
        _, finish, _ = self.deal_dates(d)
        quote_date = self._quote_dates(g, nrev, nrev)
        date = min(max(finish or quote_date, quote_date) + timedelta(hours=r.randint(1, 120)), REFERENCE)
        amount = self._revision_amount(g, nrev)
        rec = blank(ORDER)
        rec.update(self._parties(d))
        rec.update(
            Id=BASE["Orders"] + o, OrderNumber=o + 1, Date=fmt_dt(date), DealId=BASE["Deals"] + d,
            StageId=40910001 + r.choices(range(5), (1, 2, 3, 6, 1))[0], Amount=amount, Discount=0,
            CurrencyId=1, OwnerId=self.deal_owner(d), TemplateId=40800004,
            Description=r.choice(("Entrega em 30 dias", "Retirar no CD", "Entrega programada")),
            InternalComments=r.choice((None, "Cliente pediu nota com CNPJ da filial.")),
            DocumentUrl=self.files_url(f"documents/Pedido-{o + 1}.pdf"),
            OriginQuoteId=BASE["Quotes"] + self.quote_rank(g, nrev), Commission=5,
            CommissionAmount=round(amount * 0.05, 2), ApprovalStatusId=2, ExternallyAccepted=True,
            Key=self.key("order", o), Shared=False, CreatorId=self.deal_owner(d),
            UpdaterId=self.deal_owner(d), CreateDate=fmt_dt(date),
            LastUpdateDate=fmt_dt(moment(r, date, REFERENCE)), Editable=True, Deletable=True,
        )
        return rec

    def order_items(self, record):
        """(sections, lines) of an order: the lines of the quote it came from."""
        rank = record["Id"] - BASE["Orders"]
        g = self.order_group(rank)
        return self._items(record, "Orders@Products", "OrderSections", rank,
                           self.quote_body(g, self.revisions(g)))

    # -- sections and lines (shared by quotes and orders) -------------------------------
    def _items(self, record, line_set, section_set, rank, body):
        order = line_set == "Orders@Products"
        parent_col, date_col = ("OrderId", "OrderDate") if order else ("QuoteId", "QuoteDate")
        sections, lines, k = [], [], 0
        for s, entries in enumerate(body):
            section_id = CHILD_BASE[section_set] + rank * STRIDE[section_set] + s
            total = 0.0
            for p, quantity, discount in entries:
                product = self.product(p)
                line = blank(ORDER_PRODUCT if order else QUOTE_PRODUCT)
                line.update({
                    "Id": BASE[line_set] + rank * STRIDE[line_set] + k, parent_col: record["Id"],
                    "SectionId": section_id, "DealId": record["DealId"], "ContactId": record["ContactId"],
                    "OwnerId": record["OwnerId"], date_col: record["Date"], "ProductId": product["Id"],
                    "ProductName": product["Name"], "Quantity": quantity, "UnitPrice": product["UnitPrice"],
                    "Discount": discount, "Total": line_total(quantity, product["UnitPrice"], discount),
                    "CurrencyId": 1, "Ordination": k,
                })
                if order:
                    line["Bonus"] = False
                total += line["Total"]
                lines.append(line)
                k += 1
            section = blank(ORDER_SECTION if order else QUOTE_SECTION)
            section.update({"Id": section_id, parent_col: record["Id"], "Code": s, "Discount": 0,
                            "CurrencyId": 1, "Total": round(total, 2)})
            sections.append(section)
        return sections, lines

    def line_parts(self, line, line_set):
        """Parts[] of a quote/order line whose product is a kit."""
        p = line["ProductId"] - BASE["Products"]
        out = []
        for j, part in enumerate(self.product_parts(p)):
            comp = self.product(part["ProductPartId"] - BASE["Products"])
            qty = part["DefaultQuantity"] * line["Quantity"]
            rec = blank(LINE_PART)
            rec.update(Id=LINE_PART_BASE[line_set] + (line["Id"] - BASE[line_set]) * 4 + j,
                       PartId=part["Id"], ProductId=comp["Id"], ProductName=comp["Name"],
                       Code=comp["Code"], Quantity=qty, UnitPrice=part["DefaultUnitPrice"],
                       Discount=0, Total=line_total(qty, part["DefaultUnitPrice"], 0))
            out.append(rec)
        return out
