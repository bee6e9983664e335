"""Ground truth of a sandbox account and the changes made to it after start (for delta tests)."""

import threading
from datetime import timedelta

from .layout import BASE
from .rng import REFERENCE, fmt_dt, now_brt, rng
from .store import GeneratedSet

EDITABLE_TEXT = ("Note", "Description", "Content", "Notes")
NOT_ADDABLE = {"Attachments"}  # attachments only exist through their parents


class Dataset:
    """Read access to every entity set as the API serves it, and ``mutate()``.

    ``get``/``iter`` return full records: every scalar property plus every navigation.
    Single-valued navigations are the bare related record; collections are expanded with
    their own collections (quote sections with their lines and parts, and so on).
    """

    def __init__(self, seed, catalog):
        self.seed, self.catalog = seed, catalog
        self._lock = threading.Lock()
        self._mutations = 0

    def count(self, entity):
        """Number of records ``GET /<entity>`` would page through."""
        return self.catalog.sets[entity].count()

    def get(self, entity, rid, expand=True):
        """One record by Id (None when absent)."""
        rec = self.catalog.sets[entity].get(rid)
        return rec if rec is None or not expand else self.full(self.catalog.type_of(entity), rec)

    def iter(self, entity, expand=True):
        """All records in Id order, generated lazily."""
        type_name = self.catalog.type_of(entity)
        for rec in self.catalog.sets[entity].iter():
            yield self.full(type_name, rec) if expand else rec

    def ids(self, entity):
        """All Ids in order, lazily."""
        return (rec["Id"] for rec in self.catalog.sets[entity].iter())

    def full(self, type_name, rec, top=True):
        """``rec`` with its navigations (see the class docstring)."""
        out = dict(rec)
        for name, nav in self.catalog.types[type_name].navs.items():
            if nav.many:
                out[name] = [self.full(nav.target, child, False) for child in nav.resolve(rec)]
            elif top:
                out[name] = nav.resolve(rec)
        return out

    # -- mutations ----------------------------------------------------------------------
    def mutate(self, entity, touch=0, add=0, delete=0):
        """Touch, add and delete records of a generated entity set.

        ``touch``/``delete`` are counts (records chosen from the seed) or lists of Ids.
        Touched and added records get LastUpdateDate = now; deleted deals show up in
        ``Deals/GetDeletedDeals`` with LastUpdateDate = the deletion time.
        """
        view = self.catalog.sets.get(entity)
        if not isinstance(view, GeneratedSet):
            raise ValueError(f"'{entity}' cannot be mutated; use one of the generated entity sets.")
        if add and entity in NOT_ADDABLE:
            raise ValueError(f"Records cannot be added to '{entity}'.")
        with self._lock:
            self._mutations += 1
            r = rng(self.seed, "mutate", entity, self._mutations)
            stamp = fmt_dt(max(now_brt(), REFERENCE + timedelta(seconds=1)))
            touch_ids, delete_ids = self._choose(view, r, touch, delete)
            touched = [self._touch(view, rid, stamp) for rid in touch_ids]
            added = [self._add(view, stamp) for _ in range(int(add))]
            deleted = [self._delete(entity, view, rid, stamp) for rid in delete_ids]
        return {"touched": touched, "added": added, "deleted": [rid for rid in deleted if rid]}

    @staticmethod
    def _choose(view, r, touch, delete):
        """(touch ids, delete ids): explicit lists as given, counts drawn without overlap."""
        explicit = [x for x in (touch, delete) if isinstance(x, (list, tuple))]
        taken = {rid for ids in explicit for rid in ids}
        counts = [0 if isinstance(x, (list, tuple)) else int(x) for x in (touch, delete)]
        live = view.count()
        positions = r.sample(range(live), min(live, sum(counts) + len(taken)))
        pool = [rid for rid in (next(view.iter(offset=p))["Id"] for p in positions) if rid not in taken]
        touch_ids = list(touch) if isinstance(touch, (list, tuple)) else pool[:counts[0]]
        delete_ids = list(delete) if isinstance(delete, (list, tuple)) else pool[counts[0]:sum(counts)]
        return touch_ids, delete_ids

    def _touch(self, view, rid, stamp):
        rec = view.get(rid)
        if rec is None:
            raise ValueError(f"No record with Id {rid}.")
        rec = dict(rec, LastUpdateDate=stamp)
        if "UpdaterId" in rec:
            rec["UpdaterId"] = BASE["Users"]
        field = next((f for f in EDITABLE_TEXT if f in rec), None)
        if field:
            rec[field] = f"Editado pela sandbox em {stamp}"
        view.touch(rec)
        return rid

    @staticmethod
    def _add(view, stamp):
        rec = dict(view.make(view.next_rank), CreateDate=stamp, LastUpdateDate=stamp)
        view.add(rec)
        return rec["Id"]

    def _delete(self, entity, view, rid, stamp):
        rec = view.get(rid)
        if rec is None:
            return None
        view.delete(rid, stamp)
        if entity == "Deals":
            gone = self.catalog.sets["Deals/GetDeletedDeals"]
            gone.removed = {**gone.removed, rid: dict(rec, LastUpdateDate=stamp)}
        return rid
