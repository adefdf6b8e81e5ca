"""Issue 9 item 8: amounts are read unambiguously or refused; currencies are real; no overflow."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsortrack.errors import ValidationError
from sponsortrack.money import (
    CURRENCIES,
    MAX_MINOR,
    exponent,
    format_money,
    normalize_currency,
    parse_money,
)


@pytest.mark.parametrize(("text", "currency", "problem"), [
    ("12,50", "USD", "ambiguous: write 12.50"),
    ("1,5", "USD", "ambiguous: write 1.5"),
    ("1.250,50", "EUR", "ambiguous: write 1250.50"),
    ("€5", "USD", "is in EUR, not USD"),
    ("5 EUR", "USD", "is in EUR, not USD"),
    ("GBP 5", "USD", "is in GBP, not USD"),
    ("$5", "EUR", "is not in EUR"),
    ("1e3", "USD", "exponent notation"),
    ("1E3", "USD", "exponent notation"),
    ("12 50", "USD", "is not an amount"),
    ("1_000", "USD", "is not an amount"),
    ("١٢", "USD", "is not an amount"),  # Arabic-Indic digits
    ("1,2,3", "USD", "is not an amount"),
    ("--5", "USD", "is not an amount"),
    ("100,000,000,000", "USD", "too large"),
    ("9" * 400, "USD", "too large"),
    ("NaN", "USD", "is not an amount"),
])
def test_misreadable_amounts_are_refused(text, currency, problem):
    with pytest.raises(ValidationError) as exc:
        parse_money(text, currency, "rate", allow_negative=True)
    msg = str(exc.value)
    assert msg.startswith("rate: ") and "\n" not in msg
    assert problem in msg


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("12,500", "USD", 1_250_000),       # a comma before exactly three digits groups thousands
    ("1,250.50", "USD", 125_050),
    ("12.50", "USD", 1250),
    ("$5", "CAD", 500), ("CA$5", "CAD", 500), ("US$5", "USD", 500),
    ("¥1,200", "JPY", 1200), ("€ 12.5", "EUR", 1250), ("5 kr", "SEK", 500),
    ("-$5", "USD", -500), ("$-5", "USD", -500), ("−5", "USD", -500),
    ("99,999,999,999.99", "USD", MAX_MINOR - 1),
    ("5.", "USD", 500), (".5", "USD", 50),
])
def test_unambiguous_amounts(text, currency, minor):
    assert parse_money(text, currency, allow_negative=True) == minor


def test_currency_must_be_iso_4217():
    with pytest.raises(ValidationError, match=r"^currency: 'ZZZ' is not an ISO 4217 currency code"):
        normalize_currency("ZZZ")
    for bad in ("XXX", "XTS", "XAU", "ABC"):
        with pytest.raises(ValidationError):
            normalize_currency(bad)
    assert normalize_currency("eur") == "EUR"
    assert {"USD", "EUR", "GBP", "JPY", "CHF", "INR", "BRL", "ZAR", "KWD"} <= CURRENCIES
    assert (exponent("JPY"), exponent("KWD"), exponent("CLF"), exponent("USD")) == (0, 3, 4, 2)


amounts = st.integers(min_value=-(MAX_MINOR - 1), max_value=MAX_MINOR - 1)
currencies = st.sampled_from(sorted(CURRENCIES))


@given(amounts, currencies, st.booleans())
def test_format_then_parse_round_trips_in_every_currency(minor, currency, symbol):
    assert parse_money(format_money(minor, currency, symbol=symbol), currency, allow_negative=True) == minor


@given(amounts, currencies)
def test_plain_decimal_text_round_trips(minor, currency):
    text = f"{Decimal(minor).scaleb(-exponent(currency)):f}"
    assert parse_money(text, currency, allow_negative=True) == minor


@given(st.text(max_size=40), currencies)
def test_parse_money_raises_only_validation_errors(text, currency):
    try:
        got = parse_money(text, currency, "rate", allow_negative=True)
    except ValidationError as exc:
        assert str(exc).startswith("rate: ") and "\n" not in str(exc)
    else:
        assert isinstance(got, int) and abs(got) < MAX_MINOR


@given(st.from_regex(r"\A[0-9]{1,6}[,.][0-9]{1,6}\Z"))
def test_no_silent_misread_of_separators(text):
    """Whatever a comma or point means, an accepted amount is the number a reader would see."""
    try:
        got = parse_money(text, "KWD")
    except ValidationError:
        return
    head, sep, tail = re.split(r"([,.])", text)
    if sep == ",":
        assert len(tail) == 3 and len(head) <= 3
        assert got == int(head + tail) * 1000
    else:
        assert got == int(Decimal(text) * 1000)


@given(st.integers(min_value=0, max_value=10**11), st.integers(min_value=0, max_value=MAX_MINOR - 1))
def test_cpm_units_times_rate_refused_before_overflow(units, rate):
    from sponsortrack.money import check_cpm, cpm_amount

    amount = cpm_amount(units, rate)
    if amount < MAX_MINOR:
        assert check_cpm(units, rate, "USD") == amount
    else:
        with pytest.raises(ValidationError, match="too large"):
            check_cpm(units, rate, "USD")


def test_cli_refuses_a_cpm_line_that_would_overflow(demo_cli):
    assert demo_cli("campaigns", "add", "--sponsor", "Brave", "--name", "Huge", "--pricing", "cpm",
               "--rate", "99,999,999,999.99", "--start", "2019-10-01", "--end", "2019-10-31").exit_code == 0
    res = demo_cli("log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave", "--campaign", "Huge",
              "--placement", "post", "--units", str(10**11))
    assert res.exit_code == 2, res.output
    assert "units: 100,000,000,000 at $99,999,999,999.99 CPM comes to more than" in res.output
    assert "too large" in res.output and "Traceback" not in res.output


def test_invoice_refuses_a_line_too_large_after_the_rate_changed(demo_cli):
    assert demo_cli("campaigns", "add", "--sponsor", "Brave", "--name", "Huge", "--pricing", "cpm",
               "--rate", "1.00", "--start", "2019-10-01", "--end", "2019-10-31").exit_code == 0
    assert demo_cli("log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave", "--campaign", "Huge",
               "--placement", "post", "--units", str(10**11)).exit_code == 0
    assert demo_cli("campaigns", "edit", "4", "--rate", "99,999,999,999.99").exit_code == 0
    res = demo_cli("invoice", "create", "--sponsor", "Brave", "--month", "2019-10")
    assert res.exit_code == 2, res.output
    assert "too large for an invoice line" in res.output
    assert "OverflowError" not in res.output and "Traceback" not in res.output


def test_cli_campaign_rate_and_currency_messages(demo_cli):
    res = demo_cli("campaigns", "add", "--sponsor", "Brave", "--name", "X", "--pricing", "flat", "--rate", "12,50",
              "--start", "2019-10-01", "--end", "2019-10-31")
    assert res.exit_code == 2 and "rate: '12,50' is ambiguous: write 12.50" in res.output
    res = demo_cli("campaigns", "add", "--sponsor", "Brave", "--name", "X", "--pricing", "flat", "--rate", "€5",
              "--start", "2019-10-01", "--end", "2019-10-31")
    assert res.exit_code == 2 and "rate: '€5' is in EUR, not USD" in res.output
    res = demo_cli("campaigns", "add", "--sponsor", "Brave", "--name", "X", "--pricing", "flat", "--rate", "5",
              "--currency", "ZZZ", "--start", "2019-10-01", "--end", "2019-10-31")
    assert res.exit_code == 2 and "currency: 'ZZZ' is not an ISO 4217 currency code" in res.output


def test_csv_reads_with_too_many_units_for_their_cpm_are_row_problems(demo_cli, db_path):
    from sponsortrack.services import imports
    from sponsortrack.store import Store

    assert demo_cli("campaigns", "add", "--sponsor", "Brave", "--name", "Huge", "--pricing", "cpm",
               "--rate", "99,999,999,999.99", "--start", "2019-10-01", "--end", "2019-10-31").exit_code == 0
    csv_text = "show,episode,sponsor,campaign,placement,units\nPractical AI,62,Brave,Huge,post,100000000000\n"
    store = Store(db_path)
    try:
        res = imports.import_reads_csv(store, csv_text.encode())
    finally:
        store.close()
    assert [str(p) for p in res.problems] == [
        "row 2: units: 100,000,000,000 at $99,999,999,999.99 CPM comes to more than $99,999,999,999.99, "
        "too large for one line"]
    assert not res.written


@pytest.mark.parametrize("text", ["1e1", "12,5", "1_0", "١٠", "NaN", "+-5"])
def test_percentages_are_read_as_plainly_as_amounts(text):
    from sponsortrack.money import parse_percent

    with pytest.raises(ValidationError, match=r"^tax_rate: "):
        parse_percent(text, "tax_rate")
