"""Entity-set views: generated records plus an overlay of the changes made after start.

Every view iterates its records in ascending ``Id`` order, lazily, and answers ``get(id)``
in O(1) for generated sets. Overlay dictionaries are replaced, never mutated in place, so
readers on other threads always see a consistent snapshot.
"""

import bisect
import heapq
import itertools
import threading

from .odata import parse_datetime


class StaticSet:
    """A small, fully materialised, read-only table."""

    def __init__(self, records):
        self.records = sorted(records, key=lambda rec: rec["Id"])
        self.by_id = {rec["Id"]: rec for rec in self.records}
        self._ids = [rec["Id"] for rec in self.records]

    def count(self):
        return len(self.records)

    def get(self, rid):
        return self.by_id.get(rid)

    def iter(self, after=None, upto=None, reverse=False, offset=0):
        lo = 0 if after is None else bisect.bisect_right(self._ids, after)
        hi = len(self._ids) if upto is None else bisect.bisect_right(self._ids, upto)
        rows = self.records[lo:hi]
        return iter((rows[::-1] if reverse else rows)[offset:])

    @staticmethod
    def changed_since(_when):
        return []

    @staticmethod
    def lookup(_prop, _value):
        return None


class GeneratedSet:
    """Records ``make(rank)`` with ids ``base + rank`` for rank in [0, count), plus overlay.

    Ranks in [count, next_rank) are reserved (e.g. deals deleted before start); records
    added after start get ranks from ``next_rank`` on, so their ids sort after the rest.
    """

    def __init__(self, base, count, make, next_rank=None):
        self.base, self.n, self.make = base, count, make
        self.next_rank = count if next_rank is None else next_rank
        self.modified, self.added, self.deleted = {}, {}, {}
        self._deleted_ranks = []
        self.lock = threading.Lock()
        self.indexes = {}  # property -> function(value) -> ids of generated records having it

    def count(self):
        return self.n - len(self._deleted_ranks) + len(self.added)

    def get(self, rid):
        if rid in self.deleted:
            return None
        rec = self.modified.get(rid) or self.added.get(rid)
        if rec is not None:
            return rec
        rank = rid - self.base
        return self.make(rank) if 0 <= rank < self.n else None

    def _rank_at(self, pos):
        """Rank of the ``pos``-th live generated record."""
        rank = pos
        while True:
            nxt = pos + bisect.bisect_right(self._deleted_ranks, rank)
            if nxt == rank:
                return rank
            rank = nxt

    def _generated(self, ranks):
        deleted, modified, base = self.deleted, self.modified, self.base
        for rank in ranks:
            rid = base + rank
            if rid not in deleted:
                yield modified.get(rid) or self.make(rank)

    def iter(self, after=None, upto=None, reverse=False, offset=0):
        lo = 0 if after is None else max(0, after + 1 - self.base)
        hi = self.n if upto is None else min(self.n, upto + 1 - self.base)
        added = [rec for rid, rec in self.added.items()
                 if (after is None or rid > after) and (upto is None or rid <= upto)]
        if reverse:
            rows = itertools.chain(reversed(added), self._generated(range(hi - 1, lo - 1, -1)))
            return itertools.islice(rows, offset, None)
        if after is None and offset:
            live = self.n - len(self._deleted_ranks)
            if offset >= live:
                return iter(added[offset - live:])
            lo, offset = self._rank_at(offset), 0
        rows = itertools.chain(self._generated(range(lo, hi)), added)
        return itertools.islice(rows, offset, None) if offset else rows

    def lookup(self, prop, value):
        """Records that may have ``prop == value`` (a superset), or None without an index."""
        ids_of = self.indexes.get(prop)
        if ids_of is None:
            return None
        ids = sorted(set(ids_of(value)) | set(self.added))
        return [rec for rec in map(self.get, ids) if rec is not None]

    def changed_since(self, when):
        """Overlay records whose LastUpdateDate is at or after ``when`` (> REFERENCE)."""
        rows = [rec for rec in itertools.chain(self.modified.values(), self.added.values())
                if rec.get("LastUpdateDate") and parse_datetime(rec["LastUpdateDate"]) >= when]
        return sorted(rows, key=lambda rec: rec["Id"])

    # -- mutations (called with ``lock`` held by the dataset) ---------------------------
    def touch(self, rec):
        if rec["Id"] in self.added:
            self.added = {**self.added, rec["Id"]: rec}
        else:
            self.modified = {**self.modified, rec["Id"]: rec}

    def add(self, rec):
        self.added = {**self.added, rec["Id"]: rec}
        self.next_rank += 1

    def delete(self, rid, when):
        self.deleted = {**self.deleted, rid: when}
        if rid in self.added:
            self.added = {k: v for k, v in self.added.items() if k != rid}
        else:
            self._deleted_ranks = sorted(self._deleted_ranks + [rid - self.base])
        self.modified = {k: v for k, v in self.modified.items() if k != rid}


class ChildSet:
    """Rows owned by the records of a parent view (e.g. quote lines), ids ``base + rank*stride + k``."""

    def __init__(self, parent, parent_base, base, stride, children, parent_column):
        self.parent, self.parent_base = parent, parent_base
        self.base, self.stride, self.children = base, stride, children
        self.parent_column = parent_column

    def _parent_id(self, rid):
        return self.parent_base + (rid - self.base) // self.stride

    def count(self):
        return sum(len(self.children(p)) for p in self.parent.iter())

    def get(self, rid):
        parent = self.parent.get(self._parent_id(rid))
        return None if parent is None else next(
            (row for row in self.children(parent) if row["Id"] == rid), None)

    def iter(self, after=None, upto=None, reverse=False, offset=0):
        start = None if after is None else self._parent_id(after) - 1
        stop = None if upto is None else self._parent_id(upto)

        def rows():
            for parent in self.parent.iter(after=start, upto=stop):
                for row in self.children(parent):
                    if (after is None or row["Id"] > after) and (upto is None or row["Id"] <= upto):
                        yield row
        if reverse:
            return itertools.islice(sorted(rows(), key=lambda r: -r["Id"]), offset, None)
        return itertools.islice(rows(), offset, None)

    def lookup(self, prop, value):
        """The rows of one parent for ``<parent column> eq value``; None for other properties."""
        if prop != self.parent_column:
            return None
        parent = self.parent.get(value)
        return [] if parent is None else list(self.children(parent))

    @staticmethod
    def changed_since(_when):
        return []


class DeletedDeals:
    """``/Deals/GetDeletedDeals``: deals deleted before start plus those deleted since."""

    def __init__(self, deals, first_rank, count):
        self.deals, self.first, self.n = deals, first_rank, count
        self.removed = {}  # id -> deal record as deleted (LastUpdateDate = deletion time)

    def count(self):
        return self.n + len(self.removed)

    def get(self, rid):
        rank = rid - self.deals.base
        if self.first <= rank < self.first + self.n:
            return self.deals.make(rank)
        return self.removed.get(rid)

    def iter(self, after=None, upto=None, reverse=False, offset=0):
        lo = self.first if after is None else max(self.first, after + 1 - self.deals.base)
        hi = self.first + self.n if upto is None else min(self.first + self.n, upto + 1 - self.deals.base)
        ranks = range(hi - 1, lo - 1, -1) if reverse else range(lo, hi)
        generated = (self.deals.make(rank) for rank in ranks)
        later = sorted((rec for rid, rec in self.removed.items()
                        if (after is None or rid > after) and (upto is None or rid <= upto)),
                       key=lambda rec: rec["Id"], reverse=reverse)
        key = (lambda rec: -rec["Id"]) if reverse else (lambda rec: rec["Id"])
        return itertools.islice(heapq.merge(generated, later, key=key), offset, None)

    @staticmethod
    def lookup(_prop, _value):
        return None

    def changed_since(self, when):
        return sorted((rec for rec in self.removed.values()
                       if parse_datetime(rec["LastUpdateDate"]) >= when), key=lambda rec: rec["Id"])

