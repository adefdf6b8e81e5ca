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
from sponsortrack.linkcheck.model import FINE_VERDICTS, LinkResult, LinkTarget
from sponsortrack.services import catalog as cat
from sponsortrack.store import links as lstore
from sponsortrack.store.db import Store
from sponsortrack.store.links import EpisodeLink, LinkCheck, PromoUrl

if TYPE_CHECKING:
    from sponsortrack.linkcheck.checker import CancelFlag

MAX_URLS_ARGS = 10_000
ProgressFn = Callable[[int, int, LinkResult], None]


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

    @property
    def all_fine(self) -> bool:
        return all(r.verdict in FINE_VERDICTS for r in self.results)

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


def _item_for(p: PromoUrl) -> LinkPlanItem:
    domains = tuple(d for d in p.domains if d)
    try:
        target = LinkTarget(p.url, expected_domains=domains, expected_fragment=expected_fragment(p.url, p.codes))
    except ValidationError:  # a sponsor's stored domain list is unusable: check without it
        target = LinkTarget(p.url)
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
            if key in known:
                item = _item_for(known[key])
                item.target = LinkTarget(typed, expected_domains=item.target.expected_domains,
                                         expected_fragment=item.target.expected_fragment)
                items[key] = item
            elif sp is not None:
                items[key] = LinkPlanItem(url=key, target=LinkTarget(typed, expected_domains=tuple(sp.domains)),
                                          sponsor_id=sp.id, sponsor_name=sp.name)
            else:
                items[key] = LinkPlanItem(url=key, target=LinkTarget(typed))
    if month is not None or all_urls or (sponsor_id is not None and not urls):
        for p in lstore.promo_urls(store, date_from=date_from, date_to=date_to, sponsor_id=sponsor_id):
            items.setdefault(p.url, _item_for(p))
    return list(items.values())


def check_options(concurrency: object = None, timeout: object = None, per_host: object = None):
    """``CheckOptions`` from user values, each validated with the field named in the error."""
    from sponsortrack.linkcheck import CheckOptions

    kw: dict = {}
    if concurrency is not None:
        kw["concurrency"] = v.positive_int(concurrency, "concurrency", maximum=256)
    if per_host is not None:
        kw["per_host"] = v.positive_int(per_host, "per_host", maximum=64)
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
               cancel: CancelFlag | None = None, transport=None) -> list[LinkResult]:
    """Check the planned URLs (network only; no store: safe on a worker thread). Each result's ``url``
    is the planned key (``https://do.co/x`` for a typed ``do.co/x``), the one it is stored under."""
    from sponsortrack.linkcheck import check_links_sync

    keys = {i.target.url: i.url for i in items}
    results = check_links_sync([i.target for i in items], options, progress=progress, cancel=cancel,
                               transport=transport)
    for r in results:
        r.url = keys.get(r.url, r.url)
    return results


def save_results(store: Store, items: Sequence[LinkPlanItem], results: Sequence[LinkResult]) -> int:
    """Store every check, under the planned URL and with its sponsor."""
    by_url = {i.url: i for i in items}
    rows = []
    for r in results:
        item = by_url.get(r.url)
        row = {"url": r.url, "checked_at": r.checked_at, "verdict": r.verdict, "status": r.status,
               "chain": r.chain, "final_url": r.final_url, "elapsed_ms": r.elapsed_ms,
               "explanation": r.explanation, "sponsor_id": item.sponsor_id if item else None}
        rows.append(row)
    return lstore.save_checks(store, rows)


def check_urls(store: Store, *, urls: Sequence[str] = (), month: str | None = None,
               sponsor: str | int | None = None, all_urls: bool = False, concurrency: object = None,
               timeout: object = None, progress: ProgressFn | None = None,
               cancel: CancelFlag | None = None, on_plan: Callable[[int], None] | None = None,
               transport=None) -> LinkRun:
    """Plan, check and store. ``on_plan(n)`` is told how many URLs will be checked before it starts."""
    options = check_options(concurrency, timeout)
    items = plan_checks(store, urls=urls, month=month, sponsor=sponsor, all_urls=all_urls)
    if on_plan is not None:
        on_plan(len(items))
    run = LinkRun(items=items)
    run.results = run_checks(items, options, progress=progress, cancel=cancel, transport=transport)
    run.cancelled = bool(cancel is not None and cancel.is_set())
    run.saved = save_results(store, items, run.results)
    return run


# -- what the screens and reports read ----------------------------------------------------------------


def latest_verdicts(store: Store, urls: Sequence[str]) -> dict[str, LinkCheck]:
    """The latest check of each URL (the badge on reads and campaigns); URLs never checked are absent."""
    return lstore.latest_checks(store, urls)


def latest_checks(store: Store) -> dict[str, LinkCheck]:
    return lstore.latest_checks(store)


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
