from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsortrack.errors import ValidationError
from sponsortrack.money import (
    cpm_amount,
    format_money,
    minor_units,
    normalize_currency,
    parse_money,
    parse_percent,
    percent_of,
    round_minor,
)


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("50", "USD", 5000), ("$50.00", "USD", 5000), ("1,250.50", "USD", 125050), ("0.01", "USD", 1),
    ("1200", "JPY", 1200), ("1.234", "KWD", 1234), (" 7 ", "EUR", 700), ("€12.5", "EUR", 1250),
    ("USD 50", "USD", 5000), ("50 USD", "USD", 5000),
])
def test_parse_money_examples(text, currency, minor):
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize(("text", "problem"), [
    ("-5", "must not be negative"), ("0.001", "more decimals"), ("abc", "is not an amount"),
    ("", "is not an amount"), ("abc5", "is not an amount"), ("1e20", "exponent notation"),
    ("Infinity", "is not an amount"), ("12 apples", "is not an amount"),
])
def test_parse_money_rejects(text, problem):
    with pytest.raises(ValidationError) as exc:
        parse_money(text, "USD", "rate")
    assert exc.value.field == "rate"
    assert problem in str(exc.value)


def test_fractional_yen_refused():
    with pytest.raises(ValidationError, match="more decimals than JPY"):
        parse_money("10.5", "JPY")


@given(st.integers(min_value=0, max_value=10**12))
def test_format_then_parse_round_trips(minor):
    assert parse_money(format_money(minor, "USD"), "USD") == minor
    assert parse_money(format_money(minor, "EUR", symbol=False).split()[0], "EUR") == minor


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**6))
def test_cpm_is_exact_half_up(units, rate):
    exact = Decimal(units) * Decimal(rate) / 1000
    got = cpm_amount(units, rate)
    assert isinstance(got, int)
    assert abs(Decimal(got) - exact) <= Decimal("0.5")
    # half-up: exactly .5 goes up
    if exact - int(exact) == Decimal("0.5"):
        assert got == int(exact) + 1


def test_cpm_golden_cases():
    assert cpm_amount(12_499, 2500) == 31248  # 12.499 × $25.00 = $312.475 → $312.48
    assert cpm_amount(1_000, 2500) == 2500
    assert cpm_amount(1, 1) == 0              # 0.001 cent rounds down
    assert cpm_amount(500, 1) == 1            # exactly half a cent rounds up


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10000))
def test_percent_of_never_exceeds_amount_and_rounds_once(amount, bp):
    got = percent_of(amount, bp)
    assert 0 <= got <= amount
    assert got == round_minor(Decimal(amount) * bp / 10000)


def test_commission_golden():
    assert percent_of(100_000, 1500) == 15_000
    assert percent_of(33_333, 1500) == 5000   # 4999.95 → 5000


@pytest.mark.parametrize(("text", "bp"), [("15", 1500), ("15%", 1500), ("12.5", 1250), ("0", 0), ("100", 10000)])
def test_parse_percent(text, bp):
    assert parse_percent(text) == bp


@pytest.mark.parametrize("text", ["-1", "101", "abc", "12.345"])
def test_parse_percent_rejects(text):
    with pytest.raises(ValidationError):
        parse_percent(text, "commission")


def test_currency_and_minor_units():
    assert normalize_currency(" usd ") == "USD"
    with pytest.raises(ValidationError, match="currency"):
        normalize_currency("dollars")
    assert minor_units(5, "x") == 5
    for bad in (1.5, True, "5", -1):
        with pytest.raises(ValidationError):
            minor_units(bad, "x")


@given(st.text(max_size=30))
def test_parse_money_never_crashes(text):
    try:
        v = parse_money(text, "USD")
    except ValidationError as exc:
        assert str(exc).startswith("amount: ")
    else:
        assert isinstance(v, int) and v >= 0
