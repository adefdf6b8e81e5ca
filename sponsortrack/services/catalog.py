"""Shows, episodes, sponsors and agencies: validated create, edit, delete and lookup."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sponsortrack import validation as v
from sponsortrack.errors import ConflictError, NotFoundError, ValidationError
from sponsortrack.money import parse_percent
from sponsortrack.services import aliases as al
from sponsortrack.store import Store, catalog
from sponsortrack.store.models import Agency, Episode, Show, Sponsor, episode_code, parse_episode_code

T = TypeVar("T")


def _only(values: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(sorted(unknown)[0], "is not a field that can be set here")
    return values


def _get(kind: str, getter: Callable[[Store, int], T | None], store: Store, row_id: int) -> T:
    found = getter(store, row_id)
    if found is None:
        raise NotFoundError(kind, f"no {kind} with id {row_id}")
    return found


def _resolve(kind: str, cls: type[T], getter: Callable[[Store, int], T | None],
             finder: Callable[[Store, str], T | None], store: Store, ref: str | int | T) -> T:
    """An entity given as itself, its id, or its name (case-insensitive)."""
    if isinstance(ref, cls):
        return ref
    if isinstance(ref, int):
        return _get(kind, getter, store, ref)
    name = v.text(ref, kind, required=True, max_len=v.MAX_NAME) or ""
    found = finder(store, name)
    if found is None:
        raise NotFoundError(kind, f"no {kind} named {name!r}")
    return found


def _unique_name(kind: str, finder: Callable[[Store, str], Any], store: Store, name: str,
                 exclude_id: int | None = None) -> None:
    other = finder(store, name)
    if other is not None and other.id != exclude_id:
        article = "an" if kind[0] in "aeiou" else "a"
        raise ValidationError("name", f"{article} {kind} named {name!r} already exists")


@dataclass(frozen=True)
class _Named(Generic[T]):
    """A record known by a unique name (show, sponsor, agency): adding and editing one are the same steps
    for each — validate, check the name is free, write, read it back."""

    kind: str
    cls: type[T]
    clean: Callable[[Store, dict[str, Any], bool], dict[str, Any]]  # (store, values, partial)
    find: Callable[[Store, str], Any]
    get: Callable[[Store, int], T | None]
    insert: Callable[[Store, dict[str, Any]], int]
    update: Callable[[Store, int, dict[str, Any]], None]

    def fetch(self, store: Store, row_id: int) -> T:
        """The record with that id (one-line NotFoundError when there is none)."""
        return _get(self.kind, self.get, store, row_id)

    def resolve(self, store: Store, ref: str | int | T) -> T:
        """The record given as itself, its id or its name (case-insensitive)."""
        return _resolve(self.kind, self.cls, self.get, self.find, store, ref)

    def check_new(self, store: Store, values: dict[str, Any]) -> dict[str, Any]:
        clean = self.clean(store, values, False)
        _unique_name(self.kind, self.find, store, clean["name"])
        return clean

    def add(self, store: Store, **values: Any) -> T:
        row_id = self.insert(store, self.check_new(store, values))
        return self.get(store, row_id)  # type: ignore[return-value]

    def edit(self, store: Store, row_id: int, **changes: Any) -> T:
        _get(self.kind, self.get, store, row_id)
        clean = self.clean(store, changes, True)
        if "name" in clean:
            _unique_name(self.kind, self.find, store, clean["name"], row_id)
        self.update(store, row_id, clean)
        return self.get(store, row_id)  # type: ignore[return-value]


# -- shows ----------------------------------------------------------------------------------

SHOW_FIELDS = {"name", "website", "feed_url", "description"}


def clean_show(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    _only(values, SHOW_FIELDS)
    out: dict[str, Any] = {}
    if "name" in values or not partial:
        out["name"] = v.name(values.get("name"), "name")
    if "website" in values:
        out["website"] = v.normalize_url(values["website"], "website")
    if "feed_url" in values:
        out["feed_url"] = v.normalize_url(values["feed_url"], "feed_url")
    if "description" in values:
        out["description"] = v.text(values["description"], "description")
    return out


_SHOWS: _Named[Show] = _Named("show", Show, lambda _s, values, partial: clean_show(values, partial=partial),
                               catalog.find_show, catalog.get_show, catalog.insert_show, catalog.update_show)


#: The rules a new show must pass (``add_show``; undo checks a show it puts back with them too).
check_new_show = _SHOWS.check_new
add_show = _SHOWS.add
edit_show = _SHOWS.edit


def delete_show(store: Store, show_id: int) -> None:
    show = get_show(store, show_id)
    used = catalog.show_usage(store, show_id)
    if used:
        raise ConflictError(f"show {show.name!r} has {used} episodes; delete them first")
    catalog.delete_show(store, show_id)


get_show = _SHOWS.fetch
resolve_show = _SHOWS.resolve


def list_shows(store: Store) -> list[Show]:
    return catalog.list_shows(store)


# -- episodes -------------------------------------------------------------------------------

EPISODE_FIELDS = {"number", "title", "guid", "recorded_on", "published_on", "link", "show_notes", "season",
                  "duration_seconds", "episode_type", "enclosure_url", "enclosure_type", "enclosure_length"}
EPISODE_TYPES = ("full", "trailer", "bonus")
MAX_SEASON = 1000


def clean_episode(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    _only(values, EPISODE_FIELDS)
    out: dict[str, Any] = {}
    if "number" in values:
        out["number"] = v.positive_int(values["number"], "number", allow_none=True, maximum=100_000)
    if "title" in values or not partial:
        out["title"] = v.text(values.get("title"), "title", required=True, max_len=500)
    if "guid" in values:
        out["guid"] = v.text(values["guid"], "guid", max_len=1000)
    for f in ("recorded_on", "published_on"):
        if f in values:
            out[f] = v.parse_date(values[f], f, allow_none=True)
    if "link" in values:
        out["link"] = v.normalize_url(values["link"], "link")
    if "show_notes" in values:
        out["show_notes"] = v.text(values["show_notes"], "show_notes", max_len=200_000)
    if "season" in values:
        out["season"] = v.positive_int(values["season"], "season", allow_none=True, maximum=MAX_SEASON)
    if "duration_seconds" in values:
        out["duration_seconds"] = v.parse_duration(values["duration_seconds"], "duration")
        if out["duration_seconds"] is not None and out["duration_seconds"] > 7 * 86400:
            raise ValidationError("duration", "is longer than a week")
    if "episode_type" in values:
        out["episode_type"] = v.choice(values["episode_type"], "episode_type", EPISODE_TYPES, default="full")
    if "enclosure_url" in values:
        out["enclosure_url"] = v.normalize_url(values["enclosure_url"], "enclosure_url")
    if "enclosure_type" in values:
        out["enclosure_type"] = v.text(values["enclosure_type"], "enclosure_type", max_len=100)
    if "enclosure_length" in values:
        out["enclosure_length"] = v.non_negative_int(values["enclosure_length"], "enclosure_length")
    return out


def _taken(store: Store, show: Show | Episode, number: int | None, season: int | None,
           episode_id: int | None = None) -> None:
    """Refuse a (season, number) another episode of the show already has."""
    if number is None:
        return
    show_id = show.id if isinstance(show, Show) else show.show_id
    other = catalog.find_episode(store, show_id, number, season)
    if other is not None and other.id != episode_id:
        name = show.name if isinstance(show, Show) else show.show_name
        raise ValidationError("number", f"{name} already has episode "
                                        f"{number if season is None else episode_code(number, season)}")


def check_new_episode(store: Store, show: str | int | Show, values: dict[str, Any]) -> dict[str, Any]:
    """The rules a new episode must pass (``add_episode``; undo checks an episode it puts back with them)."""
    sh = resolve_show(store, show)
    clean = clean_episode(values)
    _taken(store, sh, clean.get("number"), clean.get("season"))
    clean["show_id"] = sh.id
    return clean


def add_episode(store: Store, show: str | int | Show, **values: Any) -> Episode:
    clean = check_new_episode(store, show, values)
    eid = catalog.insert_episode(store, clean)
    return catalog.get_episode(store, eid)  # type: ignore[return-value]


def edit_episode(store: Store, episode_id: int, **changes: Any) -> Episode:
    ep = get_episode(store, episode_id)
    clean = clean_episode(changes, partial=True)
    if "number" in clean or "season" in clean:
        _taken(store, ep, clean.get("number", ep.number), clean.get("season", ep.season), ep.id)
    catalog.update_episode(store, episode_id, clean)
    return catalog.get_episode(store, episode_id)  # type: ignore[return-value]


def delete_episode(store: Store, episode_id: int) -> None:
    ep = get_episode(store, episode_id)
    if ep.read_count:
        raise ConflictError(f"episode {ep.label!r} has {ep.read_count} reads; delete them first")
    catalog.delete_episode(store, episode_id)


def get_episode(store: Store, episode_id: int) -> Episode:
    return _get("episode", catalog.get_episode, store, episode_id)


def resolve_episode(store: Store, show: str | int | Show, number: object, season: object = None) -> Episode:
    """An episode by its number in its show: ``5``, ``#5``, ``S2E5`` / ``S2 E5``, or ``5`` with ``season=2``.

    Without a season, the season-less episode with that number; else the one season that has it; a number
    that several seasons have is ambiguous (the message lists them)."""
    sh = resolve_show(store, show)
    if isinstance(number, int) and not isinstance(number, bool):
        code: tuple[int | None, int] | None = (None, number) if number > 0 else None
    else:
        code = parse_episode_code(number)
    if code is None:
        plain = v.positive_int(number, "episode", maximum=100_000)  # raises the usual one-line message
        assert plain is not None
        code = (None, plain)
    s_code, n = code
    v.positive_int(n, "episode", maximum=100_000)
    s_arg = v.positive_int(season, "season", allow_none=True, maximum=MAX_SEASON)
    if s_code is not None and s_arg is not None and s_code != s_arg:
        raise ValidationError("season", f"{s_arg} contradicts the episode's S{s_code}")
    s = s_code if s_code is not None else s_arg
    if s is not None:
        ep = catalog.find_episode(store, sh.id, n, s)
        if ep is None:
            raise NotFoundError("episode", f"{sh.name} has no episode {episode_code(n, s)}")
        return ep
    found = catalog.episodes_numbered(store, sh.id, n)
    if found and found[0].season is None:
        return found[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError("episode", f"{sh.name} has no episode {n}")
    which = ", ".join(e.code for e in found)
    raise ValidationError("episode", f"{sh.name} has episode {n} in several seasons ({which}): give the season "
                                     f"(S{found[-1].season}E{n}, or --season)")


def find_episode(store: Store, episode_id: int) -> Episode | None:
    """The episode, or None when it is gone (deleted since a page showed it)."""
    return catalog.get_episode(store, episode_id)


def episode_numbered(store: Store, show_id: int, number: int, season: int | None = None) -> Episode | None:
    """The show's episode with that number in that season (None: no season), if it has one."""
    return catalog.find_episode(store, show_id, number, season)


def last_used_show_id(store: Store) -> int | None:
    """The show of the most recently created episode (the log screen opens on it)."""
    return catalog.last_used_show_id(store)


def list_episodes(store: Store, show: str | int | Show | None = None, search: str | None = None,
                  limit: int | None = None) -> list[Episode]:
    show_id = resolve_show(store, show).id if show is not None else None
    return catalog.list_episodes(store, show_id=show_id, search=search, limit=limit)


def latest_season(store: Store, show: str | int | Show) -> int | None:
    """The season a new episode of the show continues: its latest episode's (None: the show has none)."""
    return catalog.latest_season(store, resolve_show(store, show).id)


def next_episode_number(store: Store, show: str | int | Show, season: int | None = None) -> int:
    return catalog.next_episode_number(store, resolve_show(store, show).id, season)


# -- agencies -------------------------------------------------------------------------------

AGENCY_FIELDS = {"name", "commission", "commission_bp", "contact_name", "contact_email",
                 "billing_address", "terms_days", "notes", "tax_id"}



def proposed_recording_date(store: Store, show: str | int | Show, today: dt.date | None = None) -> str:
    """The date the log screen proposes for a show's next episode: on the show's cadence when its
    recent episodes keep one (weekly, fortnightly, ... within a day), the cadence date nearest today
    after the last episode; otherwise today."""
    today = today or dt.date.today()
    sh = resolve_show(store, show) if not isinstance(show, Show) else show
    dates = sorted({dt.date.fromisoformat(d) for e in catalog.list_episodes(store, show_id=sh.id, limit=9)
                    if (d := e.recorded_on or e.published_on)})
    if len(dates) < 3:
        return today.isoformat()
    gaps = sorted((b - a).days for a, b in itertools.pairwise(dates))
    step = gaps[len(gaps) // 2]
    if not 1 <= step <= 31 or any(abs(g - step) > 1 for g in gaps):
        return today.isoformat()
    last = dates[-1]
    if today <= last:
        return (last + dt.timedelta(days=step)).isoformat()
    k = max(1, round((today - last).days / step))
    return (last + dt.timedelta(days=step * k)).isoformat()


def clean_agency(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    _only(values, AGENCY_FIELDS)
    out: dict[str, Any] = {}
    if "name" in values or not partial:
        out["name"] = v.name(values.get("name"), "name")
    if "commission" in values:
        out["commission_bp"] = parse_percent(values["commission"], "commission")
    elif "commission_bp" in values:
        bp = v.non_negative_int(values["commission_bp"], "commission", allow_none=False, maximum=10_000)
        out["commission_bp"] = bp
    for f in ("contact_name", "billing_address", "notes"):
        if f in values:
            out[f] = v.text(values[f], f, max_len=v.MAX_NAME if f == "contact_name" else 2000)
    if "contact_email" in values:
        out["contact_email"] = _email(values["contact_email"])
    if "tax_id" in values:
        out["tax_id"] = v.text(values["tax_id"], "tax_id", max_len=60)
    if "terms_days" in values:
        out["terms_days"] = v.non_negative_int(values["terms_days"], "terms_days", maximum=365)
    return out


def _email(value: object) -> str | None:
    s = v.text(value, "contact_email", max_len=254)
    if s is not None and ("@" not in s or " " in s or s.startswith("@") or s.endswith("@")):
        raise ValidationError("contact_email", f"{s!r} is not an e-mail address")
    return s


_AGENCIES: _Named[Agency] = _Named("agency", Agency, lambda _s, values, partial: clean_agency(values, partial=partial),
                                    catalog.find_agency, catalog.get_agency, catalog.insert_agency,
                                    catalog.update_agency)


#: The rules a new agency must pass (``add_agency``; undo checks an agency it puts back with them).
check_new_agency = _AGENCIES.check_new
add_agency = _AGENCIES.add
edit_agency = _AGENCIES.edit


def delete_agency(store: Store, agency_id: int) -> None:
    ag = get_agency(store, agency_id)
    try:
        catalog.delete_agency(store, agency_id)
    except ConflictError:
        raise ConflictError(f"agency {ag.name!r} still buys campaigns or is on invoices") from None


get_agency = _AGENCIES.fetch
resolve_agency = _AGENCIES.resolve


def list_agencies(store: Store) -> list[Agency]:
    return catalog.list_agencies(store)


# -- sponsors -------------------------------------------------------------------------------

SPONSOR_FIELDS = {"name", "domains", "contact_name", "contact_email", "billing_address", "terms_days",
                  "agency", "agency_id", "notes", "tax_id"}


def clean_sponsor(store: Store, values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    _only(values, SPONSOR_FIELDS)
    out: dict[str, Any] = {}
    if "name" in values or not partial:
        out["name"] = v.name(values.get("name"), "name")
    if "domains" in values:
        out["domains"] = v.parse_domains(values["domains"], "domains")
    for f in ("contact_name", "billing_address", "notes"):
        if f in values:
            out[f] = v.text(values[f], f, max_len=v.MAX_NAME if f == "contact_name" else 2000)
    if "contact_email" in values:
        out["contact_email"] = _email(values["contact_email"])
    if "tax_id" in values:
        out["tax_id"] = v.text(values["tax_id"], "tax_id", max_len=60)
    if "terms_days" in values:
        out["terms_days"] = v.non_negative_int(values["terms_days"], "terms_days", maximum=365)
    if "agency" in values:
        out["agency_id"] = resolve_agency(store, values["agency"]).id if values["agency"] else None
    elif "agency_id" in values:
        out["agency_id"] = get_agency(store, values["agency_id"]).id if values["agency_id"] else None
    return out


_SPONSORS: _Named[Sponsor] = _Named(
    "sponsor", Sponsor, lambda store, values, partial: clean_sponsor(store, values, partial=partial),
    catalog.find_sponsor, catalog.get_sponsor, catalog.insert_sponsor, catalog.update_sponsor)


def _not_an_alias(store: Store, name: str, sponsor_id: int | None = None) -> None:
    hit = catalog.alias_owner(store, catalog.alias_key(name))
    if hit is not None and hit["sponsor_id"] != sponsor_id:
        raise ValidationError("name", f"{name!r} is an alias of sponsor {hit['sponsor_name']}")


def check_new_sponsor(store: Store, values: dict[str, Any]) -> dict[str, Any]:
    """The rules a new sponsor must pass (``add_sponsor``; undo checks a sponsor it puts back with them)."""
    clean = _SPONSORS.check_new(store, values)
    _not_an_alias(store, clean["name"])
    return clean


def add_sponsor(store: Store, **values: Any) -> Sponsor:
    """A new sponsor; ``aliases`` (a list or comma-separated text) are its other names (``services.aliases``)."""
    aliases = values.pop("aliases", None)
    with store.write():
        sp = _SPONSORS.get(store, catalog.insert_sponsor(store, check_new_sponsor(store, values)))
        assert sp is not None
        if aliases:
            al.set_aliases(store, sp.id, aliases)
            sp = _SPONSORS.fetch(store, sp.id)
    return sp


def edit_sponsor(store: Store, sponsor_id: int, **changes: Any) -> Sponsor:
    """Edit a sponsor; ``aliases`` replaces its aliases with that list (all or nothing)."""
    aliases = changes.pop("aliases", None)
    with store.write():
        if "name" in changes:
            _not_an_alias(store, v.name(changes["name"], "name"), sponsor_id)
        sp = _SPONSORS.edit(store, sponsor_id, **changes)
        if aliases is not None:
            al.set_aliases(store, sponsor_id, aliases)
            sp = _SPONSORS.fetch(store, sponsor_id)
    return sp


def sponsor_usage(store: Store, sponsor_id: int) -> dict[str, int]:
    """How many reads, campaigns and invoices name the sponsor (``reads``, ``campaigns``, ``invoices``)."""
    return catalog.sponsor_usage(store, sponsor_id)


def delete_sponsor(store: Store, sponsor_id: int) -> None:
    sp = get_sponsor(store, sponsor_id)
    usage = sponsor_usage(store, sponsor_id)
    used = {k: n for k, n in usage.items() if n}
    if used:
        what = ", ".join(f"{n} {k}" for k, n in used.items())
        raise ConflictError(f"sponsor {sp.name!r} is used by {what}; it cannot be deleted")
    catalog.delete_sponsor(store, sponsor_id)


get_sponsor = _SPONSORS.fetch


def resolve_sponsor(store: Store, ref: str | int | Sponsor) -> Sponsor:
    """The sponsor given as itself, its id, its name (case-insensitive) or one of its aliases."""
    try:
        return _SPONSORS.resolve(store, ref)
    except NotFoundError:
        if isinstance(ref, str) and (hit := al.find_by_alias(store, ref)) is not None:
            return hit
        raise


def list_sponsors(store: Store) -> list[Sponsor]:
    return catalog.list_sponsors(store)


def episodes_without_reads(store: Store, *, since: str | None = None, until: str | None = None,
                           limit: int = 8) -> tuple[int, list[Episode]]:
    """Episodes with no logged read (aired ``since``..``until``): how many, and the newest ``limit``."""
    return catalog.episodes_without_reads(store, since=since, until=until, limit=limit)


def is_empty(store: Store) -> bool:
    """No show, no sponsor and no read yet: a first start (the window's welcome page)."""
    return catalog.is_empty(store)
