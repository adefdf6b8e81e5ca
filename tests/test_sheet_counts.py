"""Counts with thousands separators, one reader for every count a sheet holds: a reads sheet's units go
through the shared read-field rule (``services.reads.read_field``) and read "15,000" as the downloads import
does (``importers.sheet_values.sheet_count``); "15,5" is the same one-line refusal in both."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsortrack import validation as v
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


SEPARATORS = [",", " ", "\u00a0", "\u202f", ""]


def _message(field: str, raw: str) -> str:
    with pytest.raises(ValidationError) as exc:
        read_field(field, raw) if field == "units" else v.non_negative_int(
            sheet_values.sheet_count(raw, field), field, allow_none=False, maximum=MAX_UNITS)
    return str(exc.value)


@given(st.integers(min_value=-MAX_UNITS, max_value=MAX_UNITS), st.sampled_from(SEPARATORS),
       st.sampled_from(["", "+", "-"]), st.sampled_from(["units", "downloads"]))
def test_a_signed_count_with_or_without_separators_reads_as_the_plain_number(n, sep, sign, field):
    """"-15,000" is refused as "-15000" is (must not be negative), not as a malformed number; "+15,000" and
    "15,000" are 15000; for units (the log screen, the CLI, a reads sheet) and downloads alike."""
    digits = f"{abs(n):,}".replace(",", sep)
    written, plain = (f"-{digits}", f"-{abs(n)}") if n < 0 else (f"{sign}{digits}", f"{sign}{n}")
    if plain.startswith("-"):
        assert _message(field, written) == _message(field, plain) == f"{field}: must not be negative, not {plain!r}"
    elif field == "units":
        assert read_field("units", written) == read_field("units", plain) == n
    else:
        assert int(sheet_values.sheet_count(written, field)) == n


def test_negative_units_with_separators_say_so_on_the_cli_and_in_a_sheet(net, cli):
    res = cli("log", "--show", "Practical AI", "--episode", "63", "--sponsor", "Fastly", "--placement",
              "post", "--units", "-15,000")
    assert res.exit_code != 0 and res.output.strip().splitlines()[-1].endswith(
        "units: must not be negative, not '-15000'"), res.output
    assert "Traceback" not in res.output and not net.query("SELECT id FROM ad_reads")
    res = imp.import_reads_csv(net, _sheet("-15,000"), dry_run=True)
    assert [str(p) for p in res.problems] == ["row 2: units: must not be negative, not '-15000'"]
