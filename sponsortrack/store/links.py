"""Link checks: saving each check (validated here, whatever the caller did), latest verdicts, history,
the promo URLs ever logged, and the episodes whose links need fixing.

An ``unchecked`` row (the check could not run: offline, DNS not answering) is kept with its reason
but is never a URL's latest verdict: every query that answers "what is this link's state" skips it.

Nothing from the network reaches the database without passing ``clean_check``: the verdict must be
one of the fixed list, a status an integer from 100 to 999 or NULL, every text is stripped of control
characters and bounded, the chain is re-encoded as JSON from validated pairs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sponsortrack.errors import ValidationError
from sponsortrack.linkcheck.model import FAILING_VERDICTS, FINE_VERDICTS, UNCHECKED, VERDICTS
from sponsortrack.store.db import Store, utc_now
from sponsortrack.store.models import episode_code
from sponsortrack.store.reads import AIR_DATE, READ_JOINS

MAX_URL = 4096
MAX_EXPLANATION = 500
MAX_CHAIN = 25
MAX_ELAPSED_MS = 10**9
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class LinkCheck:
    id: int
    url: str
    checked_at: str
    verdict: str
    status_code: int | None = None
    chain: list[tuple[str, int | None]] = field(default_factory=list)
    final_url: str | None = None
    elapsed_ms: int | None = None
    explanation: str | None = None
    sponsor_id: int | None = None

    @property
    def fine(self) -> bool:
        return self.verdict in FINE_VERDICTS


@dataclass
class PromoUrl:
    """A promo URL logged on reads or campaigns, with what its check should expect."""

    url: str
    sponsor_id: int
    sponsor_name: str
    domains: list[str]
    codes: list[str]          # promo codes logged with this URL (reads and campaigns), distinct
    reads: int = 0            # reads that carry it (in the period asked for)
    last_aired: str | None = None
    campaign_end: str | None = None  # the latest end date of the campaigns that use it


@dataclass
class EpisodeLink:
    """An episode whose show notes advertise a link that needs attention."""

    episode_id: int
    show_name: str
    episode_number: int | None
    episode_title: str
    air_date: str | None
    sponsor_name: str
    url: str
    reason: str                 # "broken" (latest check not fine) or "campaign_ended"
    verdict: str | None = None
    checked_at: str | None = None
    explanation: str | None = None
    campaign_name: str | None = None
    campaign_end: str | None = None
    episode_season: int | None = None

    @property
    def episode_code(self) -> str:
        return episode_code(self.episode_number, self.episode_season)


# -- validation ----------------------------------------------------------------------------------


def _text(value: object, field_: str, max_len: int, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise ValidationError(field_, "is required")
        return None
    if not isinstance(value, str):
        raise ValidationError(field_, f"must be text, not {type(value).__name__}")
    s = _CONTROL.sub("", value).strip()
    if not s:
        if required:
            raise ValidationError(field_, "is required")
        return None
    return s if len(s) <= max_len else s[: max_len - 1] + "…"


def _status(value: object, field_: str = "status") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 999:
        raise ValidationError(field_, f"must be an HTTP status from 100 to 999 or empty, not {value!r:.40}")
    return value


def _timestamp(value: object) -> str:
    """Any ISO-8601 instant → the store's UTC form (``2026-11-26T08:00:00.123Z``) so they sort."""
    if value is None:
        return utc_now()
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError("checked_at", f"{value[:40]!r} is not an ISO-8601 timestamp") from None
    else:
        raise ValidationError("checked_at", "must be an ISO-8601 timestamp")
    if when.tzinfo is None:
        raise ValidationError("checked_at", "must carry its time zone (UTC)")
    when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def clean_check(check: Mapping[str, Any] | Any) -> dict[str, Any]:
    """A link check (a ``LinkResult`` or a mapping with the same names) as a validated row."""
    get = check.get if isinstance(check, Mapping) else (lambda k, d=None: getattr(check, k, d))
    verdict = get("verdict")
    if verdict not in VERDICTS:
        raise ValidationError("verdict", f"{str(verdict)[:40]!r} is not one of {', '.join(VERDICTS)}")
    status = get("status_code", None)
    if status is None:
        status = get("status", None)
    raw_chain = get("chain", None) or []
    if not isinstance(raw_chain, list | tuple):
        raise ValidationError("chain", "must be a list of (url, status) pairs")
    chain: list[list[Any]] = []
    for hop in list(raw_chain)[:MAX_CHAIN]:
        if isinstance(hop, Mapping):
            hop = (hop.get("url"), hop.get("status"))
        if not isinstance(hop, list | tuple) or len(hop) != 2:
            raise ValidationError("chain", "must be a list of (url, status) pairs")
        chain.append([_text(hop[0], "chain", MAX_URL, required=True), _status(hop[1], "chain")])
    elapsed = get("elapsed_ms", None)
    if elapsed is not None:
        if isinstance(elapsed, bool) or not isinstance(elapsed, int) or elapsed < 0:
            raise ValidationError("elapsed_ms", "must be a whole number of milliseconds")
        elapsed = min(elapsed, MAX_ELAPSED_MS)
    sponsor_id = get("sponsor_id", None)
    if sponsor_id is not None and (isinstance(sponsor_id, bool) or not isinstance(sponsor_id, int)):
        raise ValidationError("sponsor_id", "must be a sponsor id")
    explanation = _text(get("explanation", None), "explanation", MAX_EXPLANATION)
    return {
        "url": _text(get("url"), "url", MAX_URL, required=True),
        "checked_at": _timestamp(get("checked_at", None)),
        "verdict": verdict,
        "status_code": _status(status),
        "chain": json.dumps(chain, ensure_ascii=False),
        "final_url": _text(get("final_url", None), "final_url", MAX_URL),
        "elapsed_ms": elapsed,
        "explanation": explanation.replace("\n", " ") if explanation else None,
        "sponsor_id": sponsor_id,
    }


# -- writes --------------------------------------------------------------------------------------

_COLUMNS = ("url", "checked_at", "verdict", "status_code", "chain", "final_url", "elapsed_ms", "explanation",
            "sponsor_id")


def save_checks(store: Store, checks: Iterable[Mapping[str, Any] | Any]) -> int:
    """Validate every check first, then insert them all in one transaction. Returns how many."""
    rows = [clean_check(c) for c in checks]
    if not rows:
        return 0
    sql = f"INSERT INTO link_checks ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
    with store.write():
        store.conn.executemany(sql, [[r[c] for c in _COLUMNS] for r in rows])
    return len(rows)


def save_check(store: Store, check: Mapping[str, Any] | Any) -> int:
    row = clean_check(check)
    with store.write():
        cur = store.conn.execute(
            f"INSERT INTO link_checks ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})",
            [row[c] for c in _COLUMNS])
    return int(cur.lastrowid)  # type: ignore[arg-type]


# -- reads ---------------------------------------------------------------------------------------


def _check(row: dict[str, Any]) -> LinkCheck:
    try:
        chain = [(str(u), s if isinstance(s, int) else None) for u, s in json.loads(row.get("chain") or "[]")]
    except (ValueError, TypeError):
        chain = []
    return LinkCheck(id=row["id"], url=row["url"], checked_at=row["checked_at"], verdict=row["verdict"],
                     status_code=row["status_code"], chain=chain, final_url=row["final_url"],
                     elapsed_ms=row["elapsed_ms"], explanation=row["explanation"], sponsor_id=row["sponsor_id"])


_REAL = f"lc.verdict <> '{UNCHECKED}'"
_LATEST = """SELECT * FROM (
    SELECT lc.*, row_number() OVER (PARTITION BY lc.url ORDER BY lc.checked_at DESC, lc.id DESC) AS rn
    FROM link_checks lc WHERE {where}) WHERE rn = 1"""


def latest_checks(store: Store, urls: Iterable[str] | None = None) -> dict[str, LinkCheck]:
    """The latest real check of each URL (of every URL ever checked when ``urls`` is None); ``unchecked``
    attempts are skipped, so a URL only ever attempted offline is absent."""
    if urls is None:
        return {r["url"]: _check(r) for r in store.query(_LATEST.format(where=_REAL) + " ORDER BY url")}
    wanted = sorted({u for u in urls if u})
    out: dict[str, LinkCheck] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        where = f"{_REAL} AND lc.url IN ({', '.join('?' for _ in chunk)})"
        for r in store.query(_LATEST.format(where=where), chunk):
            out[r["url"]] = _check(r)
    return out


def url_history(store: Store, url: str, limit: int = 200) -> list[LinkCheck]:
    """Every check of one URL, newest first."""
    return [_check(r) for r in store.query(
        "SELECT * FROM link_checks WHERE url = ? ORDER BY checked_at DESC, id DESC LIMIT ?", [url, limit])]


def count_checks(store: Store) -> int:
    """How many real checks are stored (``unchecked`` attempts do not count)."""
    return int(store.scalar(f"SELECT count(*) FROM link_checks lc WHERE {_REAL}") or 0)


def last_attempt(store: Store) -> LinkCheck | None:
    """The newest stored row of any URL, ``unchecked`` included: tells whether the last run was offline."""
    rows = store.query("SELECT * FROM link_checks ORDER BY checked_at DESC, id DESC LIMIT 1")
    return _check(rows[0]) if rows else None


def prune_checks(store: Store, keep: int) -> int:
    """Keep the newest ``keep`` checks of each URL, and every older check that changed its verdict (the
    first real check of a URL counts as a change); older ``unchecked`` attempts go. Returns how many went."""
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise ValidationError("keep_history", f"must be a whole number of checks from 1 up, not {keep!r}")
    with store.write():
        cur = store.conn.execute(
            f"""WITH ranked AS (
                    SELECT id, verdict, row_number() OVER (
                        PARTITION BY url ORDER BY checked_at DESC, id DESC) AS rn
                    FROM link_checks),
                real AS (
                    SELECT id, verdict, lag(verdict) OVER (PARTITION BY url ORDER BY checked_at, id) AS prev
                    FROM link_checks lc WHERE {_REAL})
                DELETE FROM link_checks WHERE id IN (
                    SELECT r.id FROM ranked r LEFT JOIN real x ON x.id = r.id
                    WHERE r.rn > ? AND (r.verdict = '{UNCHECKED}' OR x.prev = x.verdict))""", [keep])
        gone = int(store.conn.execute("SELECT changes()").fetchone()[0])
    del cur
    return gone


def promo_urls(store: Store, *, date_from: str | None = None, date_to: str | None = None,
               sponsor_id: int | None = None) -> list[PromoUrl]:
    """Distinct promo URLs logged on reads (aired in the period) and campaigns (flying in it), per sponsor."""
    rwhere = ["r.promo_url IS NOT NULL", "r.promo_url <> ''"]
    cwhere = ["c.promo_url IS NOT NULL", "c.promo_url <> ''"]
    rparams: list[Any] = []
    cparams: list[Any] = []
    if date_from:
        rwhere.append(f"{AIR_DATE} >= ?")
        rparams.append(date_from)
        cwhere.append("c.end_date >= ?")
        cparams.append(date_from)
    if date_to:
        rwhere.append(f"{AIR_DATE} <= ?")
        rparams.append(date_to)
        cwhere.append("c.start_date <= ?")
        cparams.append(date_to)
    if sponsor_id is not None:
        rwhere.append("r.sponsor_id = ?")
        rparams.append(sponsor_id)
        cwhere.append("c.sponsor_id = ?")
        cparams.append(sponsor_id)
    rows = store.query(
        f"""SELECT r.promo_url AS url, r.sponsor_id, count(*) AS reads, max({AIR_DATE}) AS last_aired,
                   json_group_array(DISTINCT r.promo_code) AS codes, max(c.end_date) AS campaign_end
            FROM ad_reads r JOIN episodes e ON e.id = r.episode_id
            LEFT JOIN campaigns c ON c.id = r.campaign_id
            WHERE {' AND '.join(rwhere)} GROUP BY r.promo_url, r.sponsor_id""", rparams)
    rows += store.query(
        f"""SELECT c.promo_url AS url, c.sponsor_id, 0 AS reads, NULL AS last_aired,
                   json_group_array(DISTINCT c.promo_code) AS codes, max(c.end_date) AS campaign_end
            FROM campaigns c WHERE {' AND '.join(cwhere)} GROUP BY c.promo_url, c.sponsor_id""", cparams)
    sponsors = {r["id"]: r for r in store.query("SELECT id, name, domains FROM sponsors")}
    merged: dict[tuple[str, int], PromoUrl] = {}
    for r in rows:
        sp = sponsors.get(r["sponsor_id"])
        if sp is None:
            continue
        key = (r["url"], r["sponsor_id"])
        p = merged.get(key)
        if p is None:
            try:
                domains = [str(d) for d in json.loads(sp["domains"] or "[]")]
            except ValueError:
                domains = []
            p = merged[key] = PromoUrl(url=r["url"], sponsor_id=sp["id"], sponsor_name=sp["name"],
                                       domains=domains, codes=[])
        for code in json.loads(r["codes"] or "[]"):
            if code and code not in p.codes:
                p.codes.append(code)
        p.reads += r["reads"]
        if r["last_aired"] and (p.last_aired is None or r["last_aired"] > p.last_aired):
            p.last_aired = r["last_aired"]
        if r["campaign_end"] and (p.campaign_end is None or r["campaign_end"] > p.campaign_end):
            p.campaign_end = r["campaign_end"]
    return sorted(merged.values(), key=lambda p: (p.sponsor_name.lower(), p.url))


def episodes_to_fix(store: Store, *, today: str, limit: int = 5000) -> list[EpisodeLink]:
    """Aired episodes carrying a promo URL whose latest check is failing (not fine, not merely rate
    limited or walled off, never an ``unchecked`` attempt), or whose campaign has ended (its end date is
    before ``today``), newest first, one row per episode and URL."""
    failing = ", ".join(f"'{v}'" for v in sorted(FAILING_VERDICTS))
    rows = store.query(
        f"""WITH latest AS (
                SELECT url, verdict, checked_at, explanation FROM (
                    SELECT url, verdict, checked_at, explanation, row_number() OVER (
                        PARTITION BY url ORDER BY checked_at DESC, id DESC) AS rn
                    FROM link_checks lc WHERE {_REAL}) WHERE rn = 1)
            SELECT e.id AS episode_id, sh.name AS show_name, e.number AS episode_number,
                   e.season AS episode_season, e.title AS episode_title, {AIR_DATE} AS air_date,
                   sp.name AS sponsor_name,
                   r.promo_url AS url, l.verdict, l.checked_at, l.explanation,
                   max(c.name) AS campaign_name, max(c.end_date) AS campaign_end,
                   max(CASE WHEN l.verdict IN ({failing}) THEN 1 ELSE 0 END) AS broken
            {READ_JOINS}
            LEFT JOIN latest l ON l.url = r.promo_url
            WHERE r.promo_url IS NOT NULL AND r.promo_url <> ''
            GROUP BY e.id, r.promo_url
            HAVING broken = 1 OR (campaign_end IS NOT NULL AND campaign_end < ?)
            ORDER BY air_date DESC, sh.name, e.number DESC
            LIMIT ?""", [today, limit])
    out = []
    for r in rows:
        reason = "broken" if r.pop("broken") else "campaign_ended"
        out.append(EpisodeLink(reason=reason, **r))
    return out
