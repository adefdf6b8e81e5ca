"""Counters of the reads delivered and not billed, per sponsor and month, kept by SQLite triggers (m009).

The dashboard's "Reads not invoiced" card and the network summary's "unbilled earlier" line asked every
read at 1,000,000 reads (2.5 s); these counters answer in the number of sponsor-months instead.

The rule is the one of every other face: a read is **billed** while the invoice that claims it is issued
or paid (:data:`sponsortrack.pricing.BILLED_INVOICE_STATUSES`); a read on a draft is not billed yet. So a
read counts here when it is delivered (``pricing.DELIVERED_STATUSES``) and not billed. A row
``(sponsor_id, month, reads, first_air, last_air)`` holds how many such reads the sponsor has in the
month (``YYYY-MM`` of the episode's air date, ``''`` for an undated episode) and their first and last air
date; a row whose count reaches 0 is deleted.

Triggers keep them right on every change that can move a read in or out, or between months:

- a read inserted, deleted, or updated in its sponsor, episode, status or invoice;
- an invoice whose status crosses the billed line (a draft issued, an issued invoice voided);
- an episode whose air date changes.

A removal at a month's first or last air date looks the bound up again among the sponsor's reads (the
``ad_reads_sponsor`` index), so the bounds stay exact. :func:`recount` rebuilds the table from scratch
(the migration's backfill, and ``store.bulk`` after a load with the triggers lifted).
"""

from __future__ import annotations

from typing import Any

from sponsortrack.pricing import BILLED_INVOICE_STATUSES, DELIVERED_STATUSES

TABLE = "unbilled_months"

_DELIVERED = "(" + ", ".join(f"'{s}'" for s in DELIVERED_STATUSES) + ")"
#: SQL for "the invoice is billed": ``i.status IN BILLED``.
BILLED = "(" + ", ".join(f"'{s}'" for s in BILLED_INVOICE_STATUSES) + ")"
_AIR = "coalesce(e.published_on, e.recorded_on)"
_MONTH = f"coalesce(substr({_AIR}, 1, 7), '')"
# a read ``r`` (its invoice ``i`` left-joined) that counts
_COUNTS = f"r.status IN {_DELIVERED} AND coalesce(i.status, '') NOT IN {BILLED}"
_FROM = "FROM ad_reads r JOIN episodes e ON e.id = r.episode_id LEFT JOIN invoices i ON i.id = r.invoice_id"

_UPSERT = (" ON CONFLICT (sponsor_id, month) DO UPDATE SET reads = reads + excluded.reads, "
           "first_air = CASE WHEN first_air IS NULL OR excluded.first_air < first_air "
           "THEN excluded.first_air ELSE first_air END, "
           "last_air = CASE WHEN last_air IS NULL OR excluded.last_air > last_air "
           "THEN excluded.last_air ELSE last_air END")


# An invoice's reads are found through this index: with ANALYZE's figures (nearly every read has no
# invoice) the planner would rather walk every read by sponsor.
_BY_INVOICE = "ad_reads r INDEXED BY ad_reads_invoice"


def _add(where: str, reads: str = "ad_reads r") -> str:
    """Add the counting reads ``where`` says, grouped per sponsor-month."""
    return (f"INSERT INTO {TABLE} (sponsor_id, month, reads, first_air, last_air) "
            f"SELECT r.sponsor_id, {_MONTH}, count(*), min({_AIR}), max({_AIR}) "
            f"{_FROM.replace('ad_reads r', reads, 1)} "
            f"WHERE {_COUNTS} AND {where} GROUP BY r.sponsor_id, {_MONTH}{_UPSERT};")


def _bounds(u: str = TABLE) -> str:
    """Set the first and last air date of the sponsor-month rows ``u`` from the reads themselves."""
    mine = f"{_FROM} WHERE r.sponsor_id = {u}.sponsor_id AND {_MONTH} = {u}.month AND {_COUNTS}"
    return f"first_air = (SELECT min({_AIR}) {mine}), last_air = (SELECT max({_AIR}) {mine})"


def _remove_read(p: str, when: str = "1") -> list[str]:
    """Take one read (``p`` = OLD) out of its sponsor-month, if ``when``: the count, then the bounds if
    it was at one."""
    air = f"(SELECT coalesce(published_on, recorded_on) FROM episodes WHERE id = {p}.episode_id)"
    key = f"{when} AND sponsor_id = {p}.sponsor_id AND month = coalesce(substr({air}, 1, 7), '')"
    return [f"UPDATE {TABLE} SET reads = reads - 1 WHERE {key};",
            f"DELETE FROM {TABLE} WHERE {key} AND reads <= 0;",
            f"UPDATE {TABLE} SET {_bounds()} WHERE {key} AND (first_air = {air} OR last_air = {air});"]


def _remove_group(where: str) -> list[str]:
    """Take an invoice's reads ``where`` says (each counting before the change, none after) out of their
    sponsor-months; ``where`` is evaluated after the change, so it names the reads, not their state."""
    reads = f"FROM {_BY_INVOICE} JOIN episodes e ON e.id = r.episode_id WHERE {where}"
    keys = f"(SELECT DISTINCT r.sponsor_id, {_MONTH} {reads})"
    mine = f"(SELECT count(*) {reads} AND r.sponsor_id = {TABLE}.sponsor_id AND {_MONTH} = {TABLE}.month)"
    return [f"UPDATE {TABLE} SET reads = reads - {mine} WHERE (sponsor_id, month) IN {keys};",
            f"DELETE FROM {TABLE} WHERE reads <= 0 AND (sponsor_id, month) IN {keys};",
            f"UPDATE {TABLE} SET {_bounds()} WHERE (sponsor_id, month) IN {keys};"]


def _counts(p: str) -> str:
    """SQL: the read ``p`` (NEW or OLD) counts, with the current status of its invoice."""
    return (f"({p}.status IN {_DELIVERED} AND coalesce((SELECT status FROM invoices WHERE id = {p}.invoice_id), "
            f"'') NOT IN {BILLED})")


def _triggers() -> dict[str, tuple[str, list[str]]]:
    delivered = f"r.status IN {_DELIVERED}"
    old_air = "coalesce(OLD.published_on, OLD.recorded_on)"
    new_air = "coalesce(NEW.published_on, NEW.recorded_on)"
    # the episode's reads that count (the episode's air date is already the new one)
    ep_reads = f"r.episode_id = NEW.id AND {_COUNTS}"
    ep_keys = (f"(SELECT DISTINCT r.sponsor_id {_FROM} WHERE {ep_reads})")
    old_key = f"month = coalesce(substr({old_air}, 1, 7), '') AND sponsor_id IN {ep_keys}"
    invoice_reads = f"r.invoice_id = NEW.id AND {delivered}"
    return {
        "unbilled_read_insert": (f"AFTER INSERT ON ad_reads WHEN {_counts('NEW')}", [_add("r.id = NEW.id")]),
        "unbilled_read_delete": (f"AFTER DELETE ON ad_reads WHEN {_counts('OLD')}", _remove_read("OLD")),
        "unbilled_read_update": (
            f"AFTER UPDATE OF sponsor_id, episode_id, status, invoice_id ON ad_reads WHEN "
            f"{_counts('OLD')} IS NOT {_counts('NEW')} OR ({_counts('NEW')} AND "
            "(OLD.sponsor_id IS NOT NEW.sponsor_id OR OLD.episode_id IS NOT NEW.episode_id))",
            # the new state first: a move inside one sponsor-month never empties its row
            [_add("r.id = NEW.id"), *_remove_read("OLD", _counts("OLD"))]),
        "unbilled_invoice_billed": (
            f"AFTER UPDATE OF status ON invoices WHEN OLD.status NOT IN {BILLED} AND NEW.status IN {BILLED}",
            _remove_group(invoice_reads)),  # (the reads of an invoice: ``_BY_INVOICE``)
        "unbilled_invoice_unbilled": (
            f"AFTER UPDATE OF status ON invoices WHEN OLD.status IN {BILLED} AND NEW.status NOT IN {BILLED}",
            [_add(invoice_reads, _BY_INVOICE)]),
        "unbilled_episode_air_date": (
            f"AFTER UPDATE OF published_on, recorded_on ON episodes WHEN {old_air} IS NOT {new_air}",
            [_add(ep_reads),
             f"UPDATE {TABLE} SET reads = reads - (SELECT count(*) {_FROM} WHERE {ep_reads} "
             f"AND r.sponsor_id = {TABLE}.sponsor_id) WHERE {old_key};",
             f"DELETE FROM {TABLE} WHERE reads <= 0 AND {old_key};",
             f"UPDATE {TABLE} SET {_bounds()} WHERE {old_key} AND (first_air = {old_air} OR last_air = {old_air});"]),
    }


def create(execute: Any) -> None:
    """The table (m009), empty; :func:`triggers` and :func:`recount` fill and keep it."""
    execute(f"""CREATE TABLE {TABLE} (
        sponsor_id INTEGER NOT NULL,
        month TEXT NOT NULL,
        reads INTEGER NOT NULL CHECK (reads >= 0),
        first_air TEXT,
        last_air TEXT,
        PRIMARY KEY (sponsor_id, month)
    )""")


def triggers(execute: Any) -> None:
    """(Re)create the triggers that keep the counters. A migration that rebuilds ``ad_reads``,
    ``invoices`` or ``episodes`` with ``transform()`` calls this again (``rebuild_triggers`` does)."""
    for name, (when, body) in _triggers().items():
        execute(f"DROP TRIGGER IF EXISTS {name}")
        execute(f"CREATE TRIGGER {name} {when} BEGIN {' '.join(body)} END")


def from_scratch_sql() -> str:
    """The counters computed from the reads: ``(sponsor_id, month, reads, first_air, last_air)``."""
    return (f"SELECT r.sponsor_id, {_MONTH} AS month, count(*) AS reads, min({_AIR}) AS first_air, "
            f"max({_AIR}) AS last_air {_FROM} WHERE {_COUNTS} GROUP BY r.sponsor_id, {_MONTH}")


def recount(execute: Any) -> None:
    """Rebuild the counters from the reads (one grouped pass)."""
    execute(f"DELETE FROM {TABLE}")
    execute(f"INSERT INTO {TABLE} (sponsor_id, month, reads, first_air, last_air) {from_scratch_sql()}")
