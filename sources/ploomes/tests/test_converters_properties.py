"""Properties of the Ploomes converters over generated payload values (hypothesis).

Whatever an account holds, a converter either gives Odoo values, normalized, or says why
not: a :class:`ConversionError` whose message names the value, or a problem recorded on
the context (the record still loads). No other exception escapes.
"""
import re
from datetime import datetime, timedelta, timezone

import phonenumbers
from hypothesis import HealthCheck, example, given, settings, strategies as st
from stdnum.br import cnpj, cpf

from crm_migration.mapping.converters import ConversionError, convert, html_to_text, is_empty
from crm_migration.mapping.messages import render
from crm_migration.mapping.tests.memory import MemoryContext
from crm_migration.mapping.transform import MapLine
from crm_migration.sources.ploomes import SPEC
from crm_migration.sources.ploomes.activities import (email_addresses, headline, meeting_stop,
                                                      time_span, utc_string)
from crm_migration.sources.ploomes.sales import money_text, uom_name

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow])
KEY = "contact_0A1B2C3D"
OPTIONS = "Fields@OptionsTables@Options"
BRT = timezone(timedelta(hours=-3))  # Ploomes writes every date-time with Brasília's offset
#: The option table of the tests: id -> name.
OPTION_NAMES = {401: "Site", 402: "Indicação", 403: "Google"}


def phone_or_none(number, country_code):
    """What the converters are promised: the number formatted, or None when it is none."""
    try:
        parsed = phonenumbers.parse(number, country_code)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class Context(MemoryContext):
    """The in-memory destination with the Ploomes spec, an option table and phone formatting."""

    spec = SPEC

    def __init__(self, **kwargs):
        lookups = {(OPTIONS, str(i)): {"Id": i, "Name": name} for i, name in OPTION_NAMES.items()}
        lookups.update({("PhoneTypes", "1"): {"Id": 1, "Name": "Comercial"},
                        ("PhoneTypes", "2"): {"Id": 2, "Name": "Celular"}})
        super().__init__(lookups=lookups, **kwargs)

    def email_normalize(self, text):
        match = re.fullmatch(r"\s*([^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,})\s*", text)
        return match.group(1).lower() if match else None

    def html_sanitize(self, html):
        return re.sub(r"(?is)<script.*?</script>", "", html)

    def plaintext2html(self, text):
        return f"<p>{text}</p>"

    def phone_format(self, number, country_code):
        return phone_or_none(number, country_code)

    def partner_for_email(self, address):
        return 9 if self.email_normalize(address) else None

    def currency_code(self):
        return "BRL"


def run(converter, value, target="x", record=None, ctx=None, **params):
    ctx = ctx or Context()
    ctx.start_record()
    line = MapLine("V", target, converter, params)
    return convert(line, dict(record or {}, V=value), ctx), ctx.problems


def attempt(converter, value, **kwargs):
    """(values, problems, error): the outcome, a ConversionError included."""
    try:
        values, problems = run(converter, value, **kwargs)
    except ConversionError as exc:
        assert exc.code and str(exc), exc
        return None, [], exc
    return values, problems, None


def custom(cell_column, value, source_type, ttype, **params):
    """(values, problems, error) of one custom-field row through the ``custom`` converter."""
    ctx = Context()
    ctx.start_record()
    row = {"FieldKey": KEY, cell_column: value}
    line = MapLine(f"OtherProperties/{KEY}", "x_f", "custom", {"type": source_type, "ttype": ttype, **params})
    try:
        return convert(line, {"OtherProperties": [row]}, ctx), ctx.problems, None
    except ConversionError as exc:
        return None, [], exc


def texts(problems):
    return [render(p.message, p.params) for p in problems]


def names(message, value):
    """Whether a message names ``value``: as typed, stripped, or as their repr."""
    text = str(value).strip()
    return text in message or repr(value) in message or repr(text) in message


# -- values -------------------------------------------------------------------------------

BR_NUMBERS = st.sampled_from(["11 98765-4321", "(21) 3333-4444", "31 99876 5432", "4133224455",
                              "(11) 2345-6789", "0 11 3333-4444", "0xx11 3333-4444", "011 98765 4321",
                              "(85) 9 8765-4321"])
FOREIGN_NUMBERS = st.sampled_from(["+1 202 555 0143", "+351 21 234 5678", "+54 11 4321-1234",
                                   "+44 20 7946 0958", "+49 30 901820"])
real_phones = st.one_of(BR_NUMBERS, BR_NUMBERS.map(lambda n: "+55 " + re.sub(r"^0\s*(xx)?", "", n)),
                        FOREIGN_NUMBERS)
garbage_phones = st.one_of(st.text(max_size=20), st.text("0123456789", max_size=6),
                           st.sampled_from(["abc", "ramal 12", "000", "+55", "n/a", "9" * 25]))
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31))
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes)))


def with_check_digits(module, base):
    return next((base + f"{k:02d}" for k in range(100) if module.is_valid(base + f"{k:02d}")), None)


valid_registers = st.one_of(
    st.text("0123456789", min_size=12, max_size=12).map(lambda b: with_check_digits(cnpj, b)),
    st.text("0123456789", min_size=9, max_size=9).map(lambda b: with_check_digits(cpf, b)),
).filter(bool)


# -- phones ---------------------------------------------------------------------------------

@PROPERTIES
@given(st.lists(st.tuples(st.one_of(real_phones, garbage_phones), st.sampled_from([None, 1, 2, 99])),
                max_size=4))
def test_phone_rows_fill_phone_mobile_and_other_phones_and_lose_none(rows):
    payload = [{"PhoneNumber": number, "TypeId": type_id} for number, type_id in rows]
    values, _problems = run("phones", payload, target="phone", mobile_target="mobile",
                            extra_target="x_other")
    typed = [number.strip() for number, _t in rows if number.strip()]
    kept = [v for v in (values["phone"], values["mobile"]) if v]
    kept += values["x_other"].split(", ") if values["x_other"] else []
    assert len(kept) == len(typed), "every typed phone lands somewhere"
    for number in typed:
        formatted = phone_or_none(re.sub(r"^0\s*x\s*x\s*", "0", number, flags=re.I), "BR")
        assert (formatted or number) in kept


@PROPERTIES
@given(real_phones)
def test_a_real_phone_comes_out_in_international_format(typed):
    values, problems = run("phone_number", typed)
    assert values["x"].startswith("+") and not problems
    assert phonenumbers.is_valid_number(phonenumbers.parse(values["x"]))


@PROPERTIES
@given(garbage_phones)
def test_a_phone_that_is_no_number_is_kept_as_typed_and_reported(typed):
    values, problems, error = attempt("phone_number", typed)
    assert error is None
    if is_empty(typed):
        assert values == {"x": False}
    elif phone_or_none(typed.strip(), "BR") is None:
        assert values == {"x": typed.strip()}
        assert [p.code for p in problems] == ["invalid_phone"] and names(texts(problems)[0], typed)


# -- registers in custom fields --------------------------------------------------------------

@PROPERTIES
@given(valid_registers, st.sampled_from(["cnpj", "cpf"]), st.booleans())
def test_a_register_in_a_text_custom_field_is_formatted(digits, kind, formatted):
    typed = (cnpj.format(digits) if len(digits) == 14 else cpf.format(digits)) if formatted else digits
    values, problems, error = custom("StringValue", typed, kind, "char")
    assert error is None and not problems
    expected = cnpj.format(digits) if len(digits) == 14 else cpf.format(digits)
    assert values == {"x_f": expected}


@PROPERTIES
@given(st.one_of(st.text(max_size=20), st.text("0123456789./-", max_size=20)))
def test_a_register_in_a_custom_field_is_formatted_or_kept_and_reported(typed):
    values, problems, error = custom("StringValue", typed, "cnpj", "char")
    assert error is None
    digits = re.sub(r"\D", "", typed)
    if is_empty(typed):
        assert values == {"x_f": False}
    elif (len(digits) == 14 and cnpj.is_valid(digits)) or (len(digits) == 11 and cpf.is_valid(digits)):
        assert not problems
    else:
        assert [p.code for p in problems] == ["invalid_register"] and names(texts(problems)[0], typed)
        assert values == {"x_f": " ".join(typed.split())}


# -- options ---------------------------------------------------------------------------------

@PROPERTIES
@given(st.one_of(st.integers(min_value=-5, max_value=10**9), st.sampled_from(sorted(OPTION_NAMES))))
def test_an_option_is_its_key_or_refused_by_value(option_id):
    selection = {"401": "site", "402": "referral"}
    values, _problems, error = custom("ObjectValueId", option_id, "option", "selection",
                                      options=selection)
    if str(option_id) in selection:
        assert error is None and values == {"x_f": selection[str(option_id)]}
    else:
        assert error is not None and error.code == "unknown_option"
        assert str(option_id) in str(error)


@PROPERTIES
@given(st.one_of(st.integers(min_value=-5, max_value=10**9), st.sampled_from(sorted(OPTION_NAMES))))
def test_an_option_as_text_is_its_name_or_refused_by_id(option_id):
    values, _problems, error = custom("ObjectValueId", option_id, "option", "char")
    if option_id in OPTION_NAMES:
        assert error is None and values == {"x_f": OPTION_NAMES[option_id]}
    else:
        assert error is not None and error.code == "unknown_option" and str(option_id) in str(error)


@PROPERTIES
@given(st.one_of(st.integers(min_value=-5, max_value=10**9), st.sampled_from(sorted(OPTION_NAMES))))
def test_an_option_as_a_record_is_resolved_or_reported_by_id(option_id):
    values, problems, error = custom("ObjectValueId", option_id, "option", "many2one")
    assert error is None and values == {"x_f": False}
    assert [p.code for p in problems] == ["dangling_reference"] and str(option_id) in texts(problems)[0]


# -- custom dates, numbers and anything in any column ------------------------------------------

@PROPERTIES
@given(st.one_of(st.text(max_size=14), st.text("0123456789/-", max_size=12),
                 st.tuples(st.integers(0, 40), st.integers(0, 14), st.integers(1, 9999)).map(
                     lambda dmy: "%02d/%02d/%04d" % dmy)))
def test_a_custom_date_is_a_real_day_or_refused_by_value(typed):
    values, _problems, error = custom("DateTimeValue", typed, "date", "date")
    if error is not None:
        assert error.code in ("not_a_date", "no_offset") and names(str(error), typed)
    elif not is_empty(typed):
        assert datetime.strptime(values["x_f"], "%Y-%m-%d")


COLUMNS = st.sampled_from(["StringValue", "BigStringValue", "IntegerValue", "DecimalValue",
                           "DateTimeValue", "BoolValue", "ObjectValueId", "UserValueId",
                           "ContactValueId", "ProductValueId", "AttachmentValueId"])
TYPES = st.sampled_from(["string", "text", "integer", "money", "decimal", "percent", "option",
                         "options", "date", "time", "datetime", "boolean", "cpf", "cnpj",
                         "address", "image", "attachment", "color", "user", "contact", "product",
                         "formula"])
TTYPES = st.sampled_from(["char", "text", "html", "integer", "float", "monetary", "boolean",
                          "date", "datetime", "selection", "many2one", "many2many"])
CELLS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**12), st.floats(allow_nan=False),
                  st.text(max_size=20), st.sampled_from(["2025-05-20T10:00:00-03:00", "31/02/2024",
                                                         "1.234,56", "<b>x</b><script>y</script>"]))


@PROPERTIES
@given(COLUMNS, CELLS, TYPES, TTYPES)
def test_any_value_in_any_column_converts_or_is_refused(column, cell, source_type, ttype):
    """Whatever an account stores, only a ConversionError (or a problem) says it does not fit."""
    values, _problems, error = custom(column, cell, source_type, ttype)
    assert error is not None or set(values) <= {"x_f"} | {"l10n_latam_identification_type_id"}


# -- dates, time zones and times --------------------------------------------------------------

@PROPERTIES
@given(moments, offsets)
def test_a_history_date_is_utc_and_a_sales_date_the_local_day(moment, offset):
    typed = moment.replace(tzinfo=offset).isoformat()
    utc = moment.replace(tzinfo=offset).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    assert run("history_date", typed)[0] == {"x": utc}
    assert utc_string(typed) == utc
    assert run("local_date", typed)[0] == {"x": moment.date().isoformat()}
    assert run("task_deadline", typed)[0] == {"x": moment.date().isoformat()}


@PROPERTIES
@given(moments, st.one_of(st.none(), st.integers(1, 600)))
def test_a_meeting_ends_its_length_after_its_start(moment, minutes):
    start = moment.strftime("%Y-%m-%d %H:%M:%S")
    stop = datetime.strptime(meeting_stop(start, minutes), "%Y-%m-%d %H:%M:%S")
    assert stop - moment.replace(microsecond=0) == timedelta(minutes=minutes or 60)


@PROPERTIES
@given(moments, st.one_of(st.none(), moments))
def test_a_task_time_span_shows_the_local_hours(start, end):
    record = {"DateTime": start.replace(tzinfo=BRT).isoformat(),
              "EndTime": end.replace(tzinfo=BRT).isoformat() if end else None, "NoTime": False}
    expected = start.strftime("%H:%M") + (f" – {end.strftime('%H:%M')}" if end else "")
    assert time_span(record) == expected
    assert time_span(dict(record, NoTime=True)) is None


@PROPERTIES
@given(st.one_of(st.text(max_size=30), moments.map(lambda m: m.isoformat())))
def test_a_history_date_without_offset_or_date_is_refused_by_value(typed):
    values, problems, error = attempt("history_date", typed, record={"CreateDate": None})
    if error is not None:
        assert error.code in ("not_a_date", "no_offset", "no_date")
        assert is_empty(typed) or names(str(error), typed)
    else:
        assert not is_empty(typed) and not problems and re.fullmatch(r"[\d-]+ [\d:]+", values["x"])


@PROPERTIES
@given(moments)
def test_an_item_without_a_date_is_dated_at_its_creation_and_reported(created):
    typed = created.replace(tzinfo=BRT).isoformat()
    values, problems = run("history_date", None, record={"CreateDate": typed})
    assert values == {"x": utc_string(typed)}
    assert [p.code for p in problems] == ["no_date"] and typed in texts(problems)[0]


# -- amounts ----------------------------------------------------------------------------------

@PROPERTIES
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_an_amount_is_written_the_brazilian_way_and_reads_back(amount):
    text = money_text(float(amount))
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d{2}", text)
    assert float(text.replace(".", "").replace(",", ".")) == float(amount)


@PROPERTIES
@given(st.one_of(st.floats(-10**9, 10**9, allow_nan=False), st.none()),
       st.sampled_from([None, 1, 2, 3]))
def test_an_amount_in_another_currency_is_kept_and_reported(amount, currency_id):
    ctx = Context()
    ctx.lookups.update({("Currencies", "1"): {"Code": "BRL"}, ("Currencies", "2"): {"Code": "USD"}})
    values, problems = run("money", amount, record={"CurrencyId": currency_id}, ctx=ctx)
    assert values == {"x": False if amount is None else float(amount)}
    foreign = bool(amount) and currency_id == 2
    assert [p.code for p in problems] == (["foreign_currency"] if foreign else [])


# -- HTML, text and addresses ------------------------------------------------------------------

HIDDEN = st.sampled_from(["script", "style", "template", "noscript", "iframe", "svg"])
VISIBLE = st.sampled_from(["p", "b", "i", "div", "span", "td", "li", "a"])
ATTRS = st.sampled_from(["", ' onclick="x()"', ' onerror="alert(1)"', ' href="javascript:alert(1)"'])
plain = st.text("abcdefghij áéç.!?", max_size=30)


@st.composite
def documents(draw):
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["text", "visible", "hidden"]))
        if kind == "text":
            parts.append(draw(plain))
        elif kind == "visible":
            tag = draw(VISIBLE)
            parts.append(f"<{tag}{draw(ATTRS)}>{draw(plain)}</{tag}>")
        else:
            tag = draw(HIDDEN)
            parts.append(f"<{tag}{draw(ATTRS)}>alert('SECRET')</{tag}>")
    return "".join(parts)


@PROPERTIES
@given(documents(), st.integers(2, 120))
def test_a_headline_is_visible_text_only_and_fits(html, limit):
    text = headline(html, limit)
    assert "SECRET" not in text and "<" not in text and "alert" not in text
    assert len(text) <= limit
    assert text.rstrip("…") in html_to_text(html)


@PROPERTIES
@given(documents(), st.one_of(st.none(), moments),
       st.one_of(st.none(), st.text(max_size=20),
                 st.sampled_from(["<script>alert(1)</script>", '<img src=x onerror="alert(2)">',
                                  "Rua A & B <sala 2>"])))
def test_a_task_note_has_no_script_and_escapes_what_it_adds(html, when, address):
    """The description is sanitized; the local time and the address it adds are text."""
    record = {"DateTime": when.replace(tzinfo=BRT).isoformat() if when else None,
              "NoTime": when is None, "Address": address}
    values, _problems = run("task_note", html, record=record)
    note = values["x"] or ""
    assert "<script" not in note and "<img" not in note and "SECRET')</script" not in note
    if address and address.strip():
        escaped = address.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert f"<p>{escaped.replace(chr(34), '&quot;').replace(chr(39), '&#x27;')}</p>" in note
    if when:
        assert f"<p>{when.strftime('%H:%M')}</p>" in note
    if not html.strip() and not when and not (address or "").strip():
        assert values["x"] is False


@PROPERTIES
@given(st.lists(st.tuples(st.text("abc ÁÉ", max_size=8), st.emails()), max_size=3),
       st.sampled_from([", ", "; ", ",", ";"]))
def test_email_headers_give_every_address_once_in_order(people, separator):
    header = separator.join(f'"{name}" <{address}>' if name.strip() else address for name, address in people)
    pairs = email_addresses(header)
    assert [address for _name, address in pairs] == [address for _name, address in people]


@PROPERTIES
@given(st.text(max_size=40))
def test_a_sender_is_an_author_or_shown_as_typed_and_reported(typed):
    values, problems = run("email_author", typed, record={"FromName": None})
    if values["x"]:
        assert "@" in values["email_from"] and not problems
    elif not is_empty(typed):
        assert values["email_from"] == typed.strip() or "@" in values["email_from"]
        assert [p.code for p in problems] == ["invalid_email"]


@PROPERTIES
@given(st.text(max_size=12))
def test_a_unit_is_an_odoo_unit_or_none(unit):
    assert uom_name(unit) in (None, "Units", "Dozens", "kg", "g", "t", "m", "cm", "mm", "km", "m²",
                              "m³", "L", "ml", "Hours", "Days")


@PROPERTIES
@given(st.one_of(st.none(), st.integers(-3, 9), st.text(max_size=3)))
@example(4)
def test_a_deal_status_is_open_won_or_lost_and_an_unknown_one_reported(status):
    values, problems = run("deal_status", status, target="active")
    assert values["active"] in (True, False)
    known = status in (None, 1, 2, 3)
    assert [p.code for p in problems] == ([] if known else ["unknown_status"])
    if not known:
        assert str(status) in texts(problems)[0] and values["active"] is True
