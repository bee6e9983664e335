"""Running OData queries over entity-set views: planning, filtering, ordering, paging, shaping.

Plans avoid full scans where the answer is known to be small: ``Id eq N`` is a lookup,
``<indexed property> eq N`` (a quote's lines, a record's attachments, a deal's quotes...)
asks the view, ``Id gt/ge/lt/le N`` bounds the scan, ``LastUpdateDate ge T`` with T after
the generation reference only visits records changed since start, and unfiltered ``$skip``
on ``Id`` order jumps straight to the position. Everything else streams lazily, so memory
stays flat.
"""

import heapq
import itertools
from dataclasses import dataclass
from datetime import datetime

from .evaluator import Evaluator, SortKey
from .odata import BoolOp, Compare, Literal, Path, QueryError
from .rng import REFERENCE

ID_ASC = [(Path(("Id",)), False)]
ID_DESC = [(Path(("Id",)), True)]


@dataclass
class Page:
    rows: list
    skip: int          # effective skip the rows start at
    more: bool         # rows remain after this page
    count: int | None  # total matches when $count=true


def _conjuncts(node):
    if isinstance(node, BoolOp) and node.op == "and":
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node] if node is not None else []


def _bound(node):
    """(property, op, literal) for ``Prop op literal`` (either side), else None."""
    if not isinstance(node, Compare):
        return None
    flip = {"gt": "lt", "ge": "le", "lt": "gt", "le": "ge", "eq": "eq", "ne": "ne"}
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Literal) and isinstance(right, Path):
        left, right, op = right, left, flip[op]
    if isinstance(left, Path) and len(left.segments) == 1 and isinstance(right, Literal):
        return left.segments[0], op, right.value
    return None


class Planner:
    """Chooses the cheapest candidate stream that is a superset of the filter's matches."""

    @staticmethod
    def candidates(view, node, reverse):
        after = upto = exact = since = indexed = None
        for conj in _conjuncts(node):
            bound = _bound(conj)
            if bound is None:
                continue
            prop, op, value = bound
            if isinstance(value, bool) or not isinstance(value, (int, datetime)):
                continue
            if prop == "Id" and isinstance(value, int):
                if op == "eq":
                    exact = value
                elif op in ("gt", "ge"):
                    after = max(after if after is not None else value - 1, value - (op == "ge"))
                elif op in ("lt", "le"):
                    upto = min(upto if upto is not None else value, value - (op == "lt"))
            elif prop == "LastUpdateDate" and isinstance(value, datetime) and op in ("gt", "ge"):
                if value > REFERENCE or (op == "gt" and value >= REFERENCE):
                    since = value
            elif op == "eq" and isinstance(value, int) and indexed is None:
                indexed = view.lookup(prop, value)
        if exact is not None:
            rec = view.get(exact)
            return iter([] if rec is None else [rec])
        for rows in (indexed, None if since is None else view.changed_since(since)):
            if rows is not None:
                return iter(sorted(rows, key=lambda rec: rec["Id"], reverse=reverse))
        return view.iter(after=after, upto=upto, reverse=reverse)


class QueryEngine:
    """Executes parsed QueryOptions against the catalog."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.evaluator = Evaluator(catalog.types)

    def page(self, set_name, opts, size, shift=0):
        """One page of ``size`` rows of a collection; ``shift`` moves the start by ±1 row."""
        view, type_name = self.catalog.sets[set_name], self.catalog.type_of(set_name)
        skip = max(0, opts.skip + shift) if opts.skip else opts.skip
        order = opts.orderby or ID_ASC
        if order in (ID_ASC, ID_DESC):
            reverse = order == ID_DESC
            if opts.filter is None:
                stream = view.iter(reverse=reverse, offset=skip)
                rows = list(itertools.islice(stream, size + 1))
            else:
                stream = self._matches(Planner.candidates(view, opts.filter, reverse), opts.filter, type_name)
                rows = list(itertools.islice(stream, skip, skip + size + 1))
        else:
            rows = self._sorted(view, opts, type_name, skip + size + 1)[skip:]
        count = None
        if opts.count:
            count = view.count() if opts.filter is None else sum(
                1 for _ in self._matches(Planner.candidates(view, opts.filter, False), opts.filter, type_name))
        return Page(rows[:size], skip, len(rows) > size, count)

    def _matches(self, candidates, node, type_name):
        matches = self.evaluator.matches
        return (rec for rec in candidates if matches(node, type_name, rec))

    def _sorted(self, view, opts, type_name, limit):
        stream = Planner.candidates(view, opts.filter, False)
        if opts.filter is not None:
            stream = self._matches(stream, opts.filter, type_name)
        desc = [d for _, d in opts.orderby]
        value = self.evaluator.path_value

        def key(rec):
            return SortKey([value(p, type_name, rec) for p, _ in opts.orderby], desc)
        return heapq.nsmallest(limit, stream, key=key)

    # -- shaping ------------------------------------------------------------------------
    def shape(self, type_name, record, opts):
        """A response object: selected properties plus expanded navigations."""
        etype = self.catalog.types[type_name]
        if opts.select and "*" not in opts.select:
            unknown = [name for name in opts.select if name not in record]
            if unknown:
                raise QueryError(f"Could not find a property named '{unknown[0]}' on type '{type_name}'.")
            wanted = set(opts.select)
            out = {k: v for k, v in record.items() if k in wanted}
        else:
            out = dict(record)
        for item in opts.expand:
            nav = etype.navs.get(item.name)
            if nav is None:
                raise QueryError(f"Could not find a navigation property named '{item.name}' on type '{type_name}'.")
            value = nav.resolve(record)
            if nav.many:
                out[item.name] = [self.shape(nav.target, rec, item.options)
                                  for rec in self.nested(nav.target, value, item.options)]
            else:
                out[item.name] = None if value is None else self.shape(nav.target, value, item.options)
        return out

    def nested(self, type_name, rows, opts):
        """Filter, order and page the rows of an expanded collection."""
        if opts.filter is not None:
            rows = [rec for rec in rows if self.evaluator.matches(opts.filter, type_name, rec)]
        if opts.orderby:
            desc = [d for _, d in opts.orderby]
            rows = sorted(rows, key=lambda rec: SortKey(
                [self.evaluator.path_value(p, type_name, rec) for p, _ in opts.orderby], desc))
        end = None if opts.top is None else opts.skip + opts.top
        return rows[opts.skip:end]

    def single(self, set_name, rid, opts):
        """One record by key, shaped, or None."""
        rec = self.catalog.sets[set_name].get(rid)
        return None if rec is None else self.shape(self.catalog.type_of(set_name), rec, opts)


def context_fragment(set_name, opts):
    """``Deals`` or ``Deals(Id,Title,OtherProperties)`` for ``@odata.context``."""
    items = [n for n in (opts.select or []) if n != "*"] + [e.name for e in opts.expand]
    return f"{set_name}({','.join(items)})" if items else set_name
