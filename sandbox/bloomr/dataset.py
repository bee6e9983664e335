"""The account's records, built from the seed, and the changes made after start (``mutate``)."""

import copy
import threading
from bisect import bisect_right
from datetime import datetime, timedelta

from sandbox.ploomes.rng import BRT, REFERENCE, now_brt, rng

from . import activities, people, sales
from .dirt import soil
from .layout import COLLECTIONS, seq_of, sizes
from .values import iso
from .vocab import FIXED_SIZES

MAKERS = {name: getattr(module, f"make_{name}") for module in (people, sales, activities)
          for name in COLLECTIONS if hasattr(module, f"make_{name}")}
# The field a touch changes (visibly) in each collection, first one present.
TOUCHED = ("job_title", "notes", "title", "name")


def parse_instant(text):
    """An aware datetime from ISO 8601 (``Z`` allowed; no offset means the account's -03:00)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
    return value if value.tzinfo else value.replace(tzinfo=BRT)


class Dataset:
    """Every collection as a list in id order; thread-safe reads, ``mutate`` for delta tests."""

    def __init__(self, seed, scale, dirt=0.0, base_url=""):
        self.seed, self.dirt, self.base_url = int(seed), float(dirt), base_url
        self.sizes = sizes(scale, FIXED_SIZES)
        self.emails = set()
        self._tables = {name: [] for name in COLLECTIONS}
        self._index = {name: {} for name in COLLECTIONS}
        self._next = {}
        self._lock = threading.Lock()
        self._mutations = 0
        for name in COLLECTIONS:
            for n in range(1, self.sizes[name] + 1):
                self._append(name, self._make(name, n))
            self._next[name] = self.sizes[name] + 1

    def _make(self, collection, n):
        return soil(self, collection, n, MAKERS[collection](self, n))

    def _append(self, collection, rec):
        self._tables[collection].append(rec)
        self._index[collection][str(rec["id"])] = rec

    # -- reads --------------------------------------------------------------------------
    def table(self, collection):
        """The live list of a collection (for the makers; do not change it)."""
        return self._tables[collection]

    def get(self, collection, rid):
        """One record by id (int or text), or None."""
        return self._index[collection].get(str(rid))

    def rows(self, collection, since=None):
        """A snapshot of the records, in id order, ``updated_at >= since`` when given."""
        with self._lock:
            rows = list(self._tables[collection])
        if since is None:
            return rows
        return [rec for rec in rows if datetime.fromisoformat(rec["updated_at"]) >= since]

    def records(self, collection):
        """Deep copies of every record, as the API serves them."""
        return copy.deepcopy(self.rows(collection))

    def position_after(self, collection, rows, rid):
        """Index in ``rows`` of the first record whose id comes after ``rid``."""
        after = seq_of(collection, rid)
        return bisect_right(rows, after, key=lambda rec: seq_of(collection, rec["id"]))

    # -- mutations ----------------------------------------------------------------------
    def mutate(self, collection, touch=0, add=0, delete=0):
        """Touch (bump ``updated_at`` and change a visible value), add and delete records.

        ``touch``/``delete`` are counts (records drawn from the seed, without overlap) or
        lists of ids. Returns ``{"touched": [...], "added": [...], "deleted": [...]}``.
        """
        if collection not in MAKERS:
            raise ValueError(f"unknown collection '{collection}'")
        if add and collection in FIXED_SIZES:
            raise ValueError(f"'{collection}' is a fixed list: records cannot be added")
        with self._lock:
            self._mutations += 1
            r = rng(self.seed, "bloomr-mutate", collection, self._mutations)
            stamp = iso(max(now_brt(), REFERENCE + timedelta(seconds=1)))
            touch_ids, delete_ids = self._choose(collection, r, touch, delete)
            touched = [self._touch(collection, rid, stamp) for rid in touch_ids]
            added = [self._add(collection, stamp) for _ in range(int(add))]
            deleted = [self._delete(collection, rid) for rid in delete_ids]
        return {"touched": touched, "added": added, "deleted": deleted}

    def _choose(self, collection, r, touch, delete):
        explicit = [x for x in (touch, delete) if isinstance(x, (list, tuple))]
        taken = {str(rid) for ids in explicit for rid in ids}
        counts = [0 if isinstance(x, (list, tuple)) else int(x) for x in (touch, delete)]
        pool = [rec["id"] for rec in self._tables[collection] if str(rec["id"]) not in taken]
        pool = r.sample(pool, min(len(pool), sum(counts)))
        touch_ids = list(touch) if isinstance(touch, (list, tuple)) else pool[:counts[0]]
        delete_ids = list(delete) if isinstance(delete, (list, tuple)) else pool[counts[0]:sum(counts)]
        return touch_ids, delete_ids

    def _replace(self, collection, old, new):
        table = self._tables[collection]
        self._tables[collection] = [new if rec is old else rec for rec in table]
        self._index[collection][str(new["id"])] = new

    def _touch(self, collection, rid, stamp):
        old = self.get(collection, rid)
        if old is None:
            raise ValueError(f"no {collection} record with id {rid}")
        new = dict(old, updated_at=stamp)
        field = next((f for f in TOUCHED if f in new), None)
        if field:
            new[field] = f"Editado em {stamp}"
        self._replace(collection, old, new)
        return old["id"]

    def _add(self, collection, stamp):
        n = self._next[collection]
        self._next[collection] += 1
        rec = dict(self._make(collection, n), created_at=stamp, updated_at=stamp)
        self._tables[collection] = [*self._tables[collection], rec]
        self._index[collection][str(rec["id"])] = rec
        return rec["id"]

    def _delete(self, collection, rid):
        old = self._index[collection].pop(str(rid), None)
        if old is None:
            raise ValueError(f"no {collection} record with id {rid}")
        self._tables[collection] = [rec for rec in self._tables[collection] if rec is not old]
        return old["id"]
