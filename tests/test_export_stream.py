"""``export csv --what reads`` streams plain tuples from one query (store/exports.py): the same bytes as the
typed path (a ``ReadRow`` per read, ``Decimal`` amounts, ``safe_cells`` on every cell), amounts formatted
from integers."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sponsortrack.errors import NotFoundError, ValidationError
from sponsortrack.money import _ISO4217, CURRENCIES, cpm_amount, exponent, to_decimal
from sponsortrack.services import export, invoicing

PLACES = sorted(set(_ISO4217.values()))  # every currency exponent money knows (0, 2, 3, 4)


def test_every_exponent_is_covered():
    assert PLACES == [0, 2, 3, 4]


@given(st.one_of(st.integers(-10**30, 10**30), st.integers(-10**4, 10**4)), st.sampled_from(PLACES))
def test_minor_text_is_the_decimal_text(minor, places):
    assert export.minor_text(minor, places) == str(Decimal(minor).scaleb(-places))


@given(st.integers(-10**20, 10**20), st.sampled_from(sorted(CURRENCIES)))
def test_minor_text_is_the_old_amount_for_every_currency(minor, code):
    assert export.minor_text(minor, exponent(code)) == str(to_decimal(minor, code)) == str(export.amount(minor, code))


@given(st.integers(-10**15, 10**15), st.integers(-10**15, 10**15))
@example(484_284_058_977_921, 484_284_058_977_931)  # a product of 30 digits: Decimal's context rounds it
def test_cpm_minor_is_cpm_amount(units, rate):
    assert export.cpm_minor(units, rate) == cpm_amount(units, rate)


@pytest.mark.parametrize(("units", "rate"), [(1, 500), (3, 500), (-1, 500), (-3, 500), (0, 10**13), (10**11, 10**13)])
def test_cpm_minor_rounds_half_up_at_the_ties(units, rate):
    assert export.cpm_minor(units, rate) == cpm_amount(units, rate)


def _old_bytes(store, tmp_path, **filters) -> bytes:
    """The export as it was written before: ReadRow objects, Decimal amounts, safe_cells on every cell."""
    return export.write_csv(export.read_rows(store, **filters), export.READ_COLUMNS, tmp_path / "old.csv").read_bytes()


def _new_bytes(store, tmp_path, **filters) -> bytes:
    path, n = export.stream_csv(export.read_records(store, **filters), export.READ_COLUMNS, tmp_path / "new.csv",
                                guarded=True)
    assert n == len(export.read_rows(store, **filters))
    return path.read_bytes()


def _awkward_rows(store) -> None:
    """Reads the demo has none of: formula-looking and unicode text in every free-text column, None in
    every nullable one, a campaign in every currency with each pricing, billed lines (CPM with its units,
    pricings the billed-line rule ignores), a lowercase invoice currency, a draft invoice, overrides,
    flags, make-goods."""
    con = store.conn
    ex = con.execute
    formula = itertools.cycle(["=SUM(A1)", "+1", "-2", "@x", "\tTab", "\rCR", "Zoë 東京", "'quoted", "a,b\"c\nd"])
    show = ex("INSERT INTO shows (name) VALUES (?)", ["=HYPERLINK(\"x\") Zoë"]).lastrowid
    sponsors = [ex("INSERT INTO sponsors (name) VALUES (?)", [n]).lastrowid for n in ("-Minus", "@At", "東京 Ltd")]
    episodes = []
    for k in range(6):
        episodes.append(ex("INSERT INTO episodes (show_id, number, title, published_on, recorded_on) "
                           "VALUES (?, ?, ?, ?, ?)", [show, None if k % 2 else k + 1, next(formula),
                                                      None if k == 5 else f"2019-10-0{k + 1}",
                                                      "2019-09-30"]).lastrowid)
    for e in episodes[:3]:
        ex("INSERT INTO download_snapshots (episode_id, day, downloads) VALUES (?, 7, ?)", [e, 12_345 + e])
    reads: list[int] = []
    for n, code in enumerate(sorted(CURRENCIES)):
        pricing = ("flat", "per_episode", "cpm")[n % 3]
        rate = (1, 999, 2_500, 10**13 - 1, 123_456_789)[n % 5]
        camp = ex("INSERT INTO campaigns (sponsor_id, name, start_date, end_date, pricing, rate_minor, currency) "
                  "VALUES (?, ?, '2019-01-01', '2019-12-31', ?, ?, ?)",
                  [sponsors[n % 3], f"{next(formula)} {code}", pricing, rate, code]).lastrowid
        for j in range(3):  # the third in the first one's episode: not the first of its campaign there
            values = [episodes[(n + j % 2) % 6], sponsors[n % 3], camp, ("pre", "mid", "post")[j], j + 1 + n,
                      next(formula) if j else None, next(formula) if n % 2 else None,
                      ("recorded", "aired", "verified", "flagged", "scheduled")[(n + j) % 5],
                      (None, 0, 1, 999, 10**11)[(n + 2 * j) % 5], 777 if n % 7 == 0 else None,
                      None if n % 4 else next(formula)]
            reads.append(ex("INSERT INTO ad_reads (episode_id, sponsor_id, campaign_id, placement, position, "
                            "promo_url, promo_code, status, units, price_override_minor, notes) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values).lastrowid)
    ex("INSERT INTO ad_reads (episode_id, sponsor_id, placement, notes) VALUES (?, ?, 'mid', 'no campaign')",
       [episodes[0], sponsors[0]])
    for make_good in (reads[1], reads[3], reads[5]):  # flat with an override, per-episode, CPM
        ex("UPDATE ad_reads SET make_good_of = ? WHERE id = ?", [reads[0], make_good])
    for k, (status, currency, number) in enumerate((("issued", "jpy", "=INV-1"), ("paid", "BHD", "INV 東京"),
                                                     ("draft", "USD", None))):
        inv = ex("INSERT INTO invoices (number, sponsor_id, currency) VALUES (?, ?, ?)",
                 [number, sponsors[0], currency]).lastrowid
        for pos, rid in enumerate(reads[10 + 6 * k:16 + 6 * k], 1):
            pricing = ("cpm", "flat", "per_episode", "manual", None, "cpm")[pos - 1]
            ex("INSERT INTO invoice_lines (invoice_id, position, read_id, description, pricing, units, "
               "rate_minor, amount_minor) VALUES (?, ?, ?, 'line', ?, ?, ?, ?)",
               [inv, pos, rid, pricing, 4_321 if pricing == "cpm" else None, 2_500, 100_003 * pos])
            ex("UPDATE ad_reads SET invoice_id = ? WHERE id = ?", [inv, rid])
        ex("UPDATE invoices SET status = ? WHERE id = ?", [status, inv])  # lines first: issued ones are locked
    con.commit()


def test_streamed_export_is_byte_for_byte_the_typed_export(demo_store, tmp_path):
    sponsor = demo_store.query("SELECT id FROM sponsors ORDER BY id LIMIT 1")[0]["id"]
    for inv in invoicing.create_drafts(demo_store, sponsor, "2019-10").invoices:
        invoicing.issue_invoice(demo_store, inv.id, issue_date="2019-11-01")
    _awkward_rows(demo_store)
    n_cpm = demo_store.query("SELECT count(*) AS n FROM ad_reads r JOIN campaigns c ON c.id = r.campaign_id "
                             "WHERE c.pricing = 'cpm' AND r.invoice_id IS NULL")[0]["n"]
    assert n_cpm > 50
    new = _new_bytes(demo_store, tmp_path)
    assert new == _old_bytes(demo_store, tmp_path)
    text = new.decode("utf-8")
    assert "'=SUM(A1)" in text and "'@x" in text and "Zoë 東京" in text and "''quoted" not in text
    for code in ("JPY", "BHD", "CLF", "USD"):
        assert f",{code}," in text
    for filters in ({"month": "2019-10"}, {"sponsor": "-Minus"}, {"search": "東京"}, {"status": "flagged"},
                    {"month": "2019-10", "sponsor": "@At", "search": "zoë"}, {"unbilled": True}):
        assert _new_bytes(demo_store, tmp_path, **filters) == _old_bytes(demo_store, tmp_path, **filters), filters


def test_streamed_export_checks_its_filters_before_any_file(store, tmp_path):
    with pytest.raises(ValidationError, match="month"):
        export.read_records(store, month="2019-13")
    with pytest.raises(NotFoundError, match="sponsor"):
        export.read_records(store, sponsor="nobody")
