"""Counts with thousands separators, one reader for every count a sheet holds: a reads sheet's units go
through the shared read-field rule (``services.reads.read_field``) and read "15,000" as the downloads import
does (``importers.sheet_values.sheet_count``); "15,5" is the same one-line refusal in both."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsortrack.errors import ValidationError
from sponsortrack.importers import sheet_values
from sponsortrack.money import MAX_UNITS
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import imports as imp
from sponsortrack.services.reads import read_field

DECIMAL_COMMA = "must be a whole number, not '15,5' (a decimal comma? thousands are written 15,000 or 15 000)"


@pytest.fixture
def net(store):
    cat.add_show(store, name="Practical AI")
    cat.add_sponsor(store, name="Fastly")
    camp.add_campaign(store, sponsor="Fastly", name="Bandwidth", start_date="2024-01-01", end_date="2024-12-31",
                      pricing="cpm", rate="25", default_placement="post")
    cat.add_episode(store, "Practical AI", number=63, title="Federated learning", published_on="2024-03-04")
    return store


def _sheet(units: str) -> bytes:
    return f'Show,Episode,Sponsor,Units\nPractical AI,63,Fastly,"{units}"\n'.encode()


def test_a_reads_sheet_reads_units_with_thousands_separators(net):
    for written in ("15,000", "15 000", "15\u00a0000", "15000"):
        res = imp.import_reads_csv(net, _sheet(written), dry_run=True)
        assert not res.problems, (written, [str(p) for p in res.problems])
    res = imp.import_reads_csv(net, _sheet("15,000"))
    assert not res.problems and [r["units"] for r in net.query("SELECT units FROM ad_reads")] == [15000]


def test_a_decimal_comma_is_the_same_one_line_for_units_and_downloads(net):
    res = imp.import_reads_csv(net, _sheet("15,5"), dry_run=True)
    assert [str(p) for p in res.problems] == [f"row 2: units: {DECIMAL_COMMA}"]
    with pytest.raises(ValidationError) as downloads:
        sheet_values.sheet_count("15,5", "units")
    with pytest.raises(ValidationError) as units:
        read_field("units", "15,5")
    assert str(units.value) == str(downloads.value) == f"units: {DECIMAL_COMMA}"


@given(st.integers(min_value=0, max_value=MAX_UNITS), st.sampled_from([",", " ", "\u00a0", ""]))
def test_any_count_written_with_or_without_separators_reads_back(n, sep):
    written = f"{n:,}".replace(",", sep)
    assert read_field("units", written) == n
    assert read_field("units", f" {written} ") == n
    assert int(sheet_values.sheet_count(written, "downloads")) == n
