"""Query grammar: tokenizer and parsers, malformed input included (no HTTP)."""

from datetime import datetime, timedelta, timezone

import pytest

from sandbox.ploomes.evaluator import Evaluator, compare
from sandbox.ploomes.odata import (BoolOp, Call, Compare, Lambda, Literal, Not, Path, QueryError,
                                   parse_expand, parse_filter, parse_options, parse_orderby, parse_select,
                                   tokenize)


def test_tokenizer_kinds():
    kinds = [k for k, _ in tokenize("Name eq 'O''Brien' and Amount ge -1.5 and D lt 2025-01-01T00:00:00Z")]
    assert kinds == ["ident", "ident", "string", "ident", "ident", "ident", "number", "ident",
                     "ident", "ident", "datetime"]


def test_comparison_and_precedence():
    node = parse_filter("A eq 1 or B eq 2 and not C eq 3")
    assert node == BoolOp("or", Compare("eq", Path(("A",)), Literal(1)),
                          BoolOp("and", Compare("eq", Path(("B",)), Literal(2)),
                                 Not(Compare("eq", Path(("C",)), Literal(3)))))


def test_parentheses_override_precedence():
    node = parse_filter("(A eq 1 or B eq 2) and C ne null")
    assert isinstance(node, BoolOp) and node.op == "and"
    assert node.left.op == "or" and node.right == Compare("ne", Path(("C",)), Literal(None))


@pytest.mark.parametrize("op", ["eq", "ne", "gt", "ge", "lt", "le"])
def test_every_comparison_operator(op):
    assert parse_filter(f"Id {op} 5") == Compare(op, Path(("Id",)), Literal(5))


def test_literals():
    assert parse_filter("S eq 'It''s'").right == Literal("It's")
    assert parse_filter("B eq true").right == Literal(True)
    assert parse_filter("B eq false").right == Literal(False)
    assert parse_filter("N eq 3.25").right == Literal(3.25)
    assert parse_filter("N eq -7").right == Literal(-7)
    assert parse_filter("N eq null").right == Literal(None)


@pytest.mark.parametrize("text, offset", [
    ("2019-05-01T00:00:00-03:00", -3), ("2025-01-01T00:00:00Z", 0), ("2025-01-01T10:30:00.123+02:00", 2),
])
def test_datetime_literals_with_offset(text, offset):
    value = parse_filter(f"LastUpdateDate ge {text}").right.value
    assert isinstance(value, datetime)
    assert value.utcoffset() == timedelta(hours=offset)


def test_functions_and_navigation_paths():
    assert parse_filter("contains(Name,'ão')") == Call("contains", (Path(("Name",)), Literal("ão")))
    assert parse_filter("startswith(tolower(Name),'a')").args[0] == Call("tolower", (Path(("Name",)),))
    assert parse_filter("Deal/StatusId eq 2").left == Path(("Deal", "StatusId"))


def test_lambda_any_and_all():
    node = parse_filter("OtherProperties/any(o: o/FieldKey eq 'k' and o/BoolValue eq false)")
    lam = node.segments[-1]
    assert node.segments[0] == "OtherProperties" and isinstance(lam, Lambda)
    assert lam.kind == "any" and lam.var == "o" and lam.body.op == "and"
    assert parse_filter("Tags/any()").segments[-1] == Lambda("any", None, None)
    assert parse_filter("not Phones/all(p: p/TypeId eq 1)").operand.segments[-1].kind == "all"


@pytest.mark.parametrize("text", [
    "Id eq", "Id eq 1 and", "(Id eq 1", "Id eq 1)", "Name eq 'open", "Id === 1", "Id eq 1 Id eq 2",
    "unknownfn(Name)", "contains(Name)", "Tags/any(t t/TagId eq 1)", "LastUpdateDate ge 2025-01-01",
    "LastUpdateDate ge 2025-01-01T00:00:00", "StatusId in (1,2)", "Name eq 'a' eq 'b'", "", "#",
])
def test_malformed_filters_raise(text):
    with pytest.raises(QueryError):
        parse_filter(text)


def test_orderby_and_select():
    keys = parse_orderby("PipelineId,Ordination desc, Stage/Name asc")
    assert [(p.segments, d) for p, d in keys] == [(("PipelineId",), False), (("Ordination",), True),
                                                   (("Stage", "Name"), False)]
    assert parse_select("Id, Name") == ["Id", "Name"]
    for bad in ("Id desc desc", "Id,", "Tags/any(t: true)"):
        with pytest.raises(QueryError):
            parse_orderby(bad)
    with pytest.raises(QueryError):
        parse_select("Id,Na-me")


def test_expand_with_nested_options():
    items = parse_expand("Contact($select=Id,Name;$expand=Phones,City),"
                         "OtherProperties($filter=FieldKey eq 'a;b)' or FieldKey eq 'k';$top=2),Tags($expand=Tag)")
    assert [i.name for i in items] == ["Contact", "OtherProperties", "Tags"]
    contact = items[0].options
    assert contact.select == ["Id", "Name"] and [e.name for e in contact.expand] == ["Phones", "City"]
    assert items[1].options.filter.op == "or" and items[1].options.top == 2
    assert items[1].options.filter.left.right == Literal("a;b)")
    assert items[2].options.expand[0].name == "Tag"


@pytest.mark.parametrize("text", ["Phones(", "Phones)", "Phones($top)", "Pho nes", "Phones($filter=Id eq)"])
def test_malformed_expand_raises(text):
    with pytest.raises(QueryError):
        parse_expand(text)


def test_options_validation():
    opts = parse_options({"$top": "10", "$skip": "20", "$count": "true", "preload": "true"})
    assert (opts.top, opts.skip, opts.count) == (10, 20, True)
    for bad in ({"$top": "-1"}, {"$skip": "x"}, {"$count": "yes"}, {"$inlinecount": "allpages"},
                {"$format": "json"}):
        with pytest.raises(QueryError):
            parse_options(bad)


def test_evaluator_semantics():
    ev = Evaluator({})
    rec = {"Name": "João", "Amount": 10.5, "Date": "2025-06-01T10:00:00-03:00", "Email": None, "Ok": True}

    def m(text):
        return ev.matches(parse_filter(text), "X", rec)
    assert m("Name eq 'João' and Amount gt 10")
    assert m("Email eq null") and not m("Email ne null") and not m("Email gt 'a'")
    assert m("Date ge 2025-06-01T13:00:00Z") and not m("Date gt 2025-06-01T13:00:00Z")
    assert m("contains(Name,'oã') and startswith(Name,'Jo') and endswith(Name,'ão')")
    assert m("not (Amount lt 1) or Ok eq false") and m("Ok")
    assert m("tolower(Name) eq 'joão' and length(Name) eq 4")
    with pytest.raises(QueryError):
        m("Name eq 5")
    with pytest.raises(QueryError):
        m("Nope eq 1")
    with pytest.raises(QueryError):
        m("Name")


def test_compare_null_rules():
    assert compare("eq", None, None) and not compare("ne", None, None)
    assert not compare("lt", None, 1) and not compare("ge", 1, None)
    assert compare("gt", datetime(2025, 1, 1, tzinfo=timezone.utc), "2024-12-31T23:00:00-03:00") is False
