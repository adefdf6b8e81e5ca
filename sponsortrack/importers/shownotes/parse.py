"""The reader's phases in order: text to lines (``lines``), one walk over the lines (``reader``:
sponsor sections and their entries, named headings, sponsor sentences, chapter lines), sponsor
chapters (``chapters``), one sponsor per name (merge), each read finished into a ``ParsedSponsor``
(``entry``: name, promo URL, code, offer), the show's own products dropped and known sponsors matched
(``known``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .chapters import _chapter_sponsors
from .entry import _finish, _host_of, name_key
from .known import SponsorMatcher, _drop_the_show_itself, _fuzzy, _with_known
from .lines import _to_lines
from .model import MAX_BLURB, MAX_INPUT, MAX_SPONSORS, SOURCE_SECTION, SOURCE_SENTENCE, ParsedSponsor, _Found
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
    lines = _to_lines(notes)
    reader = _Reader(lines)
    reader.read()
    merged, by_key = _merge(reader.found)
    merged = _with_chapters(merged, by_key, _chapter_sponsors(reader.chapters, lines))
    results = _drop_the_show_itself([_finish(f, exclude) for f in merged[:MAX_SPONSORS]], exclude)
    if known is not None:
        results = _with_known(results, lines, known, exclude)
    return results


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
