"""The reader's phases in order: text to lines (``lines``), one walk over the lines (``reader``:
sponsor sections and their entries, named headings, sponsor sentences, chapter lines), sponsor
chapters (``chapters``), one sponsor per name (merge), each read finished into a ``ParsedSponsor``
(``entry``: name, promo URL, code, offer), the show's own products dropped and known sponsors matched
(``known``)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from .chapters import _chapter_sponsors
from .entry import _finish, _host_matches_name, _host_of, _url_key, name_key
from .known import SponsorMatcher, _drop_the_show_itself, _fuzzy, _named_after_an_excluded_host, _with_known
from .lines import _to_lines
from .model import (
    MAX_BLURB,
    MAX_INPUT,
    MAX_SPONSORS,
    SOURCE_SECTION,
    SOURCE_SENTENCE,
    ParsedSponsor,
    _Found,
    _Line,
)
from .reader import _Reader


def parse_show_notes(text: str | bytes | None, *, exclude_domains: Iterable[str] = (),
                     known: SponsorMatcher | None = None) -> list[ParsedSponsor]:
    """Sponsors found in show notes, in order of appearance. Never raises on any input.

    ``exclude_domains`` are the show's own sites (never a promo URL, except a redirect path that names
    the sponsor, "pythonbytes.fm/sentry"). ``known`` recognises sponsors already in the database: a link
    entry named only by its URL takes the known sponsor's name, and a promo-style link to a known
    sponsor's domain or promo URL is a sponsor even where the notes never spell its name."""
    try:
        return _parse(text, exclude_domains, known)
    except RecursionError:  # pragma: no cover - defensive: the parser is iterative
        return []


def _as_text(text: object) -> str | None:
    """The notes as a string of at most MAX_INPUT characters, or None when there is nothing to read."""
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = str(text)
    text = text[:MAX_INPUT]
    return text if text.strip() else None


def _parse(text: str | bytes | None, exclude_domains: Iterable[str],
           known: SponsorMatcher | None = None) -> list[ParsedSponsor]:
    notes = _as_text(text)
    if notes is None:
        return []
    exclude = frozenset(h for d in exclude_domains if d and (h := _host_of(str(d))))
    exclude |= _payment_hosts(notes)
    lines = _to_lines(notes)
    reader = _Reader(lines)
    reader.read()
    merged, by_key = _merge(_more_of_an_earlier_sponsor(reader.found))
    merged = _with_chapters(merged, by_key, _chapter_sponsors(reader.chapters, lines))
    if exclude:
        merged = [f for f in merged if not _named_after_an_excluded_host(f, exclude)]
    results = _drop_the_show_itself([_finish(f, exclude) for f in merged[:MAX_SPONSORS]], exclude)
    results = _codes_by_promo_links(results, lines)
    if known is not None:
        results = _with_known(results, lines, known, exclude)
    return results


def _codes_by_promo_links(results: list[ParsedSponsor], lines: list[_Line]) -> list[ParsedSponsor]:
    """A sponsor whose read gave no code takes the code written on, or just below, another link to its
    exact promo URL: a banner (``<a href=linode.com/pod><img alt=...></a>``) over "Use the promo code
    pod10"."""
    wanting = {_url_key(p.promo_url): i for i, p in enumerate(results) if p.promo_url and not p.promo_code}
    if not wanting:
        return results
    out = list(results)
    texts = [ln for ln in lines if not ln.blank]
    for n, ln in enumerate(texts):
        for a, b, href in ln.links[:50]:
            i = wanting.get(_url_key(href))
            if i is None or re.sub(r"\s+", " ", ln.text) in out[i].blurb:
                continue  # not another link: the sponsor's own entry line
            # the line itself; when the link is the whole line (a banner), the line below it too, unless
            # that line has links of its own (the next entry of a list)
            below = texts[n + 1] if n + 1 < len(texts) and a == 0 and b >= len(ln.text) else None
            near = (ln.text + (" " + below.text if below is not None and not below.links else ""))[:2000]
            code = _finish(_Found(out[i].name, 0, near), frozenset()).promo_code
            if code:
                out[i] = dataclasses.replace(out[i], promo_code=code)
                del wanting[_url_key(href)]
            break
        if not wanting:
            break
    return out


_A_TAG_RE = re.compile(r"<a\s[^<>]{0,2000}>", re.I)
_REL_PAYMENT_RE = re.compile(r"""\brel\s*=\s*["']?[^"'<>]{0,200}?\bpayment\b""", re.I)
_HREF_RE = re.compile(r"""\bhref\s*=\s*["']?([^"'\s<>]{1,2000})""", re.I)


def _payment_hosts(notes: str) -> frozenset[str]:
    """Hosts of links marked ``rel="payment"``: in HTML that marks the page owner's own funding link (the
    show's membership, its Patreon), so the host is the show's own, like ``exclude_domains``."""
    if "payment" not in notes:
        return frozenset()
    hosts = set()
    for m in _A_TAG_RE.finditer(notes):
        tag = m.group(0)
        if _REL_PAYMENT_RE.search(tag) and (href := _HREF_RE.search(tag)) and (host := _host_of(href.group(1))):
            hosts.add(host)
    return frozenset(hosts)


def _more_of_an_earlier_sponsor(found: list[_Found]) -> list[_Found]:
    """A sponsor-section entry not named after its links' host, whose links all go to the site of one
    sponsor listed earlier in the same section, is more of that sponsor's read (an article on its blog
    under "C++ tools evolution: static code analyzers:"), not a sponsor of its own."""
    found.sort(key=lambda f: f.pos)
    owner: dict[tuple[int, str], str] = {}  # (section, host) -> the entry's name whose site it is
    out: list[_Found] = []
    for f in found:
        if f.section:
            hosts = {h for _a, _b, href in f.links if (h := _host_of(href))}
            hosts.update(h for href in f.name_links if (h := _host_of(href)))
            mine = {h for h in hosts if _host_matches_name(h, f.name)}
            if hosts and not mine and len({owner.get((f.section, h)) for h in hosts} - {None}) == 1 and all(
                    (f.section, h) in owner for h in hosts):
                continue
            for h in mine:
                owner.setdefault((f.section, h), f.name)
        out.append(f)
    return out


def _merge(found: list[_Found]) -> tuple[list[_Found], dict[str, _Found]]:
    """One entry per sponsor (the same sponsor in a section and in a sentence), in document order; the
    section's spelling wins over a sentence's, and their texts are joined."""
    found.sort(key=lambda f: f.pos)
    merged: list[_Found] = []
    by_key: dict[str, _Found] = {}
    for f in found:
        key = name_key(f.name)
        if key in by_key:
            prev = by_key[key]
            if f.source == SOURCE_SECTION and prev.source == SOURCE_SENTENCE:
                prev.name, prev.source = f.name, f.source
            if f.blurb and len(prev.blurb) < MAX_BLURB and f.blurb not in prev.blurb:
                off = len(prev.blurb) + 1
                prev.blurb = (prev.blurb + " " + f.blurb).strip()
                prev.links.extend((a + off, b + off, h) for a, b, h in f.links)
            prev.name_links.extend(f.name_links)
            continue
        by_key[key] = f
        merged.append(f)
    return merged, by_key


def _with_chapters(merged: list[_Found], by_key: dict[str, _Found], chapter_found: list[_Found]) -> list[_Found]:
    """Sponsor chapters give the sponsors found elsewhere their start and length; a second chapter of
    one sponsor is a second read; a chapter of a sponsor not found elsewhere is one of its own."""
    extra: list[_Found] = []
    matcher = SponsorMatcher(f.name for f in by_key.values())  # grows with by_key, never rebuilt
    for c in chapter_found:
        target = by_key.get(name_key(c.name)) or _fuzzy(by_key, c.name, matcher)
        if target is not None and target.start is None:
            target.start, target.length = c.start, c.length
            target.pos = min(target.pos, c.pos)
            if c.blurb and c.blurb not in target.blurb:
                target.blurb = (target.blurb + " " + c.blurb).strip()
        elif target is not None:
            extra.append(dataclasses.replace(target, pos=c.pos, start=c.start, length=c.length,
                                             links=list(target.links), name_links=list(target.name_links)))
        else:
            by_key[name_key(c.name)] = c
            matcher.add(c.name)
            extra.append(c)
    merged.extend(extra)
    merged.sort(key=lambda f: f.pos)
    return merged
