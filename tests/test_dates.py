"""Dates typed the way people type them (the Log page's date line) and the show's cadence."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsortrack.errors import ValidationError
from sponsortrack.services import catalog as cat
from sponsortrack.validation import parse_day

TODAY = dt.date(2026, 12, 1)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


@pytest.mark.parametrize(("typed", "iso"), [
    ("2019-10-23", "2019-10-23"), ("2019-1-5", "2019-01-05"), ("10/23", "2026-10-23"), ("10/23/2019", "2019-10-23"),
    ("23 Oct", "2026-10-23"), ("23 oct 2019", "2019-10-23"), ("Oct 23", "2026-10-23"),
    ("October 23, 2019", "2019-10-23"),
    ("23rd October", "2026-10-23"), ("23.10.2019", "2019-10-23"), ("12/30", "2026-12-30"), ("today", "2026-12-01"),
    ("yesterday", "2026-11-30"), ("1 Sept", "2026-09-01"), (" 23 Oct ", "2026-10-23"),
])
def test_typed_dates(typed, iso):
    assert parse_day(typed, "recorded on", today=TODAY) == iso


def test_a_year_less_day_is_the_one_nearest_today():
    assert parse_day("12/30", "d", today=dt.date(2027, 1, 2)) == "2026-12-30"
    assert parse_day("1 Jan", "d", today=dt.date(2026, 12, 30)) == "2027-01-01"
    assert parse_day("2/29", "d", today=dt.date(2025, 3, 1)) == "2024-02-29"


@pytest.mark.parametrize(("typed", "problem"), [
    ("", "is required"), ("32 Oct", "not a real date"), ("2019-02-30", "not a real date"), ("13/40", "not a real date"),
    ("Octember 3", "is not a date"), ("next week", "is not a date"), ("2019", "is not a date"),
])
def test_not_dates_are_named(typed, problem):
    with pytest.raises(ValidationError, match=problem) as exc:
        parse_day(typed, "recorded on", today=TODAY)
    assert str(exc.value).startswith("recorded on: ")


@given(days)
def test_iso_round_trips(d):
    assert parse_day(d.isoformat(), "d", today=TODAY) == d.isoformat()


@given(days, days)
def test_month_and_day_without_a_year_is_within_half_a_year(d, today):
    leap_near = any(calendar.isleap(y) for y in (today.year - 1, today.year, today.year + 1))
    for typed in (f"{d.month}/{d.day}", f"{d.day} {d:%b}", f"{d:%B} {d.day}"):
        if (d.month, d.day) == (2, 29) and not leap_near:  # 29 Feb typed in 2026: which year is meant?
            with pytest.raises(ValidationError, match=r"^d: .* needs its year: .*\(type it as 2/29/YYYY\)$"):
                parse_day(typed, "d", today=today)
            continue
        got = dt.date.fromisoformat(parse_day(typed, "d", today=today))
        assert (got.month, got.day) == (d.month, d.day)
        assert abs((got - today).days) <= 366 if (d.month, d.day) == (2, 29) else abs((got - today).days) <= 183


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_one_line(text):
    try:
        dt.date.fromisoformat(parse_day(text, "d", today=TODAY))
    except ValidationError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("d: ")


def _show_with(store, dates):
    show = cat.add_show(store, name="Cadence")
    for i, d in enumerate(dates, start=1):
        cat.add_episode(store, show.id, number=i, title=f"E{i}", recorded_on=d.isoformat())
    return show


def test_weekly_show_gets_the_cadence_date_nearest_today(store):
    mondays = [dt.date(2026, 11, 2) + dt.timedelta(days=7 * i) for i in range(4)]  # last: 23 Nov
    show = _show_with(store, mondays)
    assert cat.proposed_recording_date(store, show.id, today=dt.date(2026, 12, 1)) == "2026-11-30"
    assert cat.proposed_recording_date(store, show.id, today=dt.date(2026, 11, 24)) == "2026-11-30"
    assert cat.proposed_recording_date(store, show.id, today=dt.date(2026, 12, 20)) == "2026-12-21"


def test_irregular_or_short_history_proposes_today(store):
    show = _show_with(store, [dt.date(2026, 1, 1), dt.date(2026, 1, 9), dt.date(2026, 3, 2)])
    assert cat.proposed_recording_date(store, show.id, today=TODAY) == TODAY.isoformat()
    two = cat.add_show(store, name="New show")
    cat.add_episode(store, two.id, number=1, title="Pilot", recorded_on="2026-11-20")
    assert cat.proposed_recording_date(store, two.id, today=TODAY) == TODAY.isoformat()
