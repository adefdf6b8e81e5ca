"""Read sponsors out of an episode's show notes (plain text, Markdown or HTML).

``parse_show_notes(text)`` returns, in the order they appear, one ``ParsedSponsor`` per sponsor
read it finds:

* in a sponsor section ("Sponsors:", "Sponsored by", "Brought to you by", "Thanks to our
  sponsors", ...), whose lines look like ``Name – blurb. Learn more at URL.`` (en dash, em dash,
  hyphen or colon), bullets, Markdown ``[Name](url)`` or HTML ``<li><a href>`` items;
* in sponsor sentences anywhere else ("X is sponsoring us this week. Check them out at URL",
  "This episode is brought to you by X");
* in chapter lines ``12:34 Sponsor: Name`` (the timestamps give the read's start and length).

Promo URLs are taken after a cue ("Learn more at", "Try it free at", "Visit", "Head to", "Go to",
...), from a link on the sponsor's name, or when the URL's host carries the sponsor's name; links
to social media and to the show's own site (``exclude_domains``) are never promo URLs.

``SponsorMatcher`` maps parsed names to known sponsors ignoring case, a leading "The" and trailing
product words ("The Brave Browser" -> "Brave").

Everything here is linear-time regex work on bounded input: no input makes it crash or hang.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sponsortrack import validation
from sponsortrack.errors import ValidationError

__all__ = [
    "NameMatch",
    "ParsedSponsor",
    "SponsorMatcher",
    "name_key",
    "parse_show_notes",
]

MAX_INPUT = 400_000  # characters; show notes are a few kilobytes, anything past this is ignored
MAX_SPONSORS = 50
MAX_BLURB = 10_000  # characters gathered for one sponsor; past this more text is not added (stays linear)

SOURCE_SECTION = "section"
SOURCE_SENTENCE = "sentence"
SOURCE_CHAPTER = "chapter"


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

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


# --------------------------------------------------------------------------- lines

@dataclass(slots=True)
class _Line:
    text: str
    links: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, href) in text
    heading: bool = False  # Markdown "#", HTML <h1-6>, or a line entirely in bold
    bullet: bool = False
    bold: bool = False  # the line is entirely in bold (a heading, or a sponsor's name)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BLOCK_TAGS = _words(
    "p div li ul ol br h1 h2 h3 h4 h5 h6 tr table section article blockquote dd dt dl hr pre header "
    "footer aside nav figure figcaption"
)
_SKIP_TAGS = frozenset(("script", "style", "head", "title", "template", "noscript"))
_BOLD_TAGS = frozenset(("b", "strong"))


class _HtmlLines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[_Line] = []
        self._buf: list[str] = []
        self._len = 0
        self._links: list[tuple[int, int, str]] = []
        self._href: str | None = None
        self._href_start = 0
        self._skip = 0
        self._bold = 0
        self._bold_chars = 0
        self._plain_chars = 0
        self._heading = False
        self._bullet = False

    def _flush(self) -> None:
        if self._href is not None:
            self._links.append((self._href_start, self._len, self._href))
            self._href_start = 0
        raw = "".join(self._buf)
        bold_only = self._bold_chars > 0 and self._plain_chars == 0
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        links = [(max(0, s - lead), max(0, e - lead), h) for s, e, h in self._links]
        if text or (self.lines and not self.lines[-1].blank):
            self.lines.append(_Line(text, links, self._heading or bold_only, self._bullet,
                                    bold_only and not self._heading))
        self._buf, self._len, self._links = [], 0, []
        self._bold_chars = self._plain_chars = 0
        self._heading = self._bullet = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._heading = True
            elif tag == "li":
                self._bullet = True
        elif tag in _BOLD_TAGS:
            self._bold += 1
        elif tag == "a":
            href = next((v for k, v in attrs if k == "href" and v), None)
            if href is not None:
                self._href = href.strip()
                self._href_start = self._len

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()
        elif tag in _BOLD_TAGS:
            self._bold = max(0, self._bold - 1)
        elif tag == "a" and self._href is not None:
            self._links.append((self._href_start, self._len, self._href))
            self._href = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        data = re.sub(r"\s+", " ", data)
        if self._len == 0:
            data = data.lstrip()
        if not data:
            return
        if data.strip():
            if self._bold:
                self._bold_chars += 1
            else:
                self._plain_chars += 1
        self._buf.append(data)
        self._len += len(data)

    def close(self) -> None:
        super().close()
        self._flush()


_HTML_RE = re.compile(r"<(?:p|br|li|ul|ol|a|div|h[1-6]|strong|b|em|span|table)\b[^<>]{0,2000}>", re.I)
_BULLET_RE = re.compile(r"^(?:[-*+•·▪●◦‣►➤→]|\d{1,3}[.)])\s+")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
_BULLET_CHARS = frozenset("-*+•·▪●◦‣►➤→0123456789")
_MD_LINK_RE = re.compile(
    r"!?\[([^\[\]\n]{0,500})\]\(\s*<?([^()\s<>]{1,2000})>?(?:\s+\"[^\"\n]{0,200}\")?\s*\)"
)
_MD_AUTOLINK_RE = re.compile(r"<((?:https?://|www\.)[^<>\s]{1,2000})>", re.I)
_MD_ANY_LINK_RE = re.compile(f"{_MD_LINK_RE.pattern}|{_MD_AUTOLINK_RE.pattern}", re.I)
_MD_BOLD_RE = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`")


def _markdown_line(raw: str) -> _Line:
    s = raw.strip()
    heading = False
    bullet = False
    if s[:1] == "#" and _MD_HEADING_RE.match(s):
        heading = True
        s = _MD_HEADING_RE.sub("", s).rstrip("#").strip()
    m = _BULLET_RE.match(s) if s[:1] in _BULLET_CHARS else None
    if m and not (s.startswith("**") or (s.startswith("*") and s[1:2] != " ")):
        bullet = True
        s = s[m.end():]
    bold = False
    stripped_bold = s.rstrip(":").strip()
    if not heading and len(stripped_bold) > 4 and any(
        stripped_bold.startswith(mark) and stripped_bold.endswith(mark) and mark not in stripped_bold[2:-2]
        for mark in ("**", "__")
    ):
        heading = bold = True
    links: list[tuple[int, int, str]] = []
    if "[" in s or "<" in s:
        out: list[str] = []
        pos = 0
        length = 0
        for lm in _MD_ANY_LINK_RE.finditer(s):
            before = s[pos:lm.start()]
            out.append(before)
            length += len(before)
            if lm.group(1) is not None:
                label, href = lm.group(1), lm.group(2)
            else:
                label = href = lm.group(3)
            out.append(label)
            links.append((length, length + len(label), href))
            length += len(label)
            pos = lm.end()
        out.append(s[pos:])
        s = "".join(out)
    if "*" in s or "_" in s or "`" in s:
        # remove emphasis markers, keeping link offsets right
        new: list[str] = []
        mapping: list[int] = []
        last = 0
        for bm in _MD_BOLD_RE.finditer(s):
            new.append(s[last:bm.start()])
            mapping.append(bm.start())
            last = bm.end()
        if mapping:
            removed = [(bm.start(), bm.end() - bm.start()) for bm in _MD_BOLD_RE.finditer(s)]
            new.append(s[last:])

            def shift(i: int) -> int:
                return i - sum(n for p, n in removed if p < i)

            links = [(shift(a), shift(b), h) for a, b, h in links]
            s = "".join(new)
    lead = len(s) - len(s.lstrip())
    if lead:
        links = [(max(0, a - lead), max(0, b - lead), h) for a, b, h in links]
    return _Line(s.strip(), links, heading, bullet, bold)


_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _to_lines(text: str) -> list[_Line]:
    text = _INVISIBLE_RE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u2028", "\n")
    text = text.replace("\x00", "")
    if _HTML_RE.search(text):
        parser = _HtmlLines()
        try:
            parser.feed(text)
            parser.close()
        except Exception:  # html.parser is lenient, but never let markup break the import
            return [_markdown_line(line) for line in re.sub(r"<[^<>]{0,2000}>", " ", text).split("\n")]
        lines: list[_Line] = []
        for line in parser.lines:
            md = _markdown_line(line.text) if line.text and "**" in line.text else None
            if md is not None and not line.links:
                md.heading = md.heading or line.heading
                md.bold = (md.bold and not line.heading) or line.bold
                md.bullet = md.bullet or line.bullet
                lines.append(md)
            else:
                m = _BULLET_RE.match(line.text)
                if m and not line.bullet and not line.links:
                    line.text = line.text[m.end():]
                    line.bullet = True
                lines.append(line)
        return lines
    return [_markdown_line(line) for line in text.split("\n")]


# --------------------------------------------------------------------------- URLs

_TLDS = (
    "com|net|org|io|co|ai|dev|app|fm|tv|me|us|uk|de|ly|gg|sh|xyz|info|biz|so|to|ca|au|in|fr|nl|es|it|"
    "se|no|ch|eu|jp|cloud|tech|tools|studio|show|media|news|blog|page|site|online|store|shop|link|club|"
    "email|design|codes|run|fyi|gl|is|cc|im|ws|la|vc|dk|fi|pl|be|at|ie|nz|sg|hk|br|mx|edu|gov|academy|"
    "software|systems|network|digital|agency|works|team|health|money|finance|one|new|inc|pro|live|"
    "today|world|zone|space|website|services|solutions|security|host|hosting|build|computer|rocks|"
    "plus|chat|social|camp|events|guide|audio|video|art|fun|life|tips|training|work|jobs|careers|"
    "energy|capital|fund|partners|consulting|legal|help|support|care|fit|coffee|bio|ac|gs|nyc|"
    "london|berlin|cards|cash|bank|insure|sale|deals|store|golf|wiki|ninja|lol|email|mobi|tel|"
    "travel|ventures|foundation|systems|reviews|guru|expert|courses|school|university|college"
)
_URL_PATH = r"(?:[/?#][^\s<>\"'\[\]{}|\\^`]{0,2000})?"
_URL_RE = re.compile(
    r"(?P<url>https?://[^\s<>\"'\[\]{}|\\^`]{1,2000}"
    r"|(?<![\w@./-])(?:www\.)?(?:[a-z0-9][a-z0-9-]{0,62}\.){1,10}(?:" + _TLDS + r")(?![\w-])"
    r"(?::\d{1,5})?" + _URL_PATH + r")",
    re.I,
)
_TRAILING = ".,;:!?'\"’”»*_~>"

SOCIAL_DOMAINS = _words(
    """twitter.com x.com t.co facebook.com fb.com fb.me instagram.com linkedin.com lnkd.in youtube.com
    youtu.be github.com gitlab.com mastodon.social threads.net tiktok.com reddit.com discord.gg
    discord.com bsky.app bsky.social twitch.tv medium.com patreon.com soundcloud.com spotify.com
    open.spotify.com podcasts.apple.com itunes.apple.com apple.co overcast.fm pca.st castro.fm
    pocketcasts.com stitcher.com google.com podcasts.google.com wikipedia.org en.wikipedia.org
    slack.com join.slack.com t.me telegram.me gravatar.com keybase.io"""
)


def _strip_url(raw: str) -> str:
    url = raw
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


_host_of = validation.url_host


def _domain_matches(host: str, domains: frozenset[str] | Iterable[str]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one."""
    if not isinstance(domains, (set, frozenset)):
        domains = frozenset(domains)
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels) - 1))


@functools.lru_cache(maxsize=8192)
def _normalize(url: str) -> str | None:
    try:
        return validation.normalize_url(url, "promo_url")
    except ValidationError:
        return None


# --------------------------------------------------------------------------- names

_STOP_NAMES = _words(
    """twitter facebook instagram github gitlab linkedin youtube website web site email e-mail mastodon
    tiktok discord slack reddit patreon host hosts guest guests featuring music transcript transcripts
    chapters links link subscribe newsletter sponsor sponsors producer producers editor editing
    notes show notes episode episodes credits resources mentioned about follow support contact blog
    homepage home rss feed apple spotify overcast bluesky threads learning resources the a an this that
    our your we you it they he she note note: tip tips update updates correction corrections
    timestamps timestamp intro outro join today thanks thank"""
)

_NAME_LEAD_RE = re.compile(
    r"^(?:(?:and|also|plus|again|once again|this week|this episode|today|our friends at|our friends|"
    r"our sponsor|our sponsors|our partner|our partners|sponsor|big thanks to|thanks to|special thanks to|"
    r"huge thanks to)[,:]?\s+)+",
    re.I,
)


def _clean_name(name: str) -> str | None:
    s = name.strip().strip("*_`\"'“”‘’[]()<>").strip()
    s = re.sub(r"\s+", " ", s)
    s = _NAME_LEAD_RE.sub("", s).strip()
    s = re.sub(r"\s*\((?:sponsor|sponsored|ad|partner)\)$", "", s, flags=re.I)
    s = s.rstrip(":,;.!?–—-").strip().strip("*_`\"'“”‘’").strip()
    if not s or len(s) > 80 or not s[0].isalnum():
        return None
    words = s.split()
    if len(words) > 6:
        return None
    if s.lower() in _STOP_NAMES or all(w.lower() in _STOP_NAMES for w in words):
        return None
    if _URL_RE.fullmatch(s) or re.fullmatch(r"[\d\s:.,/-]+", s):
        return None
    if re.search(r"[.!?]\s", s):  # a sentence, not a name
        return None
    return s


_THE_RE = re.compile(r"^the\s+", re.I)
_GENERIC_WORDS = _words(
    """browser app apps inc inc. llc ltd ltd. corp corporation company co co. gmbh labs lab cloud
    platform software hq io com the"""
)


def name_key(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key for a sponsor name; drops a leading "The"."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii") or name
    s = _THE_RE.sub("", s.strip().casefold())
    s = re.sub(r"[^\w\s&+]", "", s.replace(".", " ")).strip()
    return re.sub(r"\s+", " ", s)


def _name_tokens(name: str) -> list[str]:
    return [w for w in name_key(name).replace("&", " ").split() if len(w) >= 3 and w not in _GENERIC_WORDS]


def _host_matches_name(host: str, name: str) -> bool:
    labels = host.split(".")
    base = "".join(labels[:-1]) if len(labels) > 1 else host
    squashed = re.sub(r"[^a-z0-9]", "", name_key(name))
    if len(squashed) >= 3 and squashed in base.replace("-", ""):
        return True
    return any(tok in base for tok in _name_tokens(name))


# --------------------------------------------------------------------------- entries

_CUE_RE = re.compile(
    r"(?:\b(?:at|visit|visiting|to|via|out|on over to)|learn more|try (?:it|them) (?:free|for free)|"
    r"sign up|get started|details|→|->)\s*[:\-]?\s*[(\[]?$",
    re.I,
)
_ANCHOR_CUE_RE = re.compile(
    r"^(?:learn more|try (?:it|them)(?: (?:free|for free|today|now))?|here|click here|"
    r"sign up(?: today| now)?|"
    r"get started|visit (?:them|their site|their website)|check (?:them|it) out|their (?:site|website)|"
    r"start (?:your )?free trial|claim (?:your|the) offer|learn more here|more info)\b",
    re.I,
)
_CODE_RE = re.compile(
    r"(?i:\b(?:use|using|promo|coupon|discount|offer|with|enter|apply)\s+(?:the\s+)?(?:promo\s+|coupon\s+)?"
    r"code)\s*:?\s*[\"'“‘«]?(?P<code>[A-Za-z0-9][A-Za-z0-9_-]{1,39})"
)
_CODE_STOP = _words("at and the for to when in on a an your is checkout")
_NUM_WORD = (
    r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|thirty|sixty|ninety)"
)
_PERIOD = r"(?:days?|weeks?|months?|years?)"
_OFFER_RES = (  # (hint that must be in the lowercased text, pattern)
    ("", re.compile(
        r"[$€£¥]\s?\d[\d,]{0,12}(?:\.\d{1,2})?\s?(?:k\b)?\s+(?:(?:in|of|worth of)\s+)?(?:free\s+)?"
        r"(?:credits?|off|discount|bonus)\b", re.I)),
    ("%", re.compile(
        r"\d{1,3}\s?%\s+off(?:\s+(?:your|the)\s+first\s+(?:\w+\s+)?(?:month|year|order|purchase)s?)?", re.I)),
    ("free", re.compile(
        r"\b" + _NUM_WORD + r"[\s-]+(?:days?|weeks?|months?)\s+free\s+trial\b"
        r"|\b(?:first|a|an|" + _NUM_WORD + r")[\s-]+" + _PERIOD + r"\s+(?:for\s+)?free\b"
        r"|\bfree\s+for\s+(?:the\s+first\s+)?" + _NUM_WORD + r"[\s-]+" + _PERIOD + r"\b"
        r"|\bfree\s+(?:\w+\s+)?trial\s+(?:of|for)\s+" + _NUM_WORD + r"\s+(?:days?|weeks?|months?)\b", re.I)),
    ("", re.compile(
        r"\b\d[\d,]{0,12}(?:\.\d{1,2})?\s?(?:usd|eur|gbp|dollars)\s+(?:(?:in|of|worth of)\s+)?(?:free\s+)?"
        r"(?:credits?|off|discount|bonus)\b", re.I)),
)
_MONEY_CHARS = frozenset("$€£¥")


def _find_offer(text: str, low: str) -> str | None:
    best: re.Match[str] | None = None
    has_money = any(c in _MONEY_CHARS for c in text)
    for i, (hint, rx) in enumerate(_OFFER_RES):
        if i == 0 and not has_money:
            continue
        if i == 3 and not any(w in low for w in ("usd", "eur", "gbp", "dollar")):
            continue
        if hint and hint not in low:
            continue
        m = rx.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return re.sub(r"\s+", " ", best.group(0)).strip() if best else None


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


def _pick_url(f: _Found, exclude: frozenset[str]) -> tuple[str | None, str | None]:
    """(normalized, raw) promo URL of a found sponsor, or (None, None)."""
    bad = SOCIAL_DOMAINS.union(exclude) if exclude else SOCIAL_DOMAINS
    cued: list[str] = []
    by_host: list[str] = []
    text = f.blurb
    for m in _URL_RE.finditer(text):
        raw = _strip_url(m.group("url"))
        if not raw or (raw.lower().startswith(("http://", "https://")) and len(raw) < 10):
            continue
        host = _host_of(raw)
        if not host or _domain_matches(host, bad):
            continue
        before = text[max(0, m.start() - 40):m.start()]
        if _CUE_RE.search(before):
            cued.append(raw)
        elif _host_matches_name(host, f.name):
            by_host.append(raw)
    for a, b, href in f.links:
        host = _host_of(href)
        if not host or _domain_matches(host, bad) or not href.lower().startswith(("http", "www", "//")):
            continue
        label = text[a:b].strip()
        if _URL_RE.fullmatch(label):
            continue  # the visible URL was seen above
        before = text[max(0, a - 40):a]
        if _ANCHOR_CUE_RE.match(label) or _CUE_RE.search(before):
            cued.append(href)
        elif _host_matches_name(host, f.name) or _host_matches_name(host, label):
            by_host.append(href)
    name_links = [h for h in f.name_links if (hh := _host_of(h)) and not _domain_matches(hh, bad)]
    for raw in (*cued, *name_links, *by_host):
        norm = _normalize(raw)
        if norm:
            return norm, raw
    return None, None


def _finish(f: _Found, exclude: frozenset[str]) -> ParsedSponsor:
    url, raw = _pick_url(f, exclude)
    code = None
    low = f.blurb.lower()
    if "code" in low:
        for cm in _CODE_RE.finditer(f.blurb):
            if cm.group("code").lower() not in _CODE_STOP:
                code = cm.group("code")
                break
    offer = _find_offer(f.blurb, low)
    blurb = re.sub(r"\s+", " ", f.blurb).strip()
    return ParsedSponsor(
        name=f.name, blurb=blurb, promo_url=url, promo_url_raw=raw, promo_code=code, offer=offer,
        start_seconds=f.start, length_seconds=f.length, source=f.source,
    )


_ENTRY_RE = re.compile(r"^(?P<name>\S.{0,79}?)(?:\s+[–—-]+\s+|\s*[–—]\s*|\s*:\s+|\s+\|\s+)(?P<rest>.*)$")


def _entry_from_line(line: _Line, pos: int, *, in_section: bool) -> _Found | None:
    text = line.text
    m = _ENTRY_RE.match(text)
    if m:
        name = _clean_name(m.group("name"))
        if name is None:
            return None
        rest_start = m.start("rest")
        name_end = m.end("name")
        name_links = [h for a, b, h in line.links if a < name_end and b > 0]
        links = [(a - rest_start, b - rest_start, h) for a, b, h in line.links if a >= rest_start]
        return _Found(name, pos, m.group("rest"), links, name_links)
    # a line that is only a name (possibly a link), e.g. <li><a href=...>Linode</a></li>
    if not in_section:
        return None
    if len(text) > 80 or re.search(r"[.!?](?:\s|$)", text.rstrip(".")):
        return None
    name = _clean_name(text)
    if name is None:
        return None
    return _Found(name, pos, "", [], [h for _, _, h in line.links])


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
    r"connect|contact|music|related|references|further reading)\b",
    re.I,
)
_OTHER_SECTION_SKIP_RE = re.compile(r"^(?:featuring|guests?|hosts?|credits|transcript)\b", re.I)


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


def _other_heading(line: _Line) -> bool:
    text = line.text.strip()
    if not text or len(text) > 60:
        return False
    core = _heading_text(line)
    if _SECTION_WORDS_RE.match(core) and (line.heading or text.endswith(":") or len(core.split()) <= 3):
        return True
    if _GENERIC_HEADING_RE.match(text) and len(text.split()) <= 6:
        return True
    return line.heading and not line.bold


# --------------------------------------------------------------------------- sentences

_NAME_WORD = r"[\w&'’+!-]{0,40}(?:\.\w[\w&'’+!-]{0,20}){0,3}"
_NAME_PAT = (
    r"(?P<name>(?:The\s+)?[A-Z0-9]" + _NAME_WORD
    + r"(?:\s+(?:[A-Z0-9&]" + _NAME_WORD + r"|of|de)){0,4})"
)
_NAME_AFTER_PAT = _NAME_PAT.replace("(?P<name>", "(?P<name2>")
_SENTENCE_RES = [
    re.compile(r"\b" + _NAME_PAT
               + r"\s+(?i:(?:is|are)\s+(?:(?:proudly|once again|also|kindly|generously)\s+)?"
               r"(?:sponsoring|our\s+(?:\w+\s+)?sponsors?|this\s+(?:week|episode)'s\s+sponsors?|"
               r"today's\s+sponsors?|sponsors\s+of\s+this))\b"),
    re.compile(r"(?i:\b(?:sponsored|brought\s+to\s+you|made\s+possible|presented|supported|underwritten)\s+by)"
               r"\s*:?\s+(?:(?i:our\s+friends\s+at|our\s+friends|the\s+(?:fine\s+)?folks\s+at)\s+)?"
               r"\b" + _NAME_PAT),
    re.compile(r"(?i:\b(?:thanks|thank\s+you)\s+to\s+(?:our\s+(?:sponsors?|friends\s+at)\s*,?\s*)?)"
               r"\b" + _NAME_PAT + r"\s+(?i:for\s+(?:sponsoring|supporting|their\s+support|making))"),
    re.compile(r"(?i:\b(?:support|funding)\s+for\s+(?:this|the|today's)\s+(?:episode|show|podcast)\s+"
               r"(?:comes|is\s+provided|was\s+provided)\s+(?:from|by))\s+\b" + _NAME_PAT),
    re.compile(r"(?i:\b(?:our|today's|this\s+week's|this\s+episode's)\s+sponsor(?:\s+(?:today|this\s+week))?"
               r"\s+is)\s+\b" + _NAME_PAT),
]
_AND_NAME_RE = re.compile(r"^(?:,\s*|\s+and\s+|\s*&\s*|,\s+and\s+)" + _NAME_AFTER_PAT)
# The same, matched at a position of the whole paragraph (``rx.match(text, pos)``) instead of on a copy
# of its tail: copying the tail for every hit made a long paragraph quadratic.
_AND_NAME_AT_RE = re.compile(_AND_NAME_RE.pattern.removeprefix("^"))
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])")
_SHOW_SELF_RE = re.compile(
    r"\b(?:follow\s+us|subscribe|our\s+(?:show|podcast|website|newsletter|patreon|community|discord)|"
    r"us\s+on|rate\s+(?:us|the\s+show)|review\s+us|leave\s+(?:us|a)\s+|join\s+(?:us|our)|support\s+us|"
    r"support\s+the\s+show|become\s+a\s+(?:member|patron)|our\s+guests?|guest\s+is|guests\s+are)\b",
    re.I,
)


_SENTENCE_HINTS = (
    "sponsor", "brought", "thank", "support", "funding", "possible", "presented", "underwritten"
)


def _sentence_sponsors(paragraph: str, links: list[tuple[int, int, str]], pos: int) -> list[_Found]:
    low = paragraph.lower()
    if not any(h in low for h in _SENTENCE_HINTS):
        return []
    hits: list[tuple[int, int, str]] = []  # (start, end, name)
    for rx in _SENTENCE_RES:
        for m in rx.finditer(paragraph):
            name = _clean_name(m.group("name"))
            if name:
                hits.append((m.start(), m.end(), name))
                at = m.end("name")
                for _ in range(5):
                    am = _AND_NAME_AT_RE.match(paragraph, at)
                    if not am:
                        break
                    other = _clean_name(am.group("name2"))
                    if other:
                        hits.append((m.start() + 1, m.end(), other))
                    at = am.end()
    if not hits:
        return []
    hits.sort()
    bounds = [0] + [m.end() for m in _SENTENCE_SPLIT_RE.finditer(paragraph)] + [len(paragraph)]

    last_sentence = len(bounds) - 2

    def sentence_at(i: int) -> int:
        # bounds ascend strictly: the last sentence starting at or before i (a bisection, not a scan)
        return max(0, min(bisect.bisect_right(bounds, i) - 1, last_sentence))

    # links by start, so each blurb takes its links by bisection instead of scanning them all
    link_order = sorted(range(len(links)), key=lambda j: links[j][0])
    link_starts = [links[j][0] for j in link_order]

    out: list[_Found] = []
    seen: set[str] = set()
    starts = {sentence_at(h[0]) for h in hits}
    for start, _end, name in hits:
        key = name_key(name)
        if key in seen:
            continue
        seen.add(key)
        k = sentence_at(start)
        span_end_k = k + 1
        while span_end_k < len(bounds) - 1 and span_end_k - k < 4 and span_end_k not in starts:
            nxt = paragraph[bounds[span_end_k]:bounds[span_end_k + 1]]
            if _SHOW_SELF_RE.search(nxt):
                break
            span_end_k += 1
        a, b = bounds[k], bounds[span_end_k]
        blurb = paragraph[a:b]
        window = sorted(link_order[bisect.bisect_left(link_starts, a):bisect.bisect_left(link_starts, b)])
        blinks = [(links[j][0] - a, links[j][1] - a, links[j][2]) for j in window]
        out.append(_Found(name, pos + start, blurb, blinks, [], SOURCE_SENTENCE))
    return out


# --------------------------------------------------------------------------- chapters

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


# --------------------------------------------------------------------------- the parser

def parse_show_notes(text: str | bytes | None, *, exclude_domains: Iterable[str] = ()) -> list[ParsedSponsor]:
    """Sponsors found in show notes, in order of appearance. Never raises on any input."""
    try:
        return _parse(text, exclude_domains)
    except RecursionError:  # pragma: no cover - defensive: the parser is iterative
        return []


def _parse(text: str | bytes | None, exclude_domains: Iterable[str]) -> list[ParsedSponsor]:
    if text is None:
        return []
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = str(text)
    text = text[:MAX_INPUT]
    if not text.strip():
        return []
    exclude = frozenset(h for d in exclude_domains if d and (h := _host_of(str(d))))
    lines = _to_lines(text)

    found: list[_Found] = []
    chapters: list[tuple[int, int, str]] = []  # (line index, seconds, title)
    in_section = False
    skip_section = False
    current: _Found | None = None
    blank_since_entry = False
    non_entries = 0
    paragraph: list[tuple[int, _Line]] = []

    def flush_paragraph() -> None:
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
        found.extend(_sentence_sponsors(joined, links, paragraph[0][0] * 10_000))
        paragraph.clear()

    for idx, line in enumerate(lines):
        if line.blank:
            flush_paragraph()
            if current is not None:
                blank_since_entry = True
            continue
        ch = _chapter(line.text)
        if ch is not None:
            flush_paragraph()
            chapters.append((idx, ch[0], ch[1]))
            continue
        is_sponsor, inline = _sponsor_heading(line)
        if is_sponsor:
            flush_paragraph()
            in_section, skip_section = True, False
            current, blank_since_entry, non_entries = None, False, 0
            if inline:
                shift = len(line.text) - len(inline)
                sub = _Line(inline, [(max(0, a - shift), max(0, b - shift), h) for a, b, h in line.links])
                entry = _entry_from_line(sub, idx * 10_000, in_section=True)
                if entry is not None and (entry.blurb or not re.search(r",|\band\b|&", inline)):
                    found.append(entry)
                    current = entry
                else:
                    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", inline):
                        nm = _clean_name(part)
                        if nm:
                            found.append(_Found(nm, idx * 10_000 + len(found)))
                    in_section = True
            continue
        if _other_heading(line):
            flush_paragraph()
            in_section = False
            skip_section = bool(_OTHER_SECTION_SKIP_RE.match(_heading_text(line)))
            current = None
            continue
        if in_section:
            if current is not None and not blank_since_entry and not current.blurb and not line.bullet:
                # "**Name**" on one line, its blurb on the next
                off = len(current.blurb) + (1 if current.blurb else 0)
                current.blurb = (current.blurb + " " + line.text).strip()
                current.links.extend((a + off, b + off, h) for a, b, h in line.links)
                continue
            entry = _entry_from_line(line, idx * 10_000, in_section=True)
            if entry is not None:
                found.append(entry)
                current, blank_since_entry, non_entries = entry, False, 0
                continue
            if current is not None and not blank_since_entry:
                if len(current.blurb) < MAX_BLURB:
                    off = len(current.blurb) + 1
                    current.blurb = current.blurb + " " + line.text
                    current.links.extend((a + off, b + off, h) for a, b, h in line.links)
                continue
            non_entries += 1
            if current is not None or non_entries > 3:
                in_section = False
                current = None
            else:
                continue
        if skip_section:
            continue
        paragraph.append((idx, line))
        if line.bullet or line.heading:
            flush_paragraph()
    flush_paragraph()

    # chapters: "Sponsor: Name" gives start; the next chapter gives the length
    chapter_found: list[_Found] = []
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
        name = _clean_name(parts[0])
        if not name:
            continue
        blurb = parts[1] if len(parts) > 1 else ""
        nxt = next_start[i]
        length = None if nxt is None else nxt - start
        chapter_found.append(_Found(name, idx * 10_000, blurb, [], [], SOURCE_CHAPTER, start, length))

    # merge duplicates (same sponsor in a section and in a sentence) and attach chapter timings
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
    return [_finish(f, exclude) for f in merged[:MAX_SPONSORS]]


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
    """Match parsed sponsor names to known ones: case, a leading "The", trailing product words.

    >>> SponsorMatcher(["Brave", "DigitalOcean"]).match("The Brave Browser")
    'Brave'
    """

    def __init__(self, known: Iterable[str]):
        self._exact: dict[str, str] = {}
        self._squashed: dict[str, str] = {}
        # known names by each leading run of their key's words: ("brave",) and ("brave", "browser")
        self._by_prefix: dict[tuple[str, ...], list[str]] = {}
        for name in known:
            self.add(name)

    def add(self, name: str) -> None:
        if not name or not name.strip():
            return
        key = name_key(name)
        if not key:
            return
        if key not in self._exact:
            self._exact[key] = name
            words = key.split()
            for n in range(1, len(words) + 1):
                self._by_prefix.setdefault(tuple(words[:n]), []).append(name)
        self._squashed.setdefault(key.replace(" ", ""), name)

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
        if len(candidates) == 1:
            return candidates[0]
        return None

    def classify(self, names: Iterable[str]) -> list[NameMatch]:
        return [NameMatch(n, self.match(n)) for n in names]
