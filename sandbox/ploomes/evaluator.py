"""Evaluation of parsed ``$filter`` expressions and ``$orderby`` keys against records."""

from datetime import datetime

from .odata import BoolOp, Call, Compare, Lambda, Literal, Not, Path, QueryError, parse_datetime


class Evaluator:
    """Evaluates expressions over records of the catalog's entity types."""

    def __init__(self, types):
        self.types = types

    def matches(self, node, type_name, record):
        """Whether ``record`` satisfies the filter ``node``."""
        value = self.eval(node, (type_name, record), {})
        if value is None or isinstance(value, bool):
            return bool(value)
        raise QueryError("The $filter expression must evaluate to a boolean.")

    def path_value(self, path, type_name, record):
        """Value of a property path (used by $orderby)."""
        return self.eval(path, (type_name, record), {})

    def eval(self, node, it, scope):
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Path):
            return self._path(node, it, scope)
        if isinstance(node, BoolOp):
            left = self._bool(self.eval(node.left, it, scope))
            if node.op == "and" and not left:
                return False
            if node.op == "or" and left:
                return True
            return self._bool(self.eval(node.right, it, scope))
        if isinstance(node, Not):
            return not self._bool(self.eval(node.operand, it, scope))
        if isinstance(node, Compare):
            return compare(node.op, self.eval(node.left, it, scope), self.eval(node.right, it, scope))
        if isinstance(node, Call):
            return call(node.name, [self.eval(arg, it, scope) for arg in node.args])
        raise QueryError("Unsupported expression.")

    @staticmethod
    def _bool(value):
        if value is None or isinstance(value, bool):
            return bool(value)
        raise QueryError("'and', 'or' and 'not' need boolean operands.")

    def _path(self, path, it, scope):
        segments = path.segments
        if segments[0] in scope:
            (type_name, value), segments = scope[segments[0]], segments[1:]
        else:
            type_name, value = it
        for seg in segments:
            if isinstance(seg, Lambda):
                return self._lambda(seg, type_name, value, it, scope)
            if isinstance(value, list):
                raise QueryError(f"'{seg}' follows a collection: use any() or all().")
            if value is None:
                return None
            type_name, value = self.step(type_name, value, seg)
        return value

    def step(self, type_name, record, name):
        """(type, value) of property or navigation ``name`` of a record."""
        if name in record:
            return None, record[name]
        etype = self.types.get(type_name)
        nav = etype.navs.get(name) if etype else None
        if nav is None:
            raise QueryError(f"Could not find a property named '{name}' on type '{type_name}'.")
        return nav.target, nav.resolve(record)

    def _lambda(self, lam, type_name, items, it, scope):
        if not isinstance(items, list):
            raise QueryError(f"{lam.kind}() needs a collection.")
        if lam.var is None:
            return bool(items)
        def test(item):
            return self._bool(self.eval(lam.body, it, {**scope, lam.var: (type_name, item)}))
        return any(map(test, items)) if lam.kind == "any" else all(map(test, items))


def _coerce(a, b):
    if isinstance(a, datetime) or isinstance(b, datetime):
        try:
            return tuple(parse_datetime(x) if isinstance(x, str) else x for x in (a, b))
        except ValueError as exc:
            raise QueryError(f"Cannot compare {a!r} with a date-time.") from exc
    if isinstance(a, bool) != isinstance(b, bool):
        raise QueryError(f"Cannot compare {a!r} with {b!r}.")
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) or type(a) is type(b):
        return a, b
    raise QueryError(f"Cannot compare {a!r} with {b!r}.")


def compare(op, a, b):
    """OData comparison: null equals only null and is never ordered."""
    if a is None or b is None:
        if op in ("eq", "ne"):
            return (a is None and b is None) == (op == "eq")
        return False
    a, b = _coerce(a, b)
    if isinstance(a, datetime) and not isinstance(b, datetime):
        raise QueryError(f"Cannot compare {a!r} with {b!r}.")
    return {"eq": a == b, "ne": a != b, "gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]


def call(name, args):
    """Built-in string functions; null in, null (or false) out."""
    if any(a is not None and not isinstance(a, str) for a in args):
        raise QueryError(f"Function '{name}' needs text arguments.")
    if name in ("contains", "startswith", "endswith"):
        if args[0] is None or args[1] is None:
            return False
        text, part = args
        return part in text if name == "contains" else getattr(text, name)(part)
    if args[0] is None:
        return None
    return {"tolower": str.lower, "toupper": str.upper, "trim": str.strip, "length": len}[name](args[0])


class SortKey:
    """Orders records by several keys, each ascending or descending; null sorts first."""

    __slots__ = ("values", "desc")

    def __init__(self, values, desc):
        self.values, self.desc = values, desc

    def __lt__(self, other):
        for a, b, desc in zip(self.values, other.values, self.desc, strict=True):
            if a == b:
                continue
            if a is None or b is None:
                less = a is None
            else:
                try:
                    less = a < b
                except TypeError as exc:
                    raise QueryError("$orderby keys of different types.") from exc
            return less != desc
        return False
