"""Values of CSV cells: dates and time zones, numbers and money per column style,
booleans and multi-value cells; bad values raise ConversionError naming them."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crm_migration.mapping.converters import ConversionError
from crm_migration.sources.bloomr.csv_values import (EN, PT_BR, number_style, parse_bool,
                                                     parse_date, parse_datetime, parse_moment,
                                                     parse_number, split_values, styles_of)

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
MINUS_3 = timezone(timedelta(hours=-3))


@pytest.mark.parametrize("text, expected", [
    ("05/03/2024", date(2024, 3, 5)),
    ("5/3/2024", date(2024, 3, 5)),
    ("2024-03-05", date(2024, 3, 5)),
    ("05/03/2024 14:30", datetime(2024, 3, 5, 14, 30, tzinfo=SAO_PAULO)),
    ("05/03/2024 14:30:15", datetime(2024, 3, 5, 14, 30, 15, tzinfo=SAO_PAULO)),
    ("2024-03-05T14:30:00", datetime(2024, 3, 5, 14, 30, tzinfo=SAO_PAULO)),
    ("2024-03-05 14:30", datetime(2024, 3, 5, 14, 30, tzinfo=SAO_PAULO)),
    ("2024-03-05T14:30:00-03:00", datetime(2024, 3, 5, 14, 30, tzinfo=MINUS_3)),
    ("2024-03-05T17:30:00Z", datetime(2024, 3, 5, 17, 30, tzinfo=timezone.utc)),
    ("2024-03-05T17:30:00.250+00:00", datetime(2024, 3, 5, 17, 30, 0, 250000, timezone.utc)),
    ("  ", None),
])
def test_parse_moment_formats(text, expected):
    assert parse_moment(text) == expected


def test_naive_values_are_in_the_time_zone_given():
    moment = parse_datetime("05/03/2024 14:30", tz="Europe/Lisbon")
    assert moment.utcoffset() == timedelta(0)
    assert moment == datetime(2024, 3, 5, 14, 30, tzinfo=timezone.utc)
    assert parse_datetime("05/03/2024 14:30") == datetime(2024, 3, 5, 17, 30, tzinfo=timezone.utc)
    assert parse_datetime("05/03/2024", tz=timezone.utc) == datetime(2024, 3, 5,
                                                                     tzinfo=timezone.utc)


def test_a_date_time_gives_its_calendar_date_in_the_time_zone():
    assert parse_date("2024-03-06T01:00:00Z") == date(2024, 3, 5)  # 22:00 in São Paulo
    assert parse_date("2024-03-06T01:00:00Z", tz="UTC") == date(2024, 3, 6)
    assert parse_date("06/03/2024 23:59") == date(2024, 3, 6)


@pytest.mark.parametrize("text", ["31/02/2024", "2024-13-01", "05-03-2024", "ontem",
                                  "05/03/2024 25:00", "20240305"])
def test_bad_dates_raise_naming_the_value(text):
    with pytest.raises(ConversionError) as raised:
        parse_datetime(text)
    assert raised.value.code == "not_a_date"
    assert repr(text) in str(raised.value)


@pytest.mark.parametrize("text, style, expected", [
    ("1.234,56", PT_BR, "1234.56"), ("1,234.56", EN, "1234.56"), ("1234.56", EN, "1234.56"),
    ("1234,56", PT_BR, "1234.56"), ("1.234.567", PT_BR, "1234567"), ("1,234,567", EN, "1234567"),
    ("R$ 1.234,56", PT_BR, "1234.56"), ("-R$ 10,00", PT_BR, "-10.00"), ("R$-10,00", PT_BR, "-10.00"),
    ("(1.234,56)", PT_BR, "-1234.56"), ("US$ 99.90", EN, "99.90"), ("15%", PT_BR, "15"),
    ("12,5 %", PT_BR, "12.5"), ("1.234", PT_BR, "1234"), ("1.234", EN, "1.234"), ("42", EN, "42"),
    ("1\u00a0234,5", PT_BR, "1234.5"),
])
def test_parse_number_in_a_style(text, style, expected):
    assert parse_number(text, style) == Decimal(expected)


def test_a_value_alone_reads_in_its_own_style_pt_br_when_both_fit():
    assert parse_number("1,234.56") == Decimal("1234.56")
    assert parse_number("12,5") == Decimal("12.5")
    assert parse_number("1.234") == Decimal("1234")
    assert parse_number("") is None


@pytest.mark.parametrize("values, style", [
    (["1.234", "12,5"], PT_BR),          # 12,5 can only be pt_BR: 1.234 is a thousand
    (["1,234", "12.5"], EN),
    (["1.234", "1.500"], PT_BR),         # every value reads in both: the default
    (["1.234,56", "1234.56", "9,90"], PT_BR),
    (["1234.56", "10.5", "1,5"], EN),
    (["", "x", None], PT_BR),
])
def test_number_style_of_a_column(values, style):
    assert number_style(values) == style


def test_number_style_default_and_styles_of_one_value():
    assert number_style(["1.234"], default=EN) == EN
    assert styles_of("1.234") == {PT_BR, EN}
    assert styles_of("1.234,56") == {PT_BR}
    assert styles_of("abc") == frozenset()


@pytest.mark.parametrize("text, style", [("1234.56", PT_BR), ("12,5", EN), ("1.2.3", PT_BR),
                                         ("abc", None), ("1.23,4", PT_BR), ("R$", None)])
def test_bad_numbers_raise_naming_the_value(text, style):
    with pytest.raises(ConversionError) as raised:
        parse_number(text, style)
    assert raised.value.code == "not_a_number"
    assert repr(text) in str(raised.value)


@pytest.mark.parametrize("text, expected", [
    ("sim", True), ("Não", False), ("nao", False), ("S", True), ("N", False), ("yes", True),
    ("No", False), ("TRUE", True), ("false", False), ("1", True), ("0", False), ("x", True),
    ("X", True), ("", None), (None, None),
])
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


def test_an_empty_cell_of_a_marked_column_is_false():
    assert parse_bool(" ", empty=False) is False


def test_bad_boolean_raises_naming_the_value():
    with pytest.raises(ConversionError, match="'talvez'") as raised:
        parse_bool("talvez")
    assert raised.value.code == "not_a_boolean"


@pytest.mark.parametrize("text, separator, expected", [
    ("a; b", None, ["a", "b"]),
    ("VIP;Quente; ", None, ["VIP", "Quente"]),
    ("a, b", None, ["a", "b"]),
    ("Silva, Souza & Cia; ACME", None, ["Silva, Souza & Cia", "ACME"]),
    ('"Silva, Souza", ACME', None, ["Silva, Souza", "ACME"]),
    ("a, b", ";", ["a, b"]),
    ('"open, b', None, ['"open', "b"]),
    ("", None, []),
])
def test_split_values(text, separator, expected):
    assert split_values(text, separator) == expected
