"""Profiling: value patterns, counts, samples, bounded memory, payload paths."""
import pytest

from crm_migration.mapping.profile import (DISTINCT_CAP, SAMPLE_COUNT, SAMPLE_LENGTH, FieldProfile, Profiler,
                             patterns_of, profile_values)


@pytest.mark.parametrize("value, pattern", [
    ("compras@solnascente.com.br", "email"),
    ("(11) 3842-6671", "phone"),
    ("+55 11 98765-4321", "phone"),
    ("11987654321", "phone"),
    ("11.222.333/0001-81", "cnpj"),
    ("11222333000181", "cnpj"),
    ("529.982.247-25", "cpf"),
    ("01310-100", "cep"),
    ("01310100", "cep"),
    (1310100, "cep"),  # a CEP stored as a number lost its leading zero
    ("https://solnascente.com.br", "url"),
    ("www.friosul.com.br", "url"),
    ("linkedin.com/in/marina", "url"),
    ("2025-06-01T00:00:00-03:00", "date"),
    ("15/06/2025", "date"),
    ("R$ 1.234,56", "money"),
    ("1234.56", "money"),
    (31000.0, "money"),
    ("<p>Cliente <b>VIP</b></p>", "html"),
    ("42", "integer"),
    (42, "integer"),
    (3.0, "integer"),
    ("1.234,56", "decimal"),
    ("3,5", "decimal"),
    (0.537, "decimal"),
    (True, "boolean"),
    ("Sim", "boolean"),
    ("não", "boolean"),
])
def test_pattern_is_detected(value, pattern):
    assert pattern in patterns_of(value)


@pytest.mark.parametrize("value, pattern", [
    ("compras@solnascente", "email"),
    ("3842", "phone"),
    ("Ligar depois", "phone"),
    ("11.222.333/0001-00", "cnpj"),  # wrong check digits
    ("111.111.111-11", "cpf"),
    ("1310-100", "cep"),
    (123, "cep"),
    ("joao.silva", "url"),
    ("31/02/2024", "date"),
    ("amanhã", "date"),
    (0.537, "money"),
    ("a < b", "html"),
    ("1.5", "integer"),
    (True, "integer"),  # a yes/no value is not a number
    ("doze", "decimal"),
    ("talvez", "boolean"),
])
def test_pattern_is_not_detected(value, pattern):
    assert pattern not in patterns_of(value)


def test_profile_counts_fill_distinct_and_samples():
    profile = profile_values(["Varejo", "Indústria", "", None, "Varejo", "  "])
    assert (profile.total, profile.filled, profile.distinct) == (6, 3, 2)
    assert profile.fill_rate == 0.5
    assert profile.samples == ("Varejo", "Indústria")
    assert profile.distinct_label == "2"


def test_pattern_shares_are_over_values():
    profile = profile_values(["a@b.com.br", "c@d.com", "e@f.org", "ligar", None])
    assert profile.patterns["email"] == 0.75
    assert profile.patterns["phone"] == 0.0
    assert set(profile.patterns) >= {"email", "phone", "cnpj", "cpf", "cep", "url", "date", "money",
                                     "html", "integer", "decimal", "boolean"}


def test_multi_value_record_counts_once_but_every_value_is_profiled():
    profile = profile_values([["Fornos", "Software"], ["Fornos"], []])
    assert (profile.total, profile.filled, profile.distinct) == (3, 2, 2)


def test_samples_are_distinct_truncated_and_few():
    long_text = "x" * (SAMPLE_LENGTH + 40)
    profile = profile_values([long_text] + [f"valor {i}" for i in range(20)] + [long_text])
    assert len(profile.samples) == SAMPLE_COUNT
    assert profile.samples[0] == "x" * (SAMPLE_LENGTH - 1) + "…"
    assert len(set(profile.samples)) == SAMPLE_COUNT


def test_distinct_count_is_capped_and_state_stays_bounded():
    profiler = Profiler()
    for i in range(DISTINCT_CAP * 3):
        profiler.add(f"código {i}")
    profile = profiler.result()
    assert profile.total == DISTINCT_CAP * 3
    assert profile.distinct == DISTINCT_CAP
    assert profile.distinct_capped
    assert profile.distinct_label == "10,000+"
    assert len(profiler.seen) == DISTINCT_CAP
    assert len(profiler.samples) == SAMPLE_COUNT


def test_distinct_below_the_cap_is_exact():
    profile = profile_values(str(i % 500) for i in range(20_000))
    assert (profile.distinct, profile.distinct_capped) == (500, False)


def test_never_filled_field_has_zero_fill_rate():
    profile = profile_values([None] * 10)
    assert (profile.filled, profile.fill_rate, profile.samples) == (0, 0.0, ())
    assert profile.patterns["email"] == 0.0


def test_profile_round_trips_through_a_dict():
    profile = profile_values(["a@b.com.br", None, "01310-100"])
    assert FieldProfile.from_dict(profile.as_dict()) == profile
