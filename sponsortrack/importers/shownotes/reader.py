"""Phase 2: walk the lines once, in order, and collect what each kind of line says.

A sponsor heading opens a section whose entries follow the list structure the notes use
(``sections``); a heading that names one sponsor opens its read; another heading closes a section
(and a credits/transcript heading is skipped whole); chapter lines are kept for ``chapters``; every
other line joins the current paragraph, read for sponsor sentences (``sentences``) when it ends.
"""

from __future__ import annotations

import re

from .chapters import _chapter
from .entry import _clean_name
from .model import MAX_BLURB, RULE_NAMED_HEADING, _Found, _Line
from .sections import (
    _OTHER_SECTION_SKIP_RE,
    _entry_from_line,
    _heading_text,
    _link_row,
    _loose_sponsor_heading,
    _named_heading,
    _other_heading,
    _sponsor_heading,
)
from .sentences import _READ_PARAGRAPHS, _continue_read, _needs_url, _sentence_sponsors


def _add_text(f: _Found, ln: _Line, start: int = 0) -> None:
    """Append a line (from ``start``) to a found sponsor's read, its links shifted to match."""
    if len(f.blurb) >= MAX_BLURB:
        return
    piece = ln.text[start:]
    off = len(f.blurb) + (1 if f.blurb else 0) - start
    f.blurb = f"{f.blurb} {piece}" if f.blurb else piece
    f.links.extend((a + off, b + off, h) for a, b, h in ln.links if a >= start)


class _Reader:
    """One pass over the lines. ``found`` gets sponsors from sections, named headings and sentences in
    the order they are seen; ``chapters`` gets (line index, seconds, title) of every chapter line."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.found: list[_Found] = []
        self.chapters: list[tuple[int, int, str]] = []
        self.in_section = False
        self.skip_section = False
        self.current: _Found | None = None  # the section entry the next lines may continue
        self.blank_since_entry = False
        self.non_entries = 0
        self.paragraph: list[tuple[int, _Line]] = []
        self.named: _Found | None = None  # the sponsor a heading named ("## Sentry - Sponsor"): its read follows
        self.named_gap = False  # a blank line after the named sponsor's text: what comes next is not its read
        # sponsor sentences whose read gave no URL yet, with how many more paragraphs it may go on for
        self.open_reads: list[tuple[_Found, int]] = []
        self.heading_named = False  # the section's heading named its one sponsor, whose read is still to come
        self.one_sponsor = False  # the section's heading named its one sponsor: the section ends with its read
        self.section_no = 0  # which sponsor section the entries found now are in (1, 2, ...)

    def read(self) -> None:
        for idx, line in enumerate(self.lines):
            self._line(idx, line)
        self._flush_paragraph()

    def _line(self, idx: int, line: _Line) -> None:
        if line.blank:
            self._blank()
            return
        ch = _chapter(line.text)
        if ch is not None:
            self._flush_paragraph()
            self.chapters.append((idx, ch[0], ch[1]))
            return
        nh = _named_heading(line)
        if nh is not None:
            self._open_named(idx, line, *nh)
            return
        is_sponsor, inline = _sponsor_heading(line)
        if not is_sponsor and _loose_sponsor_heading(line):
            is_sponsor, inline = True, ""
        if is_sponsor:
            self._open_section(idx, line, inline)
            return
        if _other_heading(line):
            self._close_section(line)
            return
        if self.named is not None:
            if not self.named_gap:
                _add_text(self.named, line)
                return
            self.named = None
        if self.in_section and self._section_line(idx, line):
            return
        if self.skip_section:
            return
        self.paragraph.append((idx, line))
        if line.bullet or line.heading:
            self._flush_paragraph()

    def _blank(self) -> None:
        self._flush_paragraph()
        if self.current is not None:
            self.blank_since_entry = True
        if self.named is not None and self.named.blurb:
            self.named_gap = True

    def _open_named(self, idx: int, line: _Line, name: str, rest_at: int) -> None:
        self._flush_paragraph()
        self.open_reads = []
        named = _Found(name, idx * 10_000, rule=RULE_NAMED_HEADING, line=line.src, trusted=True)
        if rest_at < len(line.text):
            _add_text(named, line, rest_at)
        self.found.append(named)
        self.named, self.named_gap = named, False
        self.in_section, self.skip_section, self.current = False, False, None

    def _open_section(self, idx: int, line: _Line, inline: str) -> None:
        """A sponsor heading; ``inline`` is what follows it on the same line ("Sponsors: A, B and C")."""
        self.named = None
        self._flush_paragraph()
        self.in_section, self.skip_section = True, False
        self.section_no += 1
        self.open_reads = []
        self.current, self.blank_since_entry, self.non_entries = None, False, 0
        self.heading_named = self.one_sponsor = False
        if not inline:
            return
        shift = len(line.text) - len(inline)
        sub = _Line(inline, [(max(0, a - shift), max(0, b - shift), h) for a, b, h in line.links], src=line.src)
        entry = _entry_from_line(sub, idx * 10_000, in_section=True)
        if entry is not None and (entry.blurb or not re.search(r",|\band\b|&", inline)):
            entry.section = self.section_no
            self.found.append(entry)
            self.current = entry
            # "Sponsor: Magic Mind" as a paragraph of its own: like a heading that names the sponsor,
            # its read is the next paragraph, past the blank line between them
            self.heading_named = self.one_sponsor = not entry.blurb
            return
        for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", inline):
            nm = _clean_name(part)
            if nm:
                self.found.append(_Found(nm, idx * 10_000 + len(self.found), line=line.src))
        self.in_section = True

    def _close_section(self, line: _Line) -> None:
        self._flush_paragraph()
        self.open_reads = []
        self.named = None
        self.in_section = False
        self.skip_section = bool(_OTHER_SECTION_SKIP_RE.match(_heading_text(line)))
        self.current = None

    def _section_line(self, idx: int, line: _Line) -> bool:
        """A line inside a sponsor section: a new entry, or more of the current one. False when the
        section has ended here (the line is then read as ordinary text)."""
        current = self.current
        if self.one_sponsor and self.blank_since_entry and current is not None and current.blurb:
            # the heading named the section's one sponsor and its read is over: so is the section
            self.in_section, self.current, self.one_sponsor = False, None, False
            return False
        heading_named, self.heading_named = self.heading_named, False
        if (current is not None and (not self.blank_since_entry or heading_named) and not line.bullet
                and (not current.blurb or current.blurb.rstrip().endswith(":"))):
            # "**Name**" on one line, its blurb on the next; or an entry ending "...analyzers:" and its link
            off = len(current.blurb) + (1 if current.blurb else 0)
            current.blurb = (current.blurb + " " + line.text).strip()
            current.links.extend((a + off, b + off, h) for a, b, h in line.links)
            return True
        row = _link_row(line, idx * 10_000)
        if row:
            for f in row:
                f.section = self.section_no
            self.found.extend(row)
            self.current, self.blank_since_entry, self.non_entries = row[-1], False, 0
            return True
        entry = _entry_from_line(line, idx * 10_000, in_section=True)
        if entry is not None:
            entry.section = self.section_no
            self.found.append(entry)
            self.current, self.blank_since_entry, self.non_entries = entry, False, 0
            return True
        if current is not None and not self.blank_since_entry:
            if len(current.blurb) < MAX_BLURB:
                off = len(current.blurb) + 1
                current.blurb = current.blurb + " " + line.text
                current.links.extend((a + off, b + off, h) for a, b, h in line.links)
            return True
        self.non_entries += 1
        if current is not None or self.non_entries > 3:
            self.in_section = False
            self.current = None
            return False
        return True

    def _flush_paragraph(self) -> None:
        paragraph = self.paragraph
        if not paragraph:
            return
        parts: list[str] = []
        links: list[tuple[int, int, str]] = []
        length = 0
        for _, ln in paragraph:
            if parts:
                parts.append(" ")
                length += 1
            links.extend((a + length, b + length, h) for a, b, h in ln.links)
            parts.append(ln.text)
            length += len(ln.text)
        joined = "".join(parts)
        starts, srcs, length = [], [], 0
        for _, ln in paragraph:
            starts.append(length)
            srcs.append(ln.src)
            length += len(ln.text) + 1
        pos = paragraph[0][0] * 10_000
        new = _sentence_sponsors(joined, links, pos, (starts, srcs))
        if self.open_reads:
            limit = min((f.pos - pos for f in new), default=len(joined))
            still = []
            for f, left in self.open_reads:
                went_on = _continue_read(f, joined, links, limit)
                if went_on is None and left > 1 and not new:
                    still.append((f, left - 1))
            self.open_reads = still
        self.found.extend(new)
        self.open_reads.extend((f, _READ_PARAGRAPHS) for f in new[:8] if _needs_url(f))
        paragraph.clear()
