"""A sponsor's aliases: the other names it goes by in show notes ("DO", "Digital Ocean" for DigitalOcean).

An alias is one line of at most ``MAX_ALIAS`` characters; its normalised form (``store.catalog.alias_key``)
names one sponsor only: it may not be another sponsor's name or alias, nor its own sponsor's name. Every
problem is one line naming the field ``alias``. Show-notes import, RSS import and reconciliation match a
sponsor by its aliases (``services.imports.matching.Sponsors``); ``catalog.resolve_sponsor`` takes one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sponsortrack import validation as v
from sponsortrack.errors import NotFoundError, ValidationError
from sponsortrack.store import Store, catalog
from sponsortrack.store.models import Sponsor

MAX_ALIAS = 100
FIELD = "alias"


def _sponsor(store: Store, sponsor_id: int) -> Sponsor:
    sp = catalog.get_sponsor(store, sponsor_id)
    if sp is None:
        raise NotFoundError("sponsor", f"no sponsor with id {sponsor_id}")
    return sp


def clean_alias(store: Store, sponsor_id: int, value: object, *, taken: Iterable[str] = ()) -> str:
    """The alias, trimmed, or a one-line ``alias: ...`` ValidationError: empty, too long, more than one
    line, no letters or digits, the sponsor's own name, or already another sponsor's name or alias.
    ``taken``: keys of aliases given beside it (a list typed in a form), so a repeat is refused."""
    if value is None or not str(value).strip():
        raise ValidationError(FIELD, "is empty")
    text = " ".join(str(value).split()) if "\n" not in str(value) and "\r" not in str(value) else None
    if text is None:
        raise ValidationError(FIELD, "must be a single line")
    if len(text) > MAX_ALIAS:
        raise ValidationError(FIELD, f"{text[:20]!r}… is longer than {MAX_ALIAS} characters")
    key = catalog.alias_key(text)
    if not key:
        raise ValidationError(FIELD, f"{text!r} has no letters or digits")
    if key in set(taken):
        raise ValidationError(FIELD, f"{text!r} is given twice")
    own = _sponsor(store, sponsor_id)
    for sp in catalog.list_sponsors(store):
        if catalog.alias_key(sp.name) == key:
            if sp.id == sponsor_id:
                raise ValidationError(FIELD, f"{text!r} is the sponsor's own name")
            raise ValidationError(FIELD, f"{text!r} is the name of sponsor {sp.name}")
    hit = catalog.alias_owner(store, key)
    if hit is not None:
        whose = "already an alias of" if hit["sponsor_id"] == own.id else "an alias of sponsor"
        raise ValidationError(FIELD, f"{text!r} is {whose} {hit['sponsor_name']} (as {hit['alias']!r})")
    return text


def list_aliases(store: Store, sponsor_id: int) -> list[str]:
    """The sponsor's aliases, oldest first."""
    _sponsor(store, sponsor_id)
    return [r["alias"] for r in catalog.sponsor_aliases(store, sponsor_id)]


def add_alias(store: Store, sponsor_id: int, alias: object) -> str:
    """Give the sponsor one more alias; returns it as stored."""
    with store.write():
        text = clean_alias(store, sponsor_id, alias)
        catalog.insert_alias(store, sponsor_id, text)
    return text


def remove_alias(store: Store, sponsor_id: int, alias: object) -> str:
    """Take an alias (matched by its normalised form) off the sponsor; returns it as it was stored."""
    text = v.text(alias, FIELD, max_len=v.MAX_NAME) or ""
    if not text.strip():
        raise ValidationError(FIELD, "is empty")
    sp = _sponsor(store, sponsor_id)
    key = catalog.alias_key(text)
    for r in catalog.sponsor_aliases(store, sponsor_id):
        if r["alias_key"] == key:
            catalog.delete_alias(store, r["id"])
            return str(r["alias"])
    raise ValidationError(FIELD, f"{text!r} is not an alias of {sp.name}")


def parse_aliases(value: object) -> list[str]:
    """A comma-separated list (a form's "Also known as", ``--aliases``) or a list, as separate aliases."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [str(x) for x in value]  # type: ignore[attr-defined]
    return [" ".join(x.split()) for x in items if x.strip()]


def set_aliases(store: Store, sponsor_id: int, value: object) -> list[str]:
    """Make the sponsor's aliases exactly ``value`` (a list or comma-separated text): aliases kept keep
    their rows, new ones are checked and added, missing ones removed; all or nothing."""
    wanted = parse_aliases(value)
    with store.write():
        current = {r["alias_key"]: r for r in catalog.sponsor_aliases(store, sponsor_id)}
        keep = {catalog.alias_key(a) for a in wanted} & set(current)
        for key, r in current.items():
            if key not in keep:
                catalog.delete_alias(store, r["id"])
        seen: list[str] = []
        for a in wanted:
            key = catalog.alias_key(a)
            if key in keep and key not in seen:
                seen.append(key)
                continue
            text = clean_alias(store, sponsor_id, a, taken=seen)
            seen.append(key)
            catalog.insert_alias(store, sponsor_id, text)
    return list_aliases(store, sponsor_id)


def find_by_alias(store: Store, alias: str) -> Sponsor | None:
    """The sponsor that goes by this alias (by its normalised form), if any."""
    key = catalog.alias_key(alias or "")
    hit = catalog.alias_owner(store, key) if key else None
    return catalog.get_sponsor(store, hit["sponsor_id"]) if hit else None
