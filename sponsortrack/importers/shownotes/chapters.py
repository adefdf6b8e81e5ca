"""Chapter lines ("12:34 Sponsor: Name"): which lines are chapters, and the sponsor chapters with their
start and length."""

from __future__ import annotations

import re

from .entry import _clean_name
from .model import RULE_CHAPTER, SOURCE_CHAPTER, _Found, _Line

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d{1,3})?"
_CHAPTER_LEAD_RE = re.compile(r"^[\[(]?(?P<ts>" + _TS + r")[\])]?\s*(?:[-–—:|]\s*)?(?P<title>\S.{0,200})$")
_CHAPTER_TAIL_RE = re.compile(r"^(?P<title>.{1,200}?)\s*[-–—|]?\s*[\[(]?(?P<ts>" + _TS + r")[\])]?$")
_SPONSOR_CHAPTER_RE = re.compile(
    r"^(?i:[(\[]\s*(?:sponsor|sponsored|ad)\s*[)\]]|sponsor(?:ed\s+by)?|sponsor\s+(?:break|read|segment|spot)|ad(?:\s+(?:break|read))?|"
    r"a\s+word\s+from\s+our\s+sponsors?|(?:mid|pre|post)[\s-]?roll(?:\s+sponsor)?|our\s+sponsor)"
    r"\s*(?:[:–—-]|\s)\s*(?P<name>.{1,80})$"
)
_SPONSOR_CHAPTER_TAIL_RE = re.compile(r"^(?P<name>.{1,80}?)\s*[(\[](?i:sponsor|ad)[)\]]$")


def _seconds(ts: str) -> int:
    parts = ts.split(".")[0].split(":")
    total = 0
    for p in parts:
        total = total * 60 + int(p)
    return total


_TS_HINT_RE = re.compile(r"\d:\d\d")


def _chapter(text: str) -> tuple[int, str] | None:
    if len(text) > 220 or ":" not in text or not _TS_HINT_RE.search(text):
        return None
    m = _CHAPTER_LEAD_RE.match(text) or _CHAPTER_TAIL_RE.match(text)
    if not m:
        return None
    ts = m.group("ts")
    parts = ts.split(".")[0].split(":")
    if any(int(p) >= 60 for p in parts[1:]):
        return None
    return _seconds(ts), m.group("title").strip()


def _chapter_sponsors(chapters: list[tuple[int, int, str]], lines: list[_Line]) -> list[_Found]:
    """Chapters titled "Sponsor: Name" (or "Name (sponsor)"): the start is the chapter's, the length
    runs to the next chapter that starts later."""
    found: list[_Found] = []
    # the first later chapter that starts after each one, in one backward pass (a monotonic stack)
    next_start: list[int | None] = [None] * len(chapters)
    later: list[int] = []
    for i in range(len(chapters) - 1, -1, -1):
        while later and later[-1] <= chapters[i][1]:
            later.pop()
        next_start[i] = later[-1] if later else None
        later.append(chapters[i][1])
    for i, (idx, start, title) in enumerate(chapters):
        m = _SPONSOR_CHAPTER_RE.match(title) or _SPONSOR_CHAPTER_TAIL_RE.match(title)
        if not m:
            continue
        parts = re.split(r"\s+[–—-]\s+|\s*[–—]\s*|:\s+", m.group("name"), maxsplit=1)
        chapter_name = _clean_name(parts[0])
        if not chapter_name:
            continue
        blurb = parts[1] if len(parts) > 1 else ""
        nxt = next_start[i]
        length = None if nxt is None else nxt - start
        found.append(_Found(chapter_name, idx * 10_000, blurb, [], [], SOURCE_CHAPTER, start, length,
                            rule=RULE_CHAPTER, line=lines[idx].src))
    return found
