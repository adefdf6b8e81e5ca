"""What the phases share: limits, rule names, the result (``ParsedSponsor``), a line of notes (``_Line``) and a
sponsor while it is being read (``_Found``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

MAX_INPUT = 400_000  # characters; show notes are a few kilobytes, anything past this is ignored
MAX_SPONSORS = 50
MAX_BLURB = 10_000  # characters gathered for one sponsor; past this more text is not added (stays linear)

SOURCE_SECTION = "section"
SOURCE_SENTENCE = "sentence"
SOURCE_CHAPTER = "chapter"

RULE_SECTION = "section"
RULE_LINK = "section-link"
RULE_NAMED_HEADING = "named-heading"
RULE_SENTENCE = "sentence"
RULE_CHAPTER = "chapter"
RULE_KNOWN_DOMAIN = "known-domain"
RULES = {
    RULE_SECTION: "listed under a sponsor heading",
    RULE_LINK: "a link listed under a sponsor heading",
    RULE_NAMED_HEADING: "a heading that names the sponsor",
    RULE_SENTENCE: "a sponsor sentence",
    RULE_CHAPTER: "a sponsor chapter",
    RULE_KNOWN_DOMAIN: "a link to a known sponsor's domain",
}


@dataclass(frozen=True, slots=True)
class ParsedSponsor:
    """One sponsor (read) found in show notes."""

    name: str
    blurb: str = ""
    promo_url: str | None = None  # normalized: "https://do.co/changelog"
    promo_url_raw: str | None = None  # as written: "do.co/changelog"
    promo_code: str | None = None
    offer: str | None = None  # "$50 credit"
    start_seconds: int | None = None  # from chapter lines
    length_seconds: int | None = None
    source: str = SOURCE_SECTION  # section | sentence | chapter
    rule: str = RULE_SECTION  # which rule found it (RULES says what each means)
    line: int = 0  # the 1-based line of the notes it was found on (0: unknown)

    @property
    def why(self) -> str:
        """Why it was found, for the import preview: "listed under a sponsor heading (line 14)"."""
        where = f" (line {self.line})" if self.line else ""
        return f"{RULES.get(self.rule, self.rule)}{where}"

    def to_dict(self) -> dict[str, object]:
        d = dataclasses.asdict(self)
        d["why"] = self.why
        return d


# --------------------------------------------------------------------------- lines

@dataclass(slots=True)
class _Line:
    text: str
    links: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, href) in text
    heading: bool = False  # Markdown "#", HTML <h1-6>, or a line entirely in bold
    bullet: bool = False
    bold: bool = False  # the line is entirely in bold (a heading, or a sponsor's name)
    src: int = 0  # 1-based line of the input where this line starts (0: unknown)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())



@dataclass(slots=True)
class _Found:
    name: str
    pos: int  # position in document order (line index * 10_000 + offset)
    blurb: str = ""
    links: list[tuple[int, int, str]] = field(default_factory=list)  # links in blurb (offsets in blurb)
    name_links: list[str] = field(default_factory=list)
    source: str = SOURCE_SECTION
    start: int | None = None
    length: int | None = None
    rule: str = RULE_SECTION
    line: int = 0
    trusted: bool = False  # structure says it is a sponsor entry: its first link is its promo URL
    section: int = 0  # the sponsor section (1, 2, ...) it is an entry of; 0: not a section entry
