"""Locating sponsor sections and splitting their entries: sponsor headings in their many wordings (and the
headings that end a section), headings that name one sponsor ("## LogRocket - Sponsor"), and the entry
shapes of a list (``Name: URL``, ``Name – blurb``, ``[Name](url)``, a row of links, a link alone)."""

from __future__ import annotations

import re

from .entry import (
    _ANCHOR_CUE_RE,
    _NAME_CODE_TAIL_RE,
    _URL_RE,
    SOCIAL_DOMAINS,
    _clean_name,
    _domain_matches,
    _host_of,
    _name_from_url,
    _strip_url,
    name_key,
)
from .model import RULE_LINK, _Found, _Line, _words

_ENTRY_RE = re.compile(r"^(?P<name>\S.{0,79}?)(?:\s+[–—-]+\s+|\s*[–—]\s*|\s*:\s+|\s+\|\s+)(?P<rest>.*)$")


def _entry_from_line(line: _Line, pos: int, *, in_section: bool) -> _Found | None:
    text = line.text
    m = _ENTRY_RE.match(text)
    name = _clean_name(m.group("name")) if m else None
    if m and name is None and not (in_section and _URL_RE.match(text)):
        return None
    if m and name is not None and in_section and line.links and _URL_RE.fullmatch(m.group("name").strip(" *_`[]()")):
        # the "name" is the linked URL itself ("www.stamps.com - promo code: TWIT"): a link entry
        linked = _link_entry(line, pos)
        if linked is not None and name_key(linked.name) == name_key(name):
            return linked
        # else the domain is the brand's name ("Fly.io – ... check out <a>the speedrun</a>"): a named entry
    if m and name is not None:
        rest_start = m.start("rest")
        name_end = m.end("name")
        name_links = [h for a, b, h in line.links if a < name_end and b > 0]
        links = [(a - rest_start, b - rest_start, h) for a, b, h in line.links if a >= rest_start]
        if _NAME_CODE_TAIL_RE.search(m.group("name")):  # "Squarespace (code ATP) – ...": keep the code
            return _Found(name, pos, text, list(line.links), name_links, line=line.src, trusted=in_section)
        return _Found(name, pos, m.group("rest"), links, name_links, line=line.src, trusted=in_section)
    if not in_section:
        return None
    linked = _link_entry(line, pos)
    if linked is not None:
        return linked
    # a line that is only a name, e.g. "**Linode**" with its blurb on the next line
    if len(text) > 80 or re.search(r"[.!?](?:\s|$)", text.rstrip(".")) or _headingish(text):
        return None
    name = _clean_name(text)
    if name is None:
        return None
    return _Found(name, pos, "", [], [h for _, _, h in line.links], line=line.src, trusted=True)


def _link_row(line: _Line, pos: int) -> list[_Found]:
    """A line of a sponsor list that is only links side by side (logos in a row): one entry per link."""
    if len(line.links) < 2:
        return []
    spans = sorted((a, b) for a, b, _h in line.links)
    gaps, at = [], 0
    for a, b in spans:  # the text between the links, in one pass
        gaps.append(line.text[at:max(at, a)])
        at = max(at, b)
    gaps.append(line.text[at:])
    if "".join(gaps).strip(" |,•·-–—"):
        return []
    out = []
    for k, (a, b, href) in enumerate(sorted(line.links)):
        # "iXsystems - Enterprise Servers and Storage": the name is what comes before a tagline
        head = re.split(r"\s+[-–—|:]\s+", line.text[a:b].strip(), maxsplit=1)[0]
        sub = _Line(head, [(0, len(head), href)], src=line.src)
        f = _link_entry(sub, pos + k)
        if f is not None:
            f.blurb = line.text[a:b]
            f.links = [(0, b - a, href)]
            out.append(f)
    return out


def _link_entry(line: _Line, pos: int) -> _Found | None:
    """An entry of a sponsor list that is a link: the URL is the identification ("capterra.com/twit",
    "itpro.tv/twit promo code TWIT30"), or the link's text is the sponsor's name ("Go to <a>Belay
    Solutions</a> or text ENTRE", "Use code entre15 ... of <a>Trainual</a>")."""
    text = line.text
    m = _URL_RE.match(text)
    if m:
        raw = _strip_url(m.group("url"))
        href = next((h for a, b, h in line.links if a <= m.start() < b), raw)
        rest = text[m.start() + len(raw):]
        host = _host_of(href)
        if (host and not _domain_matches(host, SOCIAL_DOMAINS) and len(rest) <= 80
                and not re.search(r"[.!?]\s+\S", rest)):
            name = _name_from_url(raw) or _name_from_url(href)
            if name:
                return _Found(name, pos, text, list(line.links), [href], rule=RULE_LINK, line=line.src,
                              trusted=True)
    for a, b, href in line.links:
        label = text[a:b].strip()
        host = _host_of(href)
        if (not label or not host or _domain_matches(host, SOCIAL_DOMAINS) or _URL_RE.fullmatch(label)
                or _ANCHOR_CUE_RE.match(label)):
            continue
        name = _clean_name(label)
        if name and len(name.split()) <= 5 and not _headingish(name):
            return _Found(name, pos, text, list(line.links), [href], rule=RULE_LINK, line=line.src, trusted=True)
    return _brand_in_prose(line, pos)


def _brand_in_prose(line: _Line, pos: int) -> _Found | None:
    """A sponsor entry written as prose whose link goes to the sponsor's site: the brand of the link's host
    spelled out in the text names it ("NUTRISENSE are offering 30% off ... visit <a href=nutrisense.io/x>")."""
    text = line.text
    for a, b, href in line.links[:5]:
        host = _host_of(href)
        if not host or _domain_matches(host, SOCIAL_DOMAINS):
            continue
        brand = (_name_from_url(host) or "").lower()
        if len(brand) < 4 or not brand.replace("-", "").isalnum():  # "pvs-studio" too
            continue
        best = None
        for wm in re.finditer(r"(?<![\w.])" + re.escape(brand) + r"(?![\w.])", text, re.I):
            if a <= wm.start() < b:
                continue
            if best is None or (best.isupper() and not wm.group(0).isupper()):
                best = wm.group(0)
        if best:
            return _Found(best, pos, text, list(line.links), [href], rule=RULE_LINK, line=line.src, trusted=True)
    return None


_FUNCTION_WORDS = _words("to from more of for with our your the this and on in at by about")


def _headingish(text: str) -> bool:
    """A phrase that reads as a heading, not a brand: "Listen to More From Ramsey Network"."""
    words = text.split()
    return len(words) >= 4 and sum(w.lower() in _FUNCTION_WORDS for w in words) >= 1 and not text[:1].islower()


# --------------------------------------------------------------------------- headings

_SPONSOR_HEADING_RE = re.compile(
    r"(?:(?:this|today's|todays|this week's|this episode's|our|episode|show)\s+)*"
    r"(?:sponsors?|sponsorship|sponsored by|partners?|supporters?)"
    r"(?:\s+(?:for|of|on)\s+(?:this|today's)\s+(?:episode|week|show))?"
    r"|(?:this\s+(?:episode|show|podcast|week)\s+(?:is|was)\s+)?"
    r"(?:sponsored|brought to you|made possible|presented|supported|powered|underwritten)\s+by"
    r"|(?:many\s+|big\s+|huge\s+|special\s+)?thanks?(?:\s+you)?\s+to\s+(?:our|this week's|today's)"
    r"\s+(?:sponsors?|partners?)"
    r"|(?:a\s+)?word\s+from\s+our\s+sponsors?",
    re.I,
)
_GENERIC_HEADING_RE = re.compile(r"^[^\W\d_][^.!?:\n]{0,48}:$")
_SECTION_WORDS_RE = re.compile(
    r"^(?:featuring|guests?|hosts?|show ?notes|notes|links|episode links|chapters|timestamps|transcript|"
    r"credits|resources|learning resources|mentioned|mentioned in this episode|about|subscribe|follow us|"
    r"connect|contact|music|related|references|further reading|listen|more from|next steps|stay in touch|"
    r"links from|show links|tags|picks|shameless plugs|tweet us|special guests?|support the show)\b",
    re.I,
)
_OTHER_SECTION_SKIP_RE = re.compile(r"^(?:featuring|guests?|hosts?|credits)\b", re.I)


def _heading_text(line: _Line) -> str:
    return line.text.strip().strip("*_").rstrip(":").strip().strip("*_").strip()


_HEADING_HINTS = ("sponsor", " by", "thank", "partner", "supporter")


def _sponsor_heading(line: _Line) -> tuple[bool, str]:
    """(is a sponsor heading, inline content after it)."""
    text = line.text.strip()
    low = text[:80].lower()
    if len(text) > 300 or not any(h in low for h in _HEADING_HINTS):
        return False, ""
    core = _heading_text(line)
    if _SPONSOR_HEADING_RE.fullmatch(core):
        return True, ""
    # inline: "Sponsors: A, B and C" / "Sponsor: Linode"
    cm = re.match(r"^(?P<h>[^:]{1,60}):\s+(?P<rest>.+)$", text)
    if cm:
        h = cm.group("h").strip().strip("*_").strip()
        if _SPONSOR_HEADING_RE.fullmatch(h):
            return True, cm.group("rest")
    return False, ""


_NAMED_HEADING_RES = (
    # "## LogRocket - Sponsor", "Freshbooks – our sponsor"
    re.compile(r"^(?P<name>[^:]{1,60}?)\s*[-–—|:]\s*(?:(?:our|episode|show|this\s+week's)\s+)?sponsor(?:ed)?$", re.I),
    # "## Sponsor - Sanity"
    re.compile(r"^sponsor(?:ed)?\s*[-–—|]\s*(?P<name>.{1,60})$", re.I),
)
_NAMED_BY_RE = re.compile(
    r"^(?:(?:this|today's)\s+(?:episode|show|podcast)\s+is\s+)?"
    r"(?:sponsored|brought\s+to\s+you|presented|supported|made\s+possible|powered|underwritten)\s+by\s+"
    r"(?:our\s+friends\s+at\s+|the\s+(?:fine\s+)?folks\s+at\s+)?(?P<name>[^:!?]{1,60}?)\s*"
    r"(?::(?!//)\s*(?P<rest>.*)|:)$",
    re.I,
)


def _named_heading(line: _Line) -> tuple[str, int] | None:
    """A heading naming one sponsor, its read below it: "## Sentry - Sponsor", "Sponsored by Sentry:".
    Returns (name, where the text after the heading starts in the line) or None."""
    text = line.text.strip()
    if not text or len(text) > 300 or ("sponsor" not in text.lower() and " by " not in text.lower()):
        return None
    core = _heading_text(line)
    if line.heading or line.bold:
        for rx in _NAMED_HEADING_RES:
            m = rx.match(core)
            if m and (name := _single_name(m.group("name"))):
                return name, len(line.text)
    m = _NAMED_BY_RE.match(text.strip("*_ "))
    if m:
        name = _single_name(m.group("name"))
        if name:
            rest = m.group("rest")
            start = len(line.text) - len(rest) if rest else len(line.text)
            return name, start
    return None


def _single_name(raw: str) -> str | None:
    if re.search(r",|\band\b|&|\s/\s", raw):
        return None  # several sponsors: a list heading, read by the section rules
    name = _clean_name(raw)
    if name is None or len(name.split()) > 5 or _headingish(name):
        return None
    return name


_LOOSE_HEADING_RE = re.compile(r"\b(?:sponsors?|sponsored|partners)\b", re.I)
_NOT_A_SPONSOR_HEADING_RE = re.compile(
    r"\?|\b(?:become|becoming|interested|want|how\s+to|sponsoring|sponsorship|support\s+(?:us|our|the\s+show)|"
    r"us|(?<!thank\s)you|me|sponsor\s+(?:us|the\s+show|this)|is|are|was|were|"
    r"(?:sponsored|brought\s+to\s+you|presented|supported|underwritten)\s+by\s+\S+)",
    re.I,
)


_ENDS_WITH_SPONSORS_RE = re.compile(r"\b(?:our|these|today's|this\s+week's|the)\s+sponsors?\s*:$", re.I)


def _loose_sponsor_heading(line: _Line) -> bool:
    """A short line that names a sponsor list in its own words: "Episode sponsors", "Offers From Today's
    Sponsors", "Thank you to our sponsors..." (but not "Become a sponsor" or "Sponsored by us!"), or any
    line that ends by pointing at the list: "...please support this podcast by checking out our sponsors:"."""
    if _ENDS_WITH_SPONSORS_RE.search(line.text.strip().rstrip("*_ ")):
        return True
    if line.links:
        return False
    if line.bullet and not (line.bold or line.heading or line.text.rstrip("*_ ").endswith(":")):
        return False  # "1 minute slots for sponsors" as one point of a list is prose, not a heading
    core = _heading_text(line).rstrip(".…!").strip()
    words = core.split()
    return (1 <= len(words) <= 7 and bool(_LOOSE_HEADING_RE.search(core))
            and not _NOT_A_SPONSOR_HEADING_RE.search(core) and not re.search(r"[.!?;]\s", core))


def _other_heading(line: _Line) -> bool:
    text = line.text.strip()
    if not text or len(text) > 60:
        return False
    core = _heading_text(line)
    if _SECTION_WORDS_RE.match(core) and (line.heading or text.endswith(":") or len(core.split()) <= 3
                                          or (len(core.split()) <= 5 and not line.links)):
        return True
    if (line.heading or line.bold) and _headingish(core) and not _LOOSE_HEADING_RE.search(core):
        return True
    if _GENERIC_HEADING_RE.match(text) and len(text.split()) <= 6:
        return True
    return line.heading and not line.bold
