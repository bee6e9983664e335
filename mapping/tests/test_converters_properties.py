"""Properties of the generic converters over generated values (hypothesis).

Whatever a source sends, a converter either gives Odoo values, normalized, or says why
not: a :class:`ConversionError` whose message names the value, or a problem recorded on
the context (the record still loads). No other exception escapes.
"""
import math
import re
from datetime import date, datetime, timedelta, timezone

from hypothesis import HealthCheck, example, given, settings, strategies as st
from stdnum.br import cnpj, cpf

from crm_migration.mapping.converters import (ConversionError, clean_phone, convert, html_to_text,
                                              is_empty, is_mobile, parse_datetime)
from crm_migration.mapping.messages import render
from crm_migration.mapping.tests.memory import MemoryContext
from crm_migration.mapping.transform import MapLine

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow])
SANITIZED = "<sanitized/>"


class Context(MemoryContext):
    """The in-memory destination, with what Odoo's side answers for text and numbers."""

    def email_normalize(self, text):
        match = re.fullmatch(r"\s*([^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,})\s*", text)
        return match.group(1).lower() if match else None

    def html_sanitize(self, html):
        self.sanitized.append(html)
        return SANITIZED

    def plaintext2html(self, text):
        return f"<p>{text}</p>"

    def currency_code(self):
        return "BRL"

    def start_record(self):
        self.sanitized = []
        return super().start_record()


def run(converter, value, target="x", record=None, **params):
    """(values, problems) of one conversion; a ConversionError propagates."""
    ctx = Context()
    line = MapLine("V", target, converter, params)
    return convert(line, dict(record or {}, V=value), ctx), ctx.problems


def attempt(converter, value, **kwargs):
    """(values, problems, error): the conversion's outcome, a ConversionError included."""
    try:
        values, problems = run(converter, value, **kwargs)
    except ConversionError as exc:
        assert exc.code and str(exc), exc
        return None, [], exc
    return values, problems, None


def names(message, value):
    """Whether a message names ``value``: as typed, stripped, or as their repr."""
    text = str(value).strip()
    return text in message or repr(value) in message or repr(text) in message


def problem_texts(problems):
    return [render(p.message, p.params) for p in problems]


# -- values -------------------------------------------------------------------------------

def _with_check_digits(module, base):
    """``base`` and the two check digits python-stdnum accepts for it (None if none does)."""
    return next((base + f"{k:02d}" for k in range(100) if module.is_valid(base + f"{k:02d}")), None)


valid_cnpj = st.text("0123456789", min_size=12, max_size=12).map(
    lambda base: _with_check_digits(cnpj, base)).filter(bool)
valid_cpf = st.text("0123456789", min_size=9, max_size=9).map(
    lambda base: _with_check_digits(cpf, base)).filter(bool)
digit_strings = st.text("0123456789", min_size=1, max_size=16)
garbage = st.one_of(
    st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.booleans(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes)))
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31))


def spaced(text):
    """A document as people type it: formatted, bare, or with stray blanks."""
    return st.sampled_from([text, f" {text} ", text.replace(".", "").replace("/", "").replace("-", "")])


# -- CNPJ / CPF -------------------------------------------------------------------------------

@PROPERTIES
@given(st.one_of(valid_cnpj.map(cnpj.format), valid_cnpj).flatmap(spaced))
def test_a_valid_cnpj_comes_out_formatted_valid_and_typed(typed):
    values, problems = run("cnpj_cpf", typed, target="vat")
    digits = re.sub(r"\D", "", typed)
    assert values == {"vat": cnpj.format(digits), "l10n_latam_identification_type_id": 1}
    assert cnpj.is_valid(values["vat"]) and not problems


@PROPERTIES
@given(st.one_of(valid_cpf.map(cpf.format), valid_cpf).flatmap(spaced))
def test_a_valid_cpf_comes_out_formatted_valid_and_typed(typed):
    values, problems = run("cnpj_cpf", typed, target="vat")
    digits = re.sub(r"\D", "", typed)
    assert values == {"vat": cpf.format(digits), "l10n_latam_identification_type_id": 2}
    assert cpf.is_valid(values["vat"]) and not problems


@PROPERTIES
@given(st.one_of(digit_strings, garbage))
def test_any_other_register_is_left_out_and_reported_by_value(value):
    values, problems, error = attempt("cnpj_cpf", value, target="vat")
    assert error is None
    digits = re.sub(r"\D", "", str(value))
    if is_empty(value):
        assert (values, problems) == ({}, [])
    elif (len(digits) == 14 and cnpj.is_valid(digits)) or (len(digits) == 11 and cpf.is_valid(digits)):
        assert values["vat"] in (cnpj.format(digits), cpf.format(digits)) and not problems
    else:
        assert values == {}
        assert [p.code for p in problems] == ["invalid_register"]
        assert names(problem_texts(problems)[0], value)


# -- CEP ---------------------------------------------------------------------------------

@PROPERTIES
@given(st.integers(min_value=1, max_value=99_999_999))
def test_a_cep_sent_as_a_number_gets_its_leading_zeros_back(number):
    values, problems = run("cep", number)
    digits = f"{number:08d}"
    assert values == {"x": f"{digits[:5]}-{digits[5:]}"} and not problems


@PROPERTIES
@given(st.text("0123456789", min_size=8, max_size=8).flatmap(
    lambda d: st.sampled_from([d, f"{d[:5]}-{d[5:]}", f"{d[:2]}.{d[2:5]}-{d[5:]}", f" {d} "])))
def test_a_typed_cep_is_normalized(typed):
    values, problems = run("cep", typed)
    digits = re.sub(r"\D", "", typed)
    assert values == {"x": f"{digits[:5]}-{digits[5:]}"} and not problems


@PROPERTIES
@given(garbage)
def test_a_cep_is_normalized_or_kept_as_typed_and_reported(value):
    values, problems, error = attempt("cep", value)
    assert error is None
    if is_empty(value):
        assert values == {"x": False}
    elif re.fullmatch(r"\d{5}-\d{3}", values["x"]) and not problems:
        assert re.sub(r"\D", "", values["x"]).lstrip("0") == re.sub(r"\D", "", str(value)).lstrip("0")
    else:
        assert values == {"x": str(value)}
        assert [p.code for p in problems] == ["invalid_zip"]
        assert names(problem_texts(problems)[0], value)


# -- dates and date-times -----------------------------------------------------------------

@PROPERTIES
@given(moments, offsets, st.sampled_from(["seconds", "milliseconds", "microseconds"]))
def test_a_datetime_with_an_offset_is_stored_in_utc(moment, offset, timespec):
    aware = moment.replace(tzinfo=offset)
    values, problems = run("datetime", aware.isoformat(timespec=timespec))
    expected = aware.astimezone(timezone.utc).replace(tzinfo=None)
    assert values == {"x": expected.strftime("%Y-%m-%d %H:%M:%S")} and not problems


@PROPERTIES
@given(moments, offsets)
def test_a_date_is_the_local_calendar_day_of_the_source(moment, offset):
    aware = moment.replace(tzinfo=offset)
    values, problems = run("date", aware.isoformat())
    assert values == {"x": moment.date().isoformat()} and not problems


@PROPERTIES
@given(moments)
def test_utc_written_as_z_is_utc(moment):
    values, _problems = run("datetime", moment.isoformat() + "Z")
    assert values == {"x": moment.strftime("%Y-%m-%d %H:%M:%S")}


@PROPERTIES
@given(moments)
def test_a_datetime_without_offset_is_refused_by_value(moment):
    typed = moment.isoformat()
    for converter in ("datetime", "date"):
        _values, _problems, error = attempt(converter, typed)
        assert error is not None and error.code == "no_offset"
        assert typed in str(error)


@PROPERTIES
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_plain_date_object_is_its_day(day):
    assert run("date", day)[0] == {"x": day.isoformat()}


@PROPERTIES
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats()))
def test_any_text_is_a_utc_moment_or_refused_by_value(value):
    for converter in ("datetime", "date"):
        values, _problems, error = attempt(converter, value)
        if is_empty(value):
            assert values == {"x": False}
        elif error is not None:
            assert error.code in ("not_a_date", "no_offset")
            assert names(str(error), value)
        else:
            assert parse_datetime(value).tzinfo is not None


@PROPERTIES
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)), offsets)
@example(datetime(1, 1, 1), timezone(timedelta(hours=1)))
@example(datetime(9999, 12, 31, 23), timezone(timedelta(hours=-3)))
def test_no_moment_at_the_ends_of_the_calendar_escapes_as_another_error(moment, offset):
    """Year 1 ahead of UTC and year 9999 behind it have no UTC date-time in Python."""
    typed = moment.replace(tzinfo=offset).isoformat()
    _values, _problems, error = attempt("datetime", typed)
    assert error is None or typed in str(error)


# -- numbers ---------------------------------------------------------------------------------

amounts = st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False)


def pt_br(amount):
    """``-1234567.5`` as ``-1.234.567,50``."""
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


@PROPERTIES
@given(amounts, st.sampled_from(["{}", "R$ {}", "R${}", " {} "]))
def test_a_brazilian_amount_is_read_to_the_cent(amount, template):
    values, problems = run("float", template.format(pt_br(amount)))
    assert math.isclose(values["x"], float(amount), abs_tol=0.005) and not problems


@PROPERTIES
@given(amounts)
def test_an_amount_without_thousands_separators_is_read_either_way(amount):
    for typed in (f"{amount:.2f}", f"{amount:.2f}".replace(".", ",")):
        values, _problems = run("float", typed)
        assert math.isclose(values["x"], float(amount), abs_tol=0.005), typed


@PROPERTIES
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**12, 10**12)))
def test_a_number_is_kept(number):
    assert run("float", number)[0] == {"x": float(number)}


@PROPERTIES
@given(st.one_of(garbage, st.sampled_from(["nan", "inf", "-Infinity", "1e999", "1,234.56"]),
                 amounts.map(lambda a: f"{a:,.2f}")))
def test_a_float_is_a_finite_number_or_refused_by_value(value):
    """Text that is no amount (``nan``, ``inf``, ``1e999``) is refused, and an English
    ``1,234.56`` is read as 1234.56 or refused, never as 1.23456."""
    values, _problems, error = attempt("float", value)
    if error is not None:
        bare = str(value).replace("R$", "").replace(" ", "")
        assert error.code == "not_a_number" and (names(str(error), value) or names(str(error), bare))
        return
    if is_empty(value) or values["x"] is False:
        return
    assert math.isfinite(values["x"]), value
    english = re.fullmatch(r"-?\d{1,3}(,\d{3})+\.\d{2}", str(value))
    if english:
        assert math.isclose(values["x"], float(str(value).replace(",", "")), abs_tol=0.005), value


@PROPERTIES
@given(st.integers(-10**15, 10**15))
def test_a_whole_number_is_kept_as_typed_or_as_number(number):
    for typed in (number, str(number), f" {number} ", float(number) if abs(number) < 2**52 else number):
        assert run("integer", typed)[0] == {"x": number}


@PROPERTIES
@given(garbage)
def test_an_integer_is_a_whole_number_or_refused_by_value(value):
    values, _problems, error = attempt("integer", value)
    if error is not None:
        assert error.code in ("not_a_number", "not_an_integer") and names(str(error), value)
    elif not is_empty(value):
        assert isinstance(values["x"], int)


@PROPERTIES
@given(st.one_of(garbage, st.sampled_from(["Sim", "não", "YES", " n ", "true", "0"])))
def test_a_boolean_is_yes_no_or_refused_by_value(value):
    values, _problems, error = attempt("boolean", value)
    if error is not None:
        assert error.code == "not_a_boolean" and names(str(error), value)
    else:
        assert values["x"] in (True, False)


# -- phones ---------------------------------------------------------------------------------

@PROPERTIES
@given(st.text(max_size=30), st.one_of(st.none(), st.text(max_size=12)),
       st.sampled_from(["BR", "US", "PT", None]))
def test_telling_a_mobile_never_fails(number, type_name, country):
    assert is_mobile(clean_phone(number), type_name, country) in (True, False)


@PROPERTIES
@given(st.text("0123456789 ()-", min_size=8, max_size=14))
def test_a_trunk_prefix_habit_is_undone(number):
    assert clean_phone(f"0xx{number}") == "0" + number.strip()
    assert clean_phone(f" 0 X x {number}") == "0" + number.strip()


# -- HTML ---------------------------------------------------------------------------------

TAGS = st.sampled_from(["p", "b", "i", "div", "span", "table", "tr", "td", "a", "ul", "li", "br",
                        "img", "script", "style", "iframe", "svg", "template", "noscript", "title"])
HOSTILE_ATTRS = st.sampled_from(['', ' onclick="steal()"', ' onerror="alert(1)"',
                                 ' href="javascript:alert(1)"', ' style="display:none"',
                                 ' src="https://evil.example/x.js"'])
SECRET = "SECRET"  # what hidden elements hold in these documents
words = st.text("abcdefghijklmnopqrstuvwxyzáéíõç ", min_size=0, max_size=12)


@st.composite
def documents(draw, depth=0):
    """Random markup; text inside script, style and other hidden elements says SECRET."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(TAGS)
            hidden = tag in ("script", "style", "iframe", "svg", "template", "noscript", "title")
            inner = SECRET if hidden else draw(documents(depth + 1))
            parts.append(f"<{tag}{draw(HOSTILE_ATTRS)}>{inner}</{tag}>")
        else:
            parts.append(draw(words))
    return "".join(parts)


@PROPERTIES
@given(documents())
def test_the_text_of_html_never_shows_what_hidden_elements_hold(html):
    text = html_to_text(html)
    assert SECRET not in text
    assert "<" not in text and "=" not in text, "no tag nor attribute shows"
    assert text == " ".join(text.split())
    for word in re.findall(r"[a-zç]+", re.sub(r"<[^>]*>|SECRET", " ", html)):
        assert word in text


@PROPERTIES
@given(st.text(max_size=200))
def test_the_text_of_any_string_is_text(value):
    text = html_to_text(value)
    assert isinstance(text, str) and text == " ".join(text.split())


@PROPERTIES
@given(st.one_of(documents(), words, garbage))
def test_markup_is_always_sanitized_and_a_script_reported(value):
    values, problems, error = attempt("html", value)
    assert error is None
    if is_empty(value):
        assert values == {"x": False}
        return
    text = str(value)
    if re.search(r"<[a-zA-Z/!][^>]*>", text):
        assert values == {"x": SANITIZED}, "markup must go through the sanitizer"
    else:
        assert values == {"x": f"<p>{text}</p>"}
    scripted = bool(re.search(r"<\s*script", text, re.I))
    assert [p.code for p in problems] == (["html_script_removed"] if scripted else [])


# -- names, e-mails, references ------------------------------------------------------------

@PROPERTIES
@given(garbage)
def test_a_name_is_never_empty(value):
    values, problems = run("name", value, record={"Id": 5}, placeholder="Record")
    assert isinstance(values["x"], str) and values["x"].strip()
    assert is_empty(value) == bool(problems)


@PROPERTIES
@given(st.one_of(st.emails(), st.text(max_size=30)))
def test_an_email_is_normalized_or_kept_as_typed_and_reported(value):
    values, problems = run("email", value)
    if is_empty(value):
        assert values == {"x": False}
    elif problems:
        assert values == {"x": value.strip()} and [p.code for p in problems] == ["invalid_email"]
        assert names(problem_texts(problems)[0], value.strip())
    else:
        assert values["x"] == values["x"].lower().strip() and "@" in values["x"]


keys = st.one_of(st.integers(), st.text(min_size=1, max_size=10)).filter(lambda key: not is_empty(key))


@PROPERTIES
@given(keys)
def test_a_reference_to_nothing_loaded_is_reported_by_value(key):
    values, problems = run("ref", key, entity="People")
    assert values == {"x": False}
    assert [p.code for p in problems] == ["dangling_reference"]
    assert str(key) in problem_texts(problems)[0]


@PROPERTIES
@given(keys)
def test_a_lookup_row_that_does_not_exist_is_reported_by_value(key):
    values, problems = run("lookup_name", key, entity="Roles", name_field="Name")
    assert values == {"x": False}
    assert [p.code for p in problems] == ["dangling_reference"] and str(key) in problem_texts(problems)[0]


@PROPERTIES
@given(st.one_of(garbage, st.text("#0123456789abcdefABCDEF", max_size=8)))
def test_a_colour_is_an_odoo_colour_index(value):
    values, _problems, error = attempt("color", value)
    assert error is None and values["x"] in range(0, 12)
