"""Read sponsors out of an episode's show notes (plain text, Markdown, HTML, or Markdown with HTML in it).

``parse_show_notes(text)`` returns, in the order they appear, one ``ParsedSponsor`` per sponsor
read it finds, each with the rule that found it and its line (``ParsedSponsor.why``, shown in the
import preview). The rules, found by structure and wording rather than one fixed list of headings:

* a sponsor section: a heading in any of its many wordings ("Sponsors:", "Sponsored by",
  "Thanks to Our Sponsors", "Episode sponsors", "Offers From Today's Sponsors", any line ending
  "...our sponsors:"), whose entries follow the list structure the notes use: ``Name – blurb. Learn
  more at URL.``, ``- Name: URL``, ``[Name](url): blurb``, ``<li><a href>Name</a>: blurb``, a link whose
  text is the name inside a sentence ("Go to <a>Belay Solutions</a> or text ..."), or a link or URL
  alone, where the URL *is* the identification ("capterra.com/twit  promo code TWIT30");
* a heading that names one sponsor, its read below it: "## LogRocket - Sponsor", "## Sponsor -
  Sanity", "Sponsored by Sentry:";
* sponsor sentences anywhere ("This episode is brought to you by X", "Thanks to our sponsor X",
  "a word from our sponsors. X is ...", "X is sponsoring us"); "X and Y" is judged (one link over
  both is one name; a name followed by prose is not a sponsor);
* chapter lines ``12:34 Sponsor: Name`` (the timestamps give the read's start and length);
* with ``known`` sponsors, a promo-style link to a known sponsor's domain or promo URL.

Promo URLs are link targets (not link text), taken after a cue ("Learn more at", "Visit", ...),
from a link on the sponsor's name, or when the host carries the sponsor's name, vanity paths first;
the show's own site (``exclude_domains``) counts only as a redirect path naming the sponsor
("pythonbytes.fm/sentry"); social links never. Codes: "use code X", "promo code: X", "(code X)",
"Code X" in link text, "enter X". The show's own products listed among its sponsors are dropped.

``SponsorMatcher`` maps parsed names to known sponsors ignoring case, a leading "The" and trailing
product words ("The Brave Browser" -> "Brave"), by aliases, domains and known promo URLs.

Everything here is linear-time regex work on bounded input: no input makes it crash or hang
(tests count executed lines, never time).
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


_BLOCK_TAGS = _words(
    "p div li ul ol br h1 h2 h3 h4 h5 h6 tr table section article blockquote dd dt dl hr pre header "
    "footer aside nav figure figcaption"
)
_SKIP_TAGS = frozenset(("script", "style", "head", "title", "template", "noscript"))
_BOLD_TAGS = frozenset(("b", "strong"))


class _HtmlLines(HTMLParser):
    def __init__(self, *, keep_newlines: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines  # Markdown with HTML in it: a newline in text ends a line
        self._src = 0
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
                                    bold_only and not self._heading, self._src or self.getpos()[0]))
        self._src = 0
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
        if self.keep_newlines and "\n" in data:
            base = self.getpos()[0]
            first, *more = data.split("\n")
            self._data(first)
            for k, piece in enumerate(more, start=1):
                self._flush()
                if not piece.strip() and k < len(more):
                    self._flush()  # an empty source line: a blank line, as in Markdown
                self._src = base + k
                self._data(piece)
            return
        self._data(data)

    def _data(self, data: str) -> None:
        data = re.sub(r"\s+", " ", data)
        if self._len == 0:
            data = data.lstrip()
        if not data:
            return
        if not self._src:
            self._src = self.getpos()[0]
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
_BULLET_RE = re.compile(r"^(?:[-*+•·▪●◦‣►➤→–—]|\d{1,3}[.)])\s+")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
_BULLET_CHARS = frozenset("-*+•·▪●◦‣►➤→–—0123456789")
_MD_LINK_RE = re.compile(
    r"!?\[([^\[\]\n]{0,500})\]\(\s*<?([^()\s<>]{1,2000})>?(?:\s+\"[^\"\n]{0,200}\")?\s*\)"
)
_MD_IMAGE_LINK_RE = re.compile(r"\[!\[([^\[\]\n]{0,500})\]\([^()\s]{1,2000}(?:\s+\"[^\"\n]{0,200}\")?\)\]"
                               r"\(\s*([^()\s<>]{1,2000})\s*\)")
_MD_AUTOLINK_RE = re.compile(r"<((?:https?://|www\.)[^<>\s]{1,2000})>", re.I)
_MD_ANY_LINK_RE = re.compile(f"{_MD_LINK_RE.pattern}|{_MD_AUTOLINK_RE.pattern}", re.I)
_MD_BOLD_RE = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`")


def _inside_a_word(s: str, a: int, b: int) -> bool:
    """A marker with text on both sides ("changelog**0", "www.**Acme"): not emphasis but part of the text.
    Punctuation after it ("**Orkes**:") or brackets/space before it still make it emphasis."""
    if a == 0 or b >= len(s):
        return False
    left, right = s[a - 1], s[b]
    return not (left.isspace() or right.isspace() or right in _TRAILING or left in "([{\"'“‘«")


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
    if "[![" in s:  # a linked image "[![iXsystems - ...](/logo.png)](https://x.com/y)": its alt text is the link's
        s = _MD_IMAGE_LINK_RE.sub(r"[\1](\2)", s)
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
        # a marker between two letters or digits is not emphasis ("do.co/changelog**0"): removing it would
        # glue text into something the notes never said
        marks = [bm for bm in _MD_BOLD_RE.finditer(s) if not _inside_a_word(s, bm.start(), bm.end())]
        for bm in marks:
            new.append(s[last:bm.start()])
            mapping.append(bm.start())
            last = bm.end()
        if mapping:
            removed = [(bm.start(), bm.end() - bm.start()) for bm in marks]
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


# Markdown markers, or text lines that are list items ("– NetSuite: ..." inside a <p>): newlines are lines
_MD_MARKERS_RE = re.compile(r"(?m)^(?:#{1,6}\s|[ \t]{0,3}[-*+–—•]\s+\S)|\]\((?:https?:|www\.)")


_SETEXT_RE = re.compile(r"^\s{0,3}(?:-{3,}|={3,})\s*$")


def _markdown_lines(text: str) -> list[_Line]:
    lines = [_markdown_line(line) for line in text.split("\n")]
    for i, line in enumerate(lines, start=1):
        line.src = i
        # a setext heading: "Sponsors\n--------" (the underline itself is not text)
        if i > 1 and _SETEXT_RE.match(line.text) and not lines[i - 2].blank and not lines[i - 2].bullet:
            lines[i - 2].heading = True
            line.text, line.links = "", []
    return lines


def _to_lines(text: str) -> list[_Line]:
    text = _INVISIBLE_RE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u2028", "\n")
    text = text.replace("\x00", "")
    if _HTML_RE.search(text):
        # Markdown with some HTML in it (a "## Sponsor" heading over a <p>): newlines end lines there
        mixed = bool(_MD_MARKERS_RE.search(text))
        parser = _HtmlLines(keep_newlines=mixed)
        try:
            parser.feed(text)
            parser.close()
        except Exception:  # html.parser is lenient, but never let markup break the import
            return _markdown_lines(re.sub(r"<[^<>]{0,2000}>", " ", text))
        lines: list[_Line] = []
        for line in parser.lines:
            md = (_markdown_line(line.text) if line.text and not line.links
                  and ("**" in line.text or ((mixed and line.text[:1] in "#*-+[") or "](" in line.text))
                  else None)
            if md is not None:
                md.heading = md.heading or line.heading
                md.bold = (md.bold and not line.heading) or line.bold
                md.bullet = md.bullet or line.bullet
                md.src = line.src
                lines.append(md)
            else:
                m = _BULLET_RE.match(line.text)
                if m and not line.bullet and all(a >= m.end() for a, _b, _h in line.links):
                    cut = m.end()
                    line.text = line.text[cut:]
                    line.links = [(a - cut, b - cut, h) for a, b, h in line.links]
                    line.bullet = True
                lines.append(line)
        return lines
    return _markdown_lines(text)


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
    timestamps timestamp intro outro join today thanks thank none n/a na tba tbd nobody us"""
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
    s = _NAME_CODE_TAIL_RE.sub("", s)
    s = s.rstrip(":,;.!?–—-").strip().strip("*_`\"'“”‘’").strip()
    if not s or len(s) > 80 or not (s[0].isalnum() or (s[0] == "." and s[1:2].isalnum())):
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


_NAME_CODE_TAIL_RE = re.compile(r"\s*(?:[,(;]\s*|\s[-–—]\s*|\s)(?:promo\s+|coupon\s+|discount\s+)?code\b.*$", re.I)


def _name_from_url(raw: str) -> str | None:
    """A sponsor name from a URL that identifies it: "capterra.com/twit" -> "Capterra", "do.co" -> "do.co"."""
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", raw.strip(), flags=re.I)
    host = re.split(r"[/?#:]", s, maxsplit=1)[0].rstrip(".")
    if host.lower().startswith("www."):
        host = host[4:]
    labels = host.split(".")
    if len(labels) < 2:
        return None
    base = labels[-2] if labels[-2].lower() not in ("co", "com", "org", "net") or len(labels) < 3 else labels[-3]
    if len(base) < 3:
        return host.lower()
    if base.islower() or (base.isupper() and len(base) > 4):
        return base[:1].upper() + base[1:].lower()
    return base  # as written: "HealthIQ", "WWT", "LastPass"


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
    # "Squarespace (code ATP)", "Sentry, Code TALKPYTHON": a bare "code" after a bracket or comma, in capitals
    r"|(?:^|[(,;]\s*)(?i:code)\s*:?\s*(?P<code2>[A-Z0-9][A-Z0-9_-]{2,39})\b"
    # "enter PYTHONBYTES", "put SYNTAX in the ... box": a word in capitals to type in
    r"|\b(?i:enter|put|type|mention)\s+(?:the\s+(?i:word|code)\s+)?[\"'“‘«]?(?P<code3>[A-Z0-9][A-Z0-9_-]{3,39})\b"
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
    rule: str = RULE_SECTION
    line: int = 0
    trusted: bool = False  # structure says it is a sponsor entry: its first link is its promo URL


def _pick_url(f: _Found, exclude: frozenset[str]) -> tuple[str | None, str | None]:
    """(normalized, raw) promo URL of a found sponsor, or (None, None).

    Candidates, best first: a URL after a cue ("Learn more at", "Visit") or a link with a cue label, the
    link on the sponsor's name, a URL whose host carries the sponsor's name; among equals one with a path
    (a vanity URL: "freshbooks.com/syntax") beats a bare home page. A link's *target* is taken, not its
    visible text ("nutrisense.io/GABBY" linking elsewhere). For an entry whose structure says it is a
    sponsor (``trusted``), its first other link is the fallback.
    """
    cued: list[str] = []
    by_host: list[str] = []
    others: list[str] = []
    text = f.blurb
    spans = sorted((a, b) for a, b, _h in f.links)
    starts = [a for a, _b in spans]

    def inside_link(i: int) -> bool:
        k = bisect.bisect_right(starts, i) - 1
        return k >= 0 and spans[k][0] <= i < spans[k][1]

    def usable(url: str) -> bool:
        host = _host_of(url)
        if not host or _domain_matches(host, SOCIAL_DOMAINS):
            return False
        # the show's own site is never a promo URL, but its redirect paths under a sponsor heading are
        # ("pythonbytes.fm/sentry"); its home page and episode pages are not
        return not (exclude and _domain_matches(host, exclude)) or _path_names(url, f.name)

    for m in _URL_RE.finditer(text):
        if inside_link(m.start()):
            continue  # a link's visible text: its target is looked at below
        raw = _strip_url(m.group("url"))
        if not raw or (raw.lower().startswith(("http://", "https://")) and len(raw) < 10) or not usable(raw):
            continue
        before = text[max(0, m.start() - 40):m.start()]
        if _CUE_RE.search(before):
            cued.append(raw)
        elif _host_matches_name(_host_of(raw), f.name):
            by_host.append(raw)
    for a, b, href in f.links:
        if not usable(href) or not href.lower().startswith(("http", "www", "//")):
            continue
        label = text[a:b].strip()
        before = text[max(0, a - 40):a]
        host = _host_of(href)
        if _ANCHOR_CUE_RE.match(label) or _CUE_RE.search(before):
            cued.append(href)
        elif (_host_matches_name(host, f.name) or _host_matches_name(host, label)
              or (_URL_RE.fullmatch(label) and _host_of(label) == host)):
            by_host.append(href)
        else:
            others.append(href)
    name_links = [h for h in f.name_links if usable(h)]

    def vanity_first(urls: list[str]) -> list[str]:
        return sorted(urls, key=lambda u: not _has_path(u))  # stable: order kept among equals

    order = [*vanity_first(cued), *name_links, *vanity_first(by_host)]
    if f.trusted:
        order += others
    for raw in order:
        norm = _normalize(raw)
        if norm:
            return norm, raw
    return None, None


_VANITY_PATH_RE = re.compile(r"^/?[A-Za-z0-9][A-Za-z0-9_-]{0,29}/?$")


def _is_vanity(url: str) -> bool:
    """A promo-style URL: one short path segment and nothing else ("linode.com/ssh", "do.co/twit")."""
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.I)
    if "?" in s or "#" in s:
        return False
    parts = s.split("/", 1)
    return len(parts) == 2 and bool(_VANITY_PATH_RE.match("/" + parts[1])) and bool(parts[1].strip("/"))


def _path_names(url: str, name: str) -> bool:
    """The URL's one path segment is the sponsor's name: a show's redirect ("pythonbytes.fm/sentry")."""
    if not _is_vanity(url):
        return False
    seg = re.sub(r"[^a-z0-9]", "", url.rstrip("/").rsplit("/", 1)[-1].lower())
    key = re.sub(r"[^a-z0-9]", "", name_key(name))
    return len(seg) >= 3 and len(key) >= 3 and (seg.startswith(key[:4]) or key.startswith(seg[:4]))


def _url_key(url: str) -> str:
    """A URL without scheme, "www.", trailing slash and case: "https://www.Do.co/twit/" -> "do.co/twit"."""
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower())
    return s.removeprefix("www.").rstrip("/")


def _has_path(url: str) -> bool:
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.I)
    rest = re.split(r"[/?#]", s, maxsplit=1)
    return len(rest) > 1 and bool(rest[1].strip("/"))


def _finish(f: _Found, exclude: frozenset[str]) -> ParsedSponsor:
    url, raw = _pick_url(f, exclude)
    code = None
    low = f.blurb.lower()
    if "code" in low or "enter" in low or "put" in low or "type" in low or "mention" in low:
        for cm in _CODE_RE.finditer(f.blurb):
            g = next(n for n in ("code", "code2", "code3") if cm.group(n))
            cand, end = cm.group(g), cm.end(g)
            if cand.lower() in _CODE_STOP:
                continue
            if f.blurb[end:end + 1] == "." and f.blurb[end + 1:end + 2].isalnum():
                continue  # "Promo Code: linode.com/ssh" is a URL, not a code
            code = cand
            break
    offer = _find_offer(f.blurb, low)
    blurb = re.sub(r"\s+", " ", f.blurb).strip()
    return ParsedSponsor(
        name=f.name, blurb=blurb, promo_url=url, promo_url_raw=raw, promo_code=code, offer=offer,
        start_seconds=f.start, length_seconds=f.length, source=f.source, rule=f.rule, line=f.line,
    )


_ENTRY_RE = re.compile(r"^(?P<name>\S.{0,79}?)(?:\s+[–—-]+\s+|\s*[–—]\s*|\s*:\s+|\s+\|\s+)(?P<rest>.*)$")


def _entry_from_line(line: _Line, pos: int, *, in_section: bool) -> _Found | None:
    text = line.text
    m = _ENTRY_RE.match(text)
    name = _clean_name(m.group("name")) if m else None
    if m and name is None and not (in_section and _URL_RE.match(text)):
        return None
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
    r"(?::\s*(?P<rest>.*)|:)$",
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
    r"us|you|me|sponsor\s+(?:us|the\s+show|this)|is|are|was|were|"
    r"(?:sponsored|brought\s+to\s+you|presented|supported|underwritten)\s+by\s+\S)\b",
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


# --------------------------------------------------------------------------- sentences

_NAME_WORD = r"[\w&'’+!-]{0,40}(?:\.\w[\w&'’+!-]{0,20}){0,3}"
_NAME_PAT = (
    r"(?P<name>(?:The\s+)?(?:[A-Z0-9]|[a-z](?=[A-Z]))" + _NAME_WORD
    + r"(?:\s+(?:[A-Z0-9&]" + _NAME_WORD + r"|of|de)){0,4}"
    # a title after a colon is part of the name when the sentence ends there:
    # "Batman: Gotham City Chronicles RPG", but not "Linode: get $100"
    + r"(?::\s+[A-Z][\w'’&-]{0,30}(?:\s+(?:[A-Z0-9&][\w'’&.-]{0,30}|of|the)){0,5}(?=\s*(?:[.!;)]|$)))?)"
)
_NAME_AFTER_PAT = _NAME_PAT.replace("(?P<name>", "(?P<name2>")
_SENTENCE_RES = [
    re.compile(r"\b" + _NAME_PAT
               + r"\s+(?i:(?:is|are)\s+(?:(?:proudly|once again|also|kindly|generously)\s+)?"
               r"(?:sponsoring|our\s+(?:\w+\s+)?sponsors?|this\s+(?:week|episode)'s\s+sponsors?|"
               r"today's\s+sponsors?|sponsors\s+of\s+this))\b"),
    re.compile(r"(?i:\b(?:sponsored|brought\s+to\s+you|made\s+possible|presented|supported|underwritten)\s+by)"
               r"\s*:?\s+(?:(?i:our\s+friends\s+at|our\s+friends|the\s+(?:fine\s+)?folks\s+at)\s+|the\s+)?"
               r"\b" + _NAME_PAT),
    re.compile(r"(?i:\b(?:thanks|thank\s+you)\s+to\s+(?:our\s+(?:sponsors?|friends\s+at)\s*,?\s*)?)"
               r"\b" + _NAME_PAT + r"\s+(?i:for\s+(?:sponsoring|supporting|their\s+support|making))"),
    re.compile(r"(?i:\b(?:support|funding)\s+for\s+(?:this|the|today's)\s+(?:episode|show|podcast)\s+"
               r"(?:comes|is\s+provided|was\s+provided)\s+(?:from|by))\s+\b" + _NAME_PAT),
    re.compile(r"(?i:\b(?:our|today's|this\s+week's|this\s+episode's)\s+sponsor(?:\s+(?:today|this\s+week))?"
               r"\s+is)\s+\b" + _NAME_PAT),
    # "Thanks to our sponsor X", "Thank you to this week's sponsors X and Y"
    re.compile(r"(?i:\b(?:thanks|thank\s+you)\s+to\s+(?:our|this\s+week's|today's)\s+sponsors?)\s*[,:]?\s+\b"
               + _NAME_PAT),
    # "But first, a word from our sponsors. Chef is a community of ..."
    re.compile(r"(?i:\ba\s+word\s+from\s+(?:our|this\s+week's|today's)\s+sponsors?)\s*[.:!]\s+\b" + _NAME_PAT
               + r"(?=\s+(?i:is|are|has|helps|makes|lets|offers|gives|brings)\b)"),
]
_AND_NAME_RE = re.compile(r"^(?:,\s*|\s+and\s+|\s*&\s*|,\s+and\s+)" + _NAME_AFTER_PAT)
# The same, matched at a position of the whole paragraph (``rx.match(text, pos)``) instead of on a copy
# of its tail: copying the tail for every hit made a long paragraph quadratic.
_AND_NAME_AT_RE = re.compile(_AND_NAME_RE.pattern.removeprefix("^"))
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])")
_SHOW_SELF_RE = re.compile(
    r"\b(?:follow\s+us|subscribe|our\s+(?:show|podcast|website|newsletter|patreon|community|discord)|"
    r"us\s+on|rate\s+(?:us|the\s+show)|review\s+us|leave\s+(?:us|a)\s+|join\s+(?:us|our)|support\s+us|"
    r"support\s+the\s+show|become\s+a\s+(?:member|patron)|our\s+guests?|guest\s+is|guests\s+are|"
    r"donat(?:e|ion|ions|ing)|tip\s+jar)\b",
    re.I,
)


_SENTENCE_HINTS = (
    "sponsor", "brought", "thank", "support", "funding", "possible", "presented", "underwritten", "word from"
)


# after a second name, a lowercase word that is not a joiner: the sentence goes on, that was not a sponsor
_PROSE_AFTER_RE = re.compile(r"\s+(?!(?:and|or|for|of|the|to|at|on|in|with|from|is|are|who|which)\b)[a-z]")


def _one_linked_name(links: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return any(a <= start and b >= end for a, b, _h in links[:200])


def _sentence_sponsors(paragraph: str, links: list[tuple[int, int, str]], pos: int,
                       line_map: tuple[list[int], list[int]] = ([], [])) -> list[_Found]:
    low = paragraph.lower()
    if not any(h in low for h in _SENTENCE_HINTS):
        return []
    hits: list[tuple[int, int, str, int, int]] = []  # (start, end, name, name start, name end)
    for rx in _SENTENCE_RES:
        for m in rx.finditer(paragraph):
            name = _clean_name(m.group("name"))
            if name:
                first = len(hits)
                hits.append((m.start(), m.end(), name, m.start("name"), m.end("name")))
                name_start, at = m.start("name"), m.end("name")
                for _ in range(5):
                    am = _AND_NAME_AT_RE.match(paragraph, at)
                    if not am:
                        break
                    other = _clean_name(am.group("name2"))
                    end2 = am.end("name2")
                    if other and _one_linked_name(links, name_start, end2):
                        # "X and Y" as the text of one link is one name
                        whole = _clean_name(paragraph[name_start:end2])
                        if whole:
                            hits[first] = (m.start(), m.end(), whole, name_start, end2)
                        break
                    if other and _PROSE_AFTER_RE.match(paragraph, end2):
                        break  # "sponsored by Linode, and Chris talks about ...": prose, not a sponsor
                    if other:
                        hits.append((m.start() + 1, m.end(), other, am.start("name2"), end2))
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
    for start, _end, name, n_a, n_b in hits:
        key = name_key(name)
        if key in seen:
            continue
        seen.add(key)
        k = sentence_at(start)
        span_end_k = k + 1
        # the read goes on until the next sponsor's sentence, a sentence about the show itself, or the
        # first sentence that gives a URL (at most 8 sentences)
        has_url = bool(_URL_RE.search(paragraph, bounds[k], bounds[span_end_k]))
        while (span_end_k < len(bounds) - 1 and span_end_k - k < 8 and span_end_k not in starts
               and not has_url):
            nxt_a, nxt_b = bounds[span_end_k], bounds[span_end_k + 1]
            if _SHOW_SELF_RE.search(paragraph, nxt_a, nxt_b):
                break
            has_url = bool(_URL_RE.search(paragraph, nxt_a, nxt_b))
            span_end_k += 1
        a, b = bounds[k], bounds[span_end_k]
        blurb = paragraph[a:b]
        window = sorted(link_order[bisect.bisect_left(link_starts, a):bisect.bisect_left(link_starts, b)])
        blinks = [(links[j][0] - a, links[j][1] - a, links[j][2]) for j in window]
        on_name = [h for x, y, h in blinks if x + a < n_b and y + a > n_a]  # a link on the sponsor's name
        li = bisect.bisect_right(line_map[0], start) - 1
        src = line_map[1][li] if 0 <= li < len(line_map[1]) else 0
        out.append(_Found(name, pos + start, blurb, blinks, on_name, SOURCE_SENTENCE, rule=RULE_SENTENCE,
                          line=src))
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


def _parse(text: str | bytes | None, exclude_domains: Iterable[str],
           known: SponsorMatcher | None = None) -> list[ParsedSponsor]:
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
    named: _Found | None = None  # the sponsor a heading named ("## Sentry - Sponsor"): its read follows
    named_gap = False  # a blank line after the named sponsor's text: what comes next is not its read

    def add_text(f: _Found, ln: _Line, start: int = 0) -> None:
        if len(f.blurb) >= MAX_BLURB:
            return
        piece = ln.text[start:]
        off = len(f.blurb) + (1 if f.blurb else 0) - start
        f.blurb = f"{f.blurb} {piece}" if f.blurb else piece
        f.links.extend((a + off, b + off, h) for a, b, h in ln.links if a >= start)

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
        starts, srcs, length = [], [], 0
        for _, ln in paragraph:
            starts.append(length)
            srcs.append(ln.src)
            length += len(ln.text) + 1
        found.extend(_sentence_sponsors(joined, links, paragraph[0][0] * 10_000, (starts, srcs)))
        paragraph.clear()

    for idx, line in enumerate(lines):
        if line.blank:
            flush_paragraph()
            if current is not None:
                blank_since_entry = True
            if named is not None and named.blurb:
                named_gap = True
            continue
        ch = _chapter(line.text)
        if ch is not None:
            flush_paragraph()
            chapters.append((idx, ch[0], ch[1]))
            continue
        nh = _named_heading(line)
        if nh is not None:
            flush_paragraph()
            name, rest_at = nh
            named = _Found(name, idx * 10_000, rule=RULE_NAMED_HEADING, line=line.src, trusted=True)
            if rest_at < len(line.text):
                add_text(named, line, rest_at)
            found.append(named)
            named_gap = False
            in_section, skip_section, current = False, False, None
            continue
        is_sponsor, inline = _sponsor_heading(line)
        if not is_sponsor and _loose_sponsor_heading(line):
            is_sponsor, inline = True, ""
        if is_sponsor:
            named = None
            flush_paragraph()
            in_section, skip_section = True, False
            current, blank_since_entry, non_entries = None, False, 0
            if inline:
                shift = len(line.text) - len(inline)
                sub = _Line(inline, [(max(0, a - shift), max(0, b - shift), h) for a, b, h in line.links],
                            src=line.src)
                entry = _entry_from_line(sub, idx * 10_000, in_section=True)
                if entry is not None and (entry.blurb or not re.search(r",|\band\b|&", inline)):
                    found.append(entry)
                    current = entry
                else:
                    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", inline):
                        nm = _clean_name(part)
                        if nm:
                            found.append(_Found(nm, idx * 10_000 + len(found), line=line.src))
                    in_section = True
            continue
        if _other_heading(line):
            flush_paragraph()
            named = None
            in_section = False
            skip_section = bool(_OTHER_SECTION_SKIP_RE.match(_heading_text(line)))
            current = None
            continue
        if named is not None:
            if not named_gap:
                add_text(named, line)
                continue
            named = None
        if in_section:
            if current is not None and not blank_since_entry and not current.blurb and not line.bullet:
                # "**Name**" on one line, its blurb on the next
                off = len(current.blurb) + (1 if current.blurb else 0)
                current.blurb = (current.blurb + " " + line.text).strip()
                current.links.extend((a + off, b + off, h) for a, b, h in line.links)
                continue
            row = _link_row(line, idx * 10_000)
            if row:
                found.extend(row)
                current, blank_since_entry, non_entries = row[-1], False, 0
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
        chapter_name = _clean_name(parts[0])
        if not chapter_name:
            continue
        blurb = parts[1] if len(parts) > 1 else ""
        nxt = next_start[i]
        length = None if nxt is None else nxt - start
        chapter_found.append(_Found(chapter_name, idx * 10_000, blurb, [], [], SOURCE_CHAPTER, start, length,
                                    rule=RULE_CHAPTER, line=lines[idx].src))

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
    results = _drop_the_show_itself([_finish(f, exclude) for f in merged[:MAX_SPONSORS]], exclude)
    if known is not None:
        results = _with_known(results, lines, known, exclude)
    return results


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
    for p in items:
        if p.promo_url and _has_path(p.promo_url):
            users.setdefault(_host_of(p.promo_url), set()).add(name_key(p.name))
    show_hosts = {h for h, names in users.items() if len(names) >= 2} | set(exclude)
    if not show_hosts:
        return items
    out = []
    for p in items:
        host = _host_of(p.promo_url) if p.promo_url else ""
        brand = re.sub(r"[^a-z0-9]", "", _brand(host))
        if (host and len(brand) >= 4 and _domain_matches(host, show_hosts)
                and brand in re.sub(r"[^a-z0-9]", "", name_key(p.name))):
            continue
        out.append(p)
    return out


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
