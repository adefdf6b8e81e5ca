"""Checking promo links: choose the URLs, check them, store every check, report what needs fixing.

Three steps so the GUI can keep the database on its thread and the network off it:
``plan_checks`` (reads the store) → ``run_checks`` (network only, any thread) → ``save_results``
(writes the store). ``check_urls`` does all three for the CLI. ``LinkPlanItem`` carries what a check
should expect: the sponsor's domains, and the promo code when the promo URL itself carries it (then
it must survive the redirects).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.linkcheck.model import (
    FAILING_VERDICTS,
    FINE_VERDICTS,
    INCONCLUSIVE_VERDICTS,
    UNCHECKED,
    LinkResult,
    LinkTarget,
)
from sponsortrack.services import catalog as cat
from sponsortrack.store import links as lstore
from sponsortrack.store.db import Store
from sponsortrack.store.links import EpisodeLink, LinkCheck, PromoUrl
from sponsortrack.wording import count

if TYPE_CHECKING:
    from sponsortrack.linkcheck.checker import CancelFlag

MAX_URLS_ARGS = 10_000
ProgressFn = Callable[[int, int, LinkResult], None]
#: Defaults of a run (the CLI's and the window's): lychee asks at most 10 requests of one host at once.
DEFAULT_CONCURRENCY = 32
DEFAULT_PER_HOST = 10
#: Checks kept per URL when old ones are pruned (every change of verdict is kept as well).
DEFAULT_KEEP_HISTORY = 50
#: How often a promo URL is re-checked, by the age of the newest episode that carries it (days, then
#: the interval in days): recent episodes often, old ones rarely (Podlove Publisher's pattern).
SCHEDULE: tuple[tuple[int, float], ...] = ((7, 1.0), (30, 2.0), (180, 7.0), (730, 30.0))
SCHEDULE_OLDEST = 90.0
#: Checks are saved at least this often while a run goes on, so an interrupted run keeps them.
SAVE_EVERY_S = 0.25


@dataclass
class LinkPlanItem:
    url: str                          # the key the check is stored under
    target: LinkTarget
    sponsor_id: int | None = None
    sponsor_name: str | None = None
    reads: int = 0
    campaign_end: str | None = None


@dataclass
class LinkRun:
    items: list[LinkPlanItem]
    results: list[LinkResult] = field(default_factory=list)
    saved: int = 0
    cancelled: bool = False
    #: links whose latest verdict was fine and that now fail (told once: a link already failing is not)
    newly_failing: list[LinkResult] = field(default_factory=list)
    pruned: int = 0

    @property
    def all_fine(self) -> bool:
        return all(r.verdict in FINE_VERDICTS for r in self.results)

    @property
    def failing(self) -> list[LinkResult]:
        return [r for r in self.results if r.verdict in FAILING_VERDICTS]

    @property
    def inconclusive(self) -> list[LinkResult]:
        return [r for r in self.results if r.verdict in INCONCLUSIVE_VERDICTS]

    @property
    def unchecked(self) -> list[LinkResult]:
        return [r for r in self.results if r.verdict == UNCHECKED]

    @property
    def offline(self) -> str | None:
        """"offline — nothing was checked" (with why) when every result is an unchecked attempt; None else."""
        return offline_message(self.results)

    def summary(self) -> str:
        """One line: what was checked, and "offline" said once instead of one error per link."""
        return run_summary(self.results, self.saved)

    def rows(self) -> list[dict]:
        by_url = {i.url: i for i in self.items}
        out = []
        for r in self.results:
            item = by_url.get(r.url)
            d = r.to_dict()
            d["sponsor"] = item.sponsor_name if item else None
            out.append(d)
        return out


def expected_fragment(url: str, codes: Sequence[str]) -> str | None:
    """The promo code that the URL itself carries (in its path or query), if any: it must survive."""
    p = urlsplit(url)
    where = unquote(f"{p.path}?{p.query}").lower()
    for code in codes:
        if code and len(code) >= 3 and code.lower() in where:
            return code
    return None


def _key(url: str) -> str:
    """How a URL given by the user is stored: normalized when it is a URL, as typed when it is not."""
    try:
        return v.normalize_url(url, "url", allow_none=False) or url.strip()
    except ValidationError:
        return url.strip()


def _as_typed(url: str) -> str:
    """A stored ``https://`` promo URL as a listener types it (``do.co/x``): the checker then tries
    https and, when https fails, http, as a browser does with what it heard on air. (Logging a
    schemeless URL stores it as https, so stored URLs cannot tell the two apart.)"""
    return url[len("https://"):] if url.lower().startswith("https://") else url


def _item_for(p: PromoUrl) -> LinkPlanItem:
    domains = tuple(d for d in p.domains if d)
    try:
        target = LinkTarget(_as_typed(p.url), expected_domains=domains,
                            expected_fragment=expected_fragment(p.url, p.codes))
    except ValidationError:  # a sponsor's stored domain list is unusable: check without it
        target = LinkTarget(_as_typed(p.url))
    return LinkPlanItem(url=p.url, target=target, sponsor_id=p.sponsor_id, sponsor_name=p.sponsor_name,
                        reads=p.reads, campaign_end=p.campaign_end)


def plan_checks(store: Store, *, urls: Sequence[str] = (), month: str | None = None,
                sponsor: str | int | None = None, all_urls: bool = False) -> list[LinkPlanItem]:
    """The URLs to check: explicit ``urls``, and/or the promo URLs of a month, of a sponsor, or all.

    An explicit URL that is a known promo URL gets its sponsor's expectations; with ``sponsor`` it
    gets that sponsor's domains. At least one selector is required.
    """
    if isinstance(urls, str):
        urls = [urls]
    if not urls and month is None and sponsor in (None, "") and not all_urls:
        raise ValidationError("urls", "give one or more URLs, --month YYYY-MM, --sponsor NAME or --all")
    if len(urls) > MAX_URLS_ARGS:
        raise ValidationError("urls", f"at most {MAX_URLS_ARGS} URLs at once")
    date_from = date_to = None
    if month is not None:
        date_from, date_to = v.month_bounds(v.parse_month(month, "month"))
    sponsor_id = None
    sp = None
    if sponsor not in (None, ""):
        sp = cat.resolve_sponsor(store, sponsor)  # type: ignore[arg-type]
        sponsor_id = sp.id
    items: dict[str, LinkPlanItem] = {}
    if urls:
        known = {p.url: p for p in lstore.promo_urls(store, sponsor_id=sponsor_id)}
        for raw in urls:
            if not isinstance(raw, str):
                raise ValidationError("urls", "must be text")
            key = _key(raw)
            if not key:
                raise ValidationError("urls", "an empty URL was given")
            if key in items:
                continue
            # the checker gets the text as typed, so a schemeless do.co/x is tried as https, then http
            typed = raw.strip()
            if key in known:  # a stored promo URL: checked as a listener types it (https, then http)
                items[key] = _item_for(known[key])
            elif sp is not None:
                items[key] = LinkPlanItem(url=key, target=LinkTarget(typed, expected_domains=tuple(sp.domains)),
                                          sponsor_id=sp.id, sponsor_name=sp.name)
            else:
                items[key] = LinkPlanItem(url=key, target=LinkTarget(typed))
    if month is not None or all_urls or (sponsor_id is not None and not urls):
        for p in lstore.promo_urls(store, date_from=date_from, date_to=date_to, sponsor_id=sponsor_id):
            items.setdefault(p.url, _item_for(p))
    return list(items.values())


def offline_message(results: Sequence[LinkResult]) -> str | None:
    """"offline — nothing was checked" (and why) when there were results and none could run."""
    if not results or any(r.verdict != UNCHECKED for r in results):
        return None
    why = results[0].explanation.removeprefix("not checked: ").split(" (it said:")[0].removeprefix("offline — ")
    return f"offline — nothing was checked: {why}" if why else "offline — nothing was checked"


def run_summary(results: Sequence[LinkResult], saved: int | None = None) -> str:
    offline = offline_message(results)
    if offline is not None:
        return f"{offline}; the links keep their last verdicts."
    skipped = sum(1 for r in results if r.verdict == UNCHECKED)
    checked = len(results) - skipped
    fine = sum(1 for r in results if r.verdict in FINE_VERDICTS)
    unsure = sum(1 for r in results if r.verdict in INCONCLUSIVE_VERDICTS)
    line = f"{checked} checked, {fine} fine, {checked - fine} not fine"
    if unsure:
        line += f" ({unsure} rate limited or behind a bot wall: try later, or open in a browser)"
    if skipped:
        line += f", {skipped} not checked (offline or DNS not answering)"
    return line + (f"; {count(saved, 'check')} stored." if saved is not None else ".")


def check_options(concurrency: object = None, timeout: object = None, per_host: object = None, **extra):
    """``CheckOptions`` from user values, each validated with the field named in the error."""
    from sponsortrack.linkcheck import CheckOptions

    kw: dict = dict(extra)
    kw["concurrency"] = v.positive_int(DEFAULT_CONCURRENCY if concurrency in (None, "") else concurrency,
                                       "concurrency", maximum=256)
    kw["per_host"] = v.positive_int(DEFAULT_PER_HOST if per_host in (None, "") else per_host, "per_host",
                                    maximum=64)
    if timeout is not None:
        try:
            t = float(str(timeout).strip()) if not isinstance(timeout, int | float) else float(timeout)
        except ValueError:
            raise ValidationError("timeout", f"{str(timeout)[:20]!r} is not a number of seconds") from None
        if not 0.5 <= t <= 300:
            raise ValidationError("timeout", "must be from 0.5 to 300 seconds")
        kw["timeout"] = t
    return CheckOptions(**kw)


def run_checks(items: Sequence[LinkPlanItem], options=None, *, progress: ProgressFn | None = None,
               cancel: CancelFlag | None = None, transport=None,
               on_result: Callable[[LinkResult], None] | None = None,
               tick: Callable[[], None] | None = None) -> list[LinkResult]:
    """Check the planned URLs (network only; no store: safe on a worker thread). Each result's ``url``
    is the planned key (``https://do.co/x`` for a typed ``do.co/x``), the one it is stored under.
    ``on_result`` gets each result as it arrives (on this thread), before ``progress``."""
    from sponsortrack.linkcheck import check_links_sync

    keys = {i.target.url: i.url for i in items}

    def each(done: int, total: int, r: LinkResult) -> None:
        r.url = keys.get(r.url, r.url)
        if on_result is not None:
            on_result(r)
        if progress is not None:
            progress(done, total, r)

    results = check_links_sync([i.target for i in items], options, progress=each, cancel=cancel,
                               transport=transport, tick=tick)
    for r in results:
        r.url = keys.get(r.url, r.url)
    return results


def _row(r: LinkResult, item: LinkPlanItem | None) -> dict:
    return {"url": r.url, "checked_at": r.checked_at, "verdict": r.verdict, "status": r.status,
            "chain": r.chain, "final_url": r.final_url, "elapsed_ms": r.elapsed_ms,
            "explanation": r.explanation, "sponsor_id": item.sponsor_id if item else None}


def save_results(store: Store, items: Sequence[LinkPlanItem], results: Sequence[LinkResult]) -> int:
    """Store every check, under the planned URL and with its sponsor."""
    by_url = {i.url: i for i in items}
    return lstore.save_checks(store, [_row(r, by_url.get(r.url)) for r in results])


class ResultSaver:
    """Saves checks as they arrive (batched every ``SAVE_EVERY_S``), so Ctrl-C or Cancel keeps every
    check already made; tells which links changed from fine to failing. Use on the store's thread."""

    def __init__(self, store: Store, items: Sequence[LinkPlanItem], every: float = SAVE_EVERY_S):
        import time

        self._clock = time.monotonic
        self.store = store
        self.by_url = {i.url: i for i in items}
        self.every = every
        self.pending: list[dict] = []
        self.saved = 0
        self.newly_failing: list[LinkResult] = []
        self._last = self._clock()
        # what each link was before this run: only a change from fine to failing is news
        self.before = {u: c.verdict for u, c in lstore.latest_checks(store, list(self.by_url)).items()}

    def add(self, r: LinkResult) -> None:
        self.pending.append(_row(r, self.by_url.get(r.url)))
        if r.verdict in FAILING_VERDICTS and self.before.get(r.url) in FINE_VERDICTS:
            self.newly_failing.append(r)
        if r.verdict != UNCHECKED:
            self.before[r.url] = r.verdict  # a second check of the same URL in one run is judged against it
        self.tick()

    def tick(self) -> None:
        """Save what arrived when the last save is ``every`` seconds old."""
        if self.pending and self._clock() - self._last >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            rows = self.pending
            n = lstore.save_checks(self.store, rows)  # one transaction: all of them or none
            self.pending = []
            self.saved += n
        self._last = self._clock()


def check_urls(store: Store, *, urls: Sequence[str] = (), month: str | None = None,
               sponsor: str | int | None = None, all_urls: bool = False, due: bool = False,
               concurrency: object = None, per_host: object = None, timeout: object = None,
               keep_history: object = None, progress: ProgressFn | None = None,
               cancel: CancelFlag | None = None, on_plan: Callable[[int], None] | None = None,
               transport=None, options=None, today: str | dt.date | None = None,
               run: LinkRun | None = None) -> LinkRun:
    """Plan, check and store. ``on_plan(n)`` is told how many URLs will be checked before it starts.

    Checks are stored as they arrive: when the run is interrupted (KeyboardInterrupt, Cancel) every
    check already made is kept, and ``run`` (when given) holds what was done so far. With
    ``keep_history`` old checks are pruned after the run (every change of verdict stays)."""
    if options is None:
        options = check_options(concurrency, timeout, per_host)
    keep = v.positive_int(keep_history, "keep_history", maximum=100_000) if keep_history not in (None, "") else None
    if due:
        items = plan_due(store, today=today, sponsor=sponsor)
        if urls or month is not None or all_urls:
            items += [i for i in plan_checks(store, urls=urls, month=month, sponsor=sponsor, all_urls=all_urls)
                      if i.url not in {d.url for d in items}]
    else:
        items = plan_checks(store, urls=urls, month=month, sponsor=sponsor, all_urls=all_urls)
    if on_plan is not None:
        on_plan(len(items))
    run = run if run is not None else LinkRun(items=items)
    run.items = items
    saver = ResultSaver(store, items)

    def arrived(r: LinkResult) -> None:
        run.results.append(r)
        saver.add(r)
        run.saved = saver.saved

    try:
        run_checks(items, options, progress=progress, cancel=cancel, transport=transport, on_result=arrived,
                   tick=saver.tick)
    finally:
        saver.flush()
        run.saved = saver.saved
        run.newly_failing = saver.newly_failing
        order = {i.url: n for n, i in enumerate(items)}
        run.results.sort(key=lambda r: order.get(r.url, len(order)))
    run.cancelled = bool(cancel is not None and cancel.is_set())
    if keep is not None:
        run.pruned = lstore.prune_checks(store, keep)
    return run


# -- scheduled re-checks ------------------------------------------------------------------------------


def recheck_interval_days(age_days: int | None) -> float:
    """Days between two checks of a promo URL whose newest episode is ``age_days`` old (None: no aired
    episode carries it, only a campaign: checked as if recent)."""
    if age_days is None:
        return SCHEDULE[0][1]
    for up_to, every in SCHEDULE:
        if age_days <= up_to:
            return every
    return SCHEDULE_OLDEST


def _parse_instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def plan_due(store: Store, *, today: str | dt.date | dt.datetime | None = None,
             sponsor: str | int | None = None) -> list[LinkPlanItem]:
    """The promo URLs due for a re-check: never checked, or last checked longer ago than their
    episode's age allows (``SCHEDULE``). An ``unchecked`` attempt does not count as a check."""
    if isinstance(today, dt.datetime):
        now = today if today.tzinfo else today.replace(tzinfo=dt.UTC)
    elif today in (None, ""):
        now = dt.datetime.now(dt.UTC)
    else:
        day = v.parse_date(today, "today", allow_none=False)
        now = dt.datetime.fromisoformat(str(day)).replace(tzinfo=dt.UTC) + dt.timedelta(hours=12)
    sponsor_id = cat.resolve_sponsor(store, sponsor).id if sponsor not in (None, "") else None  # type: ignore[arg-type]
    promos = lstore.promo_urls(store, sponsor_id=sponsor_id)
    latest = lstore.latest_checks(store, [p.url for p in promos])
    items: dict[str, LinkPlanItem] = {}
    for p in promos:
        if p.url in items:
            continue
        age = None
        if p.last_aired:
            try:
                age = max(0, (now.date() - dt.date.fromisoformat(p.last_aired[:10])).days)
            except ValueError:
                age = None
        chk = latest.get(p.url)
        if chk is not None:
            try:
                since = (now - _parse_instant(chk.checked_at)).total_seconds() / 86400
            except ValueError:
                since = float("inf")
            if since < recheck_interval_days(age):
                continue
        items[p.url] = _item_for(p)
    return list(items.values())


# -- what the screens and reports read ----------------------------------------------------------------


def latest_verdicts(store: Store, urls: Sequence[str]) -> dict[str, LinkCheck]:
    """The latest check of each URL (the badge on reads and campaigns); URLs never checked are absent."""
    return lstore.latest_checks(store, urls)


def latest_checks(store: Store) -> dict[str, LinkCheck]:
    return lstore.latest_checks(store)


def last_attempt(store: Store) -> LinkCheck | None:
    """The newest stored check of any link, ``unchecked`` attempts included (was the last run offline?)."""
    return lstore.last_attempt(store)


def url_history(store: Store, url: str) -> list[LinkCheck]:
    key = v.text(url, "url", required=True, max_len=lstore.MAX_URL) or ""
    return lstore.url_history(store, key)


def known_promo_urls(store: Store, sponsor: str | int | None = None) -> list[PromoUrl]:
    sponsor_id = cat.resolve_sponsor(store, sponsor).id if sponsor not in (None, "") else None  # type: ignore[arg-type]
    return lstore.promo_urls(store, sponsor_id=sponsor_id)


def back_catalogue_report(store: Store, today: str | dt.date | None = None) -> list[EpisodeLink]:
    """Old episodes whose promo link is broken (latest check not fine) or whose campaign has ended."""
    day = v.parse_date(today, "today", allow_none=True) or dt.date.today().isoformat()
    return lstore.episodes_to_fix(store, today=day)
