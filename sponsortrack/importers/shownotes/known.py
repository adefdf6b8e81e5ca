"""Known sponsors and the show itself: ``SponsorMatcher`` (names ignoring case, "The" and product words,
aliases, domains, promo URLs), known sponsors found by their links alone, and the show's own products
dropped from its sponsor list."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .entry import (
    _URL_RE,
    SOCIAL_DOMAINS,
    _domain_matches,
    _finish,
    _has_path,
    _host_of,
    _is_vanity,
    _normalize,
    _strip_url,
    _url_key,
    name_key,
)
from .model import MAX_BLURB, MAX_SPONSORS, RULE_KNOWN_DOMAIN, RULE_LINK, ParsedSponsor, _Found, _Line


def _with_known(items: list[ParsedSponsor], lines: list[_Line], known: SponsorMatcher,
                exclude: frozenset[str]) -> list[ParsedSponsor]:
    """Name link entries after the known sponsor their URL belongs to, and add known sponsors whose
    promo-style link is in the notes though their name is not ("linode.com/unplugged")."""
    out: list[ParsedSponsor] = []
    have: set[str] = set()
    for p in items:
        hit = known.match(p.name) or (known.match_url(p.promo_url) if p.promo_url else None)
        if hit is not None and p.rule == RULE_LINK and hit != p.name:
            p = dataclasses.replace(p, name=hit)  # a name read off a URL: the known sponsor's own name
        if hit is not None:
            have.add(name_key(hit))
        out.append(p)
    extra: list[ParsedSponsor] = []
    for ln in lines:
        if not ln.text or len(out) + len(extra) >= MAX_SPONSORS:
            continue
        urls = [h for _a, _b, h in ln.links]
        if "." in ln.text:
            urls += [_strip_url(m.group("url")) for m in _URL_RE.finditer(ln.text)]
        for u in urls:
            host = _host_of(u)
            if not host or _domain_matches(host, SOCIAL_DOMAINS) or (exclude and _domain_matches(host, exclude)):
                continue
            name = known.match_url(u)
            if name is None or name_key(name) in have or not (_is_vanity(u) or _url_key(u) in known._urls):
                continue
            norm = _normalize(u)
            if not norm:
                continue
            have.add(name_key(name))
            f = _Found(name, 0, ln.text, list(ln.links), [u], rule=RULE_KNOWN_DOMAIN, line=ln.src, trusted=True)
            code = _finish(f, exclude).promo_code
            extra.append(ParsedSponsor(name=name, blurb=re.sub(r"\s+", " ", ln.text).strip()[:MAX_BLURB],
                                       promo_url=norm, promo_url_raw=u, promo_code=code, rule=RULE_KNOWN_DOMAIN,
                                       line=ln.src))
    if extra:
        out = sorted(out + extra, key=lambda p: p.line or 0) if all(p.line for p in out) else out + extra
    return out


def _brand(host: str) -> str:
    labels = host.split(".")
    return labels[-2] if len(labels) >= 2 else host


def _drop_the_show_itself(items: list[ParsedSponsor], exclude: frozenset[str]) -> list[ParsedSponsor]:
    """The show's own products listed among its sponsors ("Talk Python Courses" at talkpython.fm/training
    next to talkpython.fm/sentry) are not sponsor reads. The show's redirect domain is a host that carries
    the promo links of two or more different sponsors (or one of ``exclude``); an entry named after it,
    linking to it, is the show's."""
    users: dict[str, set[str]] = {}
    slugs: dict[str, set[str]] = {}
    for p in items:
        if p.promo_url and _has_path(p.promo_url):
            users.setdefault(_host_of(p.promo_url), set()).add(name_key(p.name))
        if p.promo_url and (slug := _ref_slug(p.promo_url)):
            slugs.setdefault(slug, set()).add(name_key(p.name))
    show_hosts = {h for h, names in users.items() if len(names) >= 2} | set(exclude)
    # the show's ref slug: what two or more sponsors' promo URLs carry ("linode.com/changelog",
    # "fastly.com/?utm_source=changelog"); a host whose brand is that slug is the show's own
    show_brands = {slug for slug, names in slugs.items() if len(names) >= 2}
    if not show_hosts and not show_brands:
        return items
    out = []
    for p in items:
        host = _host_of(p.promo_url) if p.promo_url else ""
        brand = re.sub(r"[^a-z0-9]", "", _brand(host))
        if (host and len(brand) >= 4 and (_domain_matches(host, show_hosts) or brand in show_brands)
                and brand in re.sub(r"[^a-z0-9]", "", name_key(p.name))):
            continue
        out.append(p)
    return out


_UTM_SOURCE_RE = re.compile(r"[?&]utm_source=([A-Za-z0-9_-]{3,40})")


def _ref_slug(url: str) -> str | None:
    """The referrer a promo URL carries: its vanity path ("do.co/twit" -> "twit") or its utm_source."""
    if _is_vanity(url):
        return re.sub(r"[^a-z0-9]", "", url.rstrip("/").rsplit("/", 1)[-1].lower()) or None
    m = _UTM_SOURCE_RE.search(url)
    return re.sub(r"[^a-z0-9]", "", m.group(1).lower()) or None if m else None


def _named_after_an_excluded_host(f: _Found, exclude: frozenset[str]) -> bool:
    """An entry whose name link goes to the show's own site (``exclude``) and is named after it
    ("OurShow++" at ourshow.fm/++): the show's product, not a sponsor."""
    for href in f.name_links:
        host = _host_of(href)
        brand = re.sub(r"[^a-z0-9]", "", _brand(host)) if host else ""
        if (len(brand) >= 4 and _domain_matches(host, exclude)
                and brand in re.sub(r"[^a-z0-9]", "", name_key(f.name))):
            return True
    return False


def _fuzzy(by_key: dict[str, _Found], name: str, matcher: SponsorMatcher | None = None) -> _Found | None:
    matcher = matcher or SponsorMatcher(f.name for f in by_key.values())
    hit = matcher.match(name)
    return by_key.get(name_key(hit)) if hit else None

# --------------------------------------------------------------------------- matching

@dataclass(frozen=True, slots=True)
class NameMatch:
    parsed: str
    known: str | None  # the known sponsor's name, or None when new

    @property
    def is_new(self) -> bool:
        return self.known is None


class SponsorMatcher:
    """Match parsed sponsors to known ones: by name (case, a leading "The", trailing product words), by
    any of a sponsor's aliases, and by its domains or known promo URLs.

    >>> SponsorMatcher(["Brave", "DigitalOcean"]).match("The Brave Browser")
    'Brave'
    >>> m = SponsorMatcher()
    >>> m.add("DigitalOcean", domains=["digitalocean.com", "do.co"], aliases=["DO"])
    >>> m.match_url("https://do.co/twit"), m.match("do")
    ('DigitalOcean', 'DigitalOcean')
    """

    def __init__(self, known: Iterable[str] = ()):
        self._exact: dict[str, str] = {}
        self._squashed: dict[str, str] = {}
        # known names by each leading run of their key's words: ("brave",) and ("brave", "browser")
        self._by_prefix: dict[tuple[str, ...], list[str]] = {}
        self._domains: dict[str, str] = {}  # "do.co" -> "DigitalOcean"
        self._urls: dict[str, str] = {}  # "pythonbytes.fm/sentry" -> "Sentry" (a campaign's promo URL)
        for name in known:
            self.add(name)

    def add(self, name: str, *, domains: Iterable[str] = (), aliases: Iterable[str] = (),
            urls: Iterable[str] = ()) -> None:
        if not name or not name.strip():
            return
        for spelling in (name, *aliases):
            self._index(spelling, name)
        for d in domains:
            host = _host_of(str(d)) if d else ""
            if host:
                self._domains.setdefault(host, name)
        for u in urls:
            key = _url_key(str(u)) if u else ""
            if key and "/" in key:
                self._urls.setdefault(key, name)

    def _index(self, spelling: str, name: str) -> None:
        if not spelling or not spelling.strip():
            return
        key = name_key(spelling)
        if not key:
            return
        if key not in self._exact:
            self._exact[key] = name
            words = key.split()
            for n in range(1, len(words) + 1):
                self._by_prefix.setdefault(tuple(words[:n]), []).append(name)
        self._squashed.setdefault(key.replace(" ", ""), name)

    def match_url(self, url: str | None) -> str | None:
        """The known sponsor a promo URL belongs to: one of its known promo URLs, else its domains."""
        if not url:
            return None
        key = _url_key(url)
        if key in self._urls:
            return self._urls[key]
        labels = _host_of(url).split(".")
        for i in range(len(labels) - 1):
            hit = self._domains.get(".".join(labels[i:]))
            if hit:
                return hit
        return None

    def match_sponsor(self, name: str, url: str | None = None) -> str | None:
        """By name or alias first, then by the promo URL's domain."""
        return self.match(name) or self.match_url(url)

    def match(self, name: str) -> str | None:
        key = name_key(name or "")
        if not key:
            return None
        if key in self._exact:
            return self._exact[key]
        if key.replace(" ", "") in self._squashed:
            return self._squashed[key.replace(" ", "")]
        words = key.split()
        # "brave browser" -> "brave": drop trailing words
        for n in range(len(words) - 1, 0, -1):
            prefix = " ".join(words[:n])
            hit = self._exact.get(prefix) or self._squashed.get(prefix.replace(" ", ""))
            if hit:
                return hit
        # known "Brave Browser", parsed "Brave": the known name starts with the parsed one
        candidates = self._by_prefix.get(tuple(words), [])
        if len(set(candidates)) == 1:
            return candidates[0]
        return None

    def classify(self, names: Iterable[str]) -> list[NameMatch]:
        return [NameMatch(n, self.match(n)) for n in names]
