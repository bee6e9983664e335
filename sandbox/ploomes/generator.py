"""Deterministic, lazy generator of a Brazilian B2B Ploomes account.

Every record is a pure function of (seed, entity, rank): nothing is generated ahead of
time, so any record of a 1,000,000-contact account can be produced on its own. Records
that point at each other do so through index arithmetic (``spread``) instead of lookups:
quote group ``g`` belongs to deal ``spread(g, Q, D)`` and the inverse is O(1) too.

Ids are ``BASE[entity] + rank``. Rank layout per entity:

* Contacts: rank % 4 == 0 is a company, the next three ranks are its people.
* Deals: ranks [0, D) live, [D, D + K) deleted before the reference instant.
* Quotes: one row per revision; blocks of 6 rows hold 3 quote groups whose revision counts
  are a permutation of (1, 2, 3), so rank <-> (group, revision) is O(1).
* Attachments: one segment per parent kind, each spread over ~10% of that kind's records.
"""

import bisect
import itertools
from functools import lru_cache

from . import lookups, refdata
from .fields import OWNER_COLUMN, FieldCatalog, empty_row, value_columns
from .gen_activity import ActivityMixin
from .gen_people import PeopleMixin
from .gen_sales import SalesMixin
from .layout import (ATTACHMENT_KINDS, BASE, OP_BASE, STRIDE, TAGLINK_BASE, Counts, spread,
                     spread_inverse)
from .rng import mix, rng, unit

CITY_WEIGHTS = list(itertools.accumulate(w for *_, w in refdata.CITIES))


class Refs:
    """Reference values a custom field of one record may point at (see fields.value_columns)."""

    def __init__(self, gen, eid, rank):
        self.gen, self.eid, self.rank = gen, eid, rank

    def user(self, r):
        uid = self.gen.pick_user(r)
        return uid, self.gen.user_name(uid - BASE["Users"])

    def contact(self, r):
        c = r.randrange(self.gen.n.contacts)
        return BASE["Contacts"] + c, self.gen.identity(c).name

    def product(self, r):
        p = r.randrange(self.gen.n.products)
        return BASE["Products"] + p, self.gen.product_name(p)

    def attachment(self):
        return self.gen.attachment_of(self.eid, self.rank)

    def cpf(self):
        return self.gen.document(self.rank, "cpf-field", person=True)[1]

    def cnpj(self):
        return self.gen.document(self.rank, "cnpj-field", person=False)[1]

    def text(self, f, r):
        return self.gen.field_text(f, r, self.rank)


class Generator(PeopleMixin, SalesMixin, ActivityMixin):
    """Pure functions from (seed, entity, rank) to records, for one account."""

    def __init__(self, seed, scale, dirt=0.0, base_url=""):
        self.seed, self.dirt, self.base_url = int(seed), float(dirt), base_url
        self.n = Counts(scale)
        self.fields = FieldCatalog(self.seed)
        self.lookups = lookups.build([BASE["Users"] + u for u in range(self.n.users)])
        self._attachment_segments()
        self.identity = lru_cache(maxsize=20000)(self._identity)
        self.product = lru_cache(maxsize=8192)(self._product)

    # -- shared helpers -----------------------------------------------------------------
    def dirty(self, kind, *key):
        """Whether this record gets the given kind of dirt."""
        return self.dirt > 0 and unit(self.seed, "dirt", kind, *key) < self.dirt

    def pick_user(self, r):
        """A record owner: any user but the integration one (suspended ones included)."""
        return BASE["Users"] + r.randrange(1, self.n.users)

    def pick_city(self, r):
        """A (city row index, city tuple), weighted towards big cities."""
        k = bisect.bisect_right(CITY_WEIGHTS, r.random() * CITY_WEIGHTS[-1])
        return k, refdata.CITIES[k]

    def key(self, *parts):
        """An opaque Key string."""
        return f"{mix(self.seed, 'key', *parts):016x}"

    def files_url(self, path):
        """Absolute URL of a file served by the sandbox."""
        return f"{self.base_url}/_files/{path}"

    # -- custom fields and tags ---------------------------------------------------------
    def other_properties(self, eid, rank, record, population=None):
        """OtherProperties rows of one record (one row per option of a multi-select).

        ``population`` is (kind, index): "company"/"person" fields only go to that kind,
        and field ``j`` is always set on the ``j``-th record of its population so every
        field has a value somewhere even at small scales.
        """
        fields = self.fields.by_entity.get(eid, [])
        kind, index = population or (None, rank)
        refs = Refs(self, eid, rank)
        r = rng(self.seed, "op", eid, rank)
        rows, seq = [], 0
        for j, f in enumerate(fields):
            if f.applies_to and f.applies_to != kind:
                continue
            chosen = r.random() < 0.55 or index % len(fields) == j or f.type_id == 19
            if not chosen:
                continue
            for cols in value_columns(f, r, refs):
                row = empty_row(OP_BASE[eid] + rank * STRIDE["OtherProperties"] + seq, f,
                                OWNER_COLUMN[eid], record["Id"])
                row.update(cols)
                rows.append(row)
                seq += 1
        return rows

    def tag_links(self, eid, rank, owner_id):
        """Tag link rows ``{Id, TagId, <Owner>Id}`` of one record."""
        r = rng(self.seed, "tags", eid, rank)
        ids = lookups.tag_ids(eid)
        n = r.randint(1, 3) if rank == 0 or r.random() < 0.45 else 0
        return [{"Id": TAGLINK_BASE[eid] + rank * STRIDE["Tags"] + j, "TagId": tag,
                 OWNER_COLUMN[eid]: owner_id}
                for j, tag in enumerate(r.sample(ids, min(n, len(ids))))]

    # -- attachments layout -------------------------------------------------------------
    def _attachment_segments(self):
        sizes = self.n.attachment_segments()
        self.segments, offset = [], 0
        for kind, column, eid in ATTACHMENT_KINDS:
            parents, count = sizes[kind]
            self.segments.append((offset, kind, column, eid, parents, count))
            offset += count
        self._segment_offsets = [s[0] for s in self.segments]

    def attachment_rank(self, kind, parent_rank):
        """Rank of the attachment of a parent record, or None when it has none."""
        for offset, k, _, _, parents, count in self.segments:
            if k == kind:
                j = spread_inverse(parent_rank, count, parents) if parent_rank < parents else None
                return None if j is None else offset + j
        return None

    def attachment_of(self, eid, parent_rank):
        """(Id, FileName) of the attachment of a record with custom fields, or None."""
        kind = next(k for k, _, e in ATTACHMENT_KINDS if e == eid)
        a = self.attachment_rank(kind, parent_rank)
        return None if a is None else (BASE["Attachments"] + a, self.attachment_name(a))

    def attachment_parent(self, rank):
        """(parent set, owner column, EntityId, parent rank) of an attachment rank."""
        offset, kind, column, eid, parents, count = \
            self.segments[bisect.bisect_right(self._segment_offsets, rank % self.n.attachments) - 1]
        return kind, column, eid, spread((rank % self.n.attachments) - offset, count, parents)
