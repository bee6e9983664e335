"""OData query options: a tokenizer and recursive-descent parsers.

Grammar of ``$filter`` (lowest precedence first)::

    expr    := and ('or' and)*
    and     := unary ('and' unary)*
    unary   := 'not' unary | compare
    compare := primary (('eq'|'ne'|'gt'|'ge'|'lt'|'le') primary)?
    primary := '(' expr ')' | literal | function '(' args ')' | path
    path    := ident ('/' (ident | ('any'|'all') '(' [ident ':' expr] ')'))*

Literals: ``'text'`` (``''`` escapes a quote), integers, decimals, ``true``/``false``,
``null`` and unquoted ISO-8601 date-times that carry an offset (``Z``, ``-03:00``, ``+01:00``).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS = {"contains": 2, "startswith": 2, "endswith": 2, "tolower": 1, "toupper": 1,
             "trim": 1, "length": 1}
OPTIONS = ("$filter", "$select", "$expand", "$orderby", "$top", "$skip", "$count")
TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?(?![\w:.]))
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w-]))
  | (?P<string>'(?:[^']|'')*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[()/,:])
""", re.VERBOSE)


class QueryError(ValueError):
    """A malformed or unsupported query (answered with HTTP 400)."""


@dataclass(frozen=True)
class Literal:
    value: object


@dataclass(frozen=True)
class Lambda:
    kind: str  # "any" or "all"
    var: str | None
    body: object


@dataclass(frozen=True)
class Path:
    segments: tuple  # names, and at most one trailing Lambda


@dataclass(frozen=True)
class Compare:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" / "or"
    left: object
    right: object


@dataclass(frozen=True)
class Not:
    operand: object


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


@dataclass
class ExpandItem:
    name: str
    options: "QueryOptions"


@dataclass
class QueryOptions:
    filter: object = None
    select: list | None = None
    expand: list = field(default_factory=list)
    orderby: list = field(default_factory=list)  # [(Path, descending)]
    top: int | None = None
    skip: int = 0
    count: bool = False


def parse_datetime(text):
    """An aware datetime from an ISO-8601 string with offset."""
    return datetime.fromisoformat(text)


def tokenize(text):
    """[(kind, text)] for a filter/orderby expression."""
    tokens, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise QueryError(f"Syntax error at position {pos} in '{text}'.")
        if m.lastgroup == "datetime" and not re.search(r"(Z|[+-]\d{2}:\d{2})$", m.group()):
            raise QueryError(f"Date-time literal '{m.group()}' needs an offset (Z or ±hh:mm).")
        if m.lastgroup != "ws":
            tokens.append((m.lastgroup, m.group()))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text):
        self.text, self.tokens, self.i = text, tokenize(text), 0

    def peek(self, offset=0):
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else (None, None)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value and tok[1] != value):
            want = value or kind or "a token"
            raise QueryError(f"Syntax error: expected {want} but found '{tok[1] or 'end of input'}' in '{self.text}'.")
        self.i += 1
        return tok

    def at_word(self, *words):
        kind, text = self.peek()
        return kind == "ident" and text in words

    def done(self):
        if self.peek()[0] is not None:
            raise QueryError(f"Syntax error: unexpected '{self.peek()[1]}' in '{self.text}'.")

    # -- boolean expressions ------------------------------------------------------------
    def expr(self):
        node = self.conj()
        while self.at_word("or"):
            self.take()
            node = BoolOp("or", node, self.conj())
        return node

    def conj(self):
        node = self.unary()
        while self.at_word("and"):
            self.take()
            node = BoolOp("and", node, self.unary())
        return node

    def unary(self):
        if self.at_word("not"):
            self.take()
            return Not(self.unary())
        return self.compare()

    def compare(self):
        left = self.primary()
        if self.at_word(*COMPARISONS):
            op = self.take()[1]
            return Compare(op, left, self.primary())
        if self.at_word("in", "has"):
            raise QueryError(f"Operator '{self.peek()[1]}' is not supported.")
        return left

    def primary(self):
        kind, text = self.peek()
        if kind == "punct" and text == "(":
            self.take()
            node = self.expr()
            self.take("punct", ")")
            return node
        if kind == "string":
            self.take()
            return Literal(text[1:-1].replace("''", "'"))
        if kind == "number":
            self.take()
            return Literal(float(text) if any(c in text for c in ".eE") else int(text))
        if kind == "datetime":
            self.take()
            return Literal(parse_datetime(text))
        if kind == "ident":
            if text in ("true", "false"):
                self.take()
                return Literal(text == "true")
            if text == "null":
                self.take()
                return Literal(None)
            if self.peek(1) == ("punct", "("):
                return self.call()
            return self.path()
        raise QueryError(f"Syntax error: unexpected '{text or 'end of input'}' in '{self.text}'.")

    def call(self):
        name = self.take("ident")[1]
        if name not in FUNCTIONS:
            raise QueryError(f"Unknown function '{name}'.")
        self.take("punct", "(")
        args = [self.expr()]
        while self.peek() == ("punct", ","):
            self.take()
            args.append(self.expr())
        self.take("punct", ")")
        if len(args) != FUNCTIONS[name]:
            raise QueryError(f"Function '{name}' takes {FUNCTIONS[name]} argument(s).")
        return Call(name, tuple(args))

    def path(self):
        segments = [self.take("ident")[1]]
        while self.peek() == ("punct", "/"):
            self.take()
            name = self.take("ident")[1]
            if name in ("any", "all") and self.peek() == ("punct", "("):
                segments.append(self.lambda_(name))
                break
            segments.append(name)
        return Path(tuple(segments))

    def lambda_(self, kind):
        self.take("punct", "(")
        if self.peek() == ("punct", ")"):
            self.take()
            if kind == "all":
                raise QueryError("all() needs a lambda expression.")
            return Lambda(kind, None, None)
        var = self.take("ident")[1]
        self.take("punct", ":")
        body = self.expr()
        self.take("punct", ")")
        return Lambda(kind, var, body)


def parse_filter(text):
    """AST of a ``$filter`` expression."""
    parser = _Parser(text)
    node = parser.expr()
    parser.done()
    return node


def parse_orderby(text):
    """[(Path, descending)] of an ``$orderby`` list."""
    parser, keys = _Parser(text), []
    while True:
        node = parser.path()
        if any(isinstance(s, Lambda) for s in node.segments):
            raise QueryError("$orderby cannot use any()/all().")
        desc = False
        if parser.at_word("asc", "desc"):
            desc = parser.take()[1] == "desc"
        keys.append((node, desc))
        if parser.peek()[0] is None:
            return keys
        parser.take("punct", ",")


def parse_select(text):
    """Property names of a ``$select`` list."""
    names = [part.strip() for part in text.split(",")]
    for name in names:
        if name != "*" and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"Invalid $select item '{name}'.")
    return names


def split_top(text, sep):
    """Split on ``sep`` outside quotes and parentheses."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            if depth < 0:
                raise QueryError(f"Unbalanced parentheses in '{text}'.")
        elif not quoted and depth == 0 and ch == sep:
            parts.append(text[start:i])
            start = i + 1
    if depth or quoted:
        raise QueryError(f"Unbalanced parentheses or quotes in '{text}'.")
    parts.append(text[start:])
    return parts


def parse_expand(text):
    """[ExpandItem] of an ``$expand`` list, nested options included."""
    items = []
    for part in split_top(text, ","):
        part = part.strip()
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?", part, re.DOTALL)
        if not m:
            raise QueryError(f"Invalid $expand item '{part}'.")
        inner = {}
        if m.group(2) is not None and m.group(2).strip():
            for option in split_top(m.group(2), ";"):
                key, sep, value = option.strip().partition("=")
                if not sep:
                    raise QueryError(f"Invalid nested option '{option}' in $expand.")
                inner[key.strip()] = value
        items.append(ExpandItem(m.group(1), parse_options(inner)))
    return items


def _non_negative(name, text):
    if not re.fullmatch(r"\d+", text.strip()):
        raise QueryError(f"Invalid value '{text}' for {name}: a non-negative integer is required.")
    return int(text)


def parse_options(params):
    """QueryOptions from a mapping of system query options (other keys must not start with $)."""
    opts = QueryOptions()
    for key, value in params.items():
        if key.startswith("$") and key not in OPTIONS:
            raise QueryError(f"The query parameter '{key}' is not supported.")
        if key == "$filter":
            opts.filter = parse_filter(value)
        elif key == "$select":
            opts.select = parse_select(value)
        elif key == "$expand":
            opts.expand = parse_expand(value)
        elif key == "$orderby":
            opts.orderby = parse_orderby(value)
        elif key == "$top":
            opts.top = _non_negative(key, value)
        elif key == "$skip":
            opts.skip = _non_negative(key, value)
        elif key == "$count":
            if value not in ("true", "false"):
                raise QueryError(f"Invalid value '{value}' for $count.")
            opts.count = value == "true"
    return opts
