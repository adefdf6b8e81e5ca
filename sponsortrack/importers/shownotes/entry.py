"""Reading one entry: URLs in text, a sponsor's name (from its text or its URL), its promo code and offer, and
which of its links is the promo URL (``_pick_url``: a cue's link, a link on the name, the sponsor's own host,
the show's redirect path naming it, vanity paths first). ``_finish`` turns a ``_Found`` into a ``ParsedSponsor``."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable

from sponsortrack import validation
from sponsortrack.errors import ValidationError

from .model import ParsedSponsor, _Found, _words

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
    if _URL_RE.fullmatch(s):
        # a bare domain written as the name ("Hired.com", "CloudFree.shop"): the brand as written
        m = _BARE_DOMAIN_NAME_RE.fullmatch(s)
        if not m or m.group("brand").isdigit():
            return None
        return m.group("brand") if not m.group("brand").islower() else _name_from_url(s)
    if re.fullmatch(r"[\d\s:.,/-]+", s):
        return None
    if re.search(r"[.!?]\s", s):  # a sentence, not a name
        return None
    return s


_BARE_DOMAIN_NAME_RE = re.compile(r"(?:www\.)?(?P<brand>[A-Za-z0-9][A-Za-z0-9-]{1,40})\.(?:" + _TLDS + r")", re.I)
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
    r"(?i:\b(?:use|using|promo|coupon|discount|offer|with|enter|apply)\s+(?:(?:the|my|our|this|special)\s+)?"
    r"(?:promo\s+|coupon\s+)?"
    r"code)\s*:?\s*[\"'“‘«]?(?P<code>[A-Za-z0-9][A-Za-z0-9_-]{1,39})"
    # "Squarespace (code ATP)", "Sentry, Code TALKPYTHON": a bare "code" after a bracket or comma, in capitals
    r"|(?:^|[(,;]\s*)(?i:code)\s*:?\s*(?P<code2>[A-Z0-9][A-Z0-9_-]{2,39})\b"
    # "enter PYTHONBYTES", "put SYNTAX in the ... box": a word in capitals to type in
    r"|\b(?i:enter|put|type|mention)\s+(?:the\s+(?i:word|code)\s+)?[\"'“‘«]?(?P<code3>[A-Z0-9][A-Z0-9_-]{3,39})\b"
    # "Indicate the #ourshow hashtag": a hashtag to quote
    r"|\b(?i:mention|indicate|use|quote|include)\s+(?i:the\s+)?(?P<code4>#[A-Za-z0-9_]{2,39})\s+(?i:hashtag)\b"
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
        if _SPOKEN_RE.match(text, m.start() + len(raw)):
            continue  # "linode.com slash changelog": said aloud in a transcript, not a link to follow
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

    # a list entry whose name is linked ("<li><a href=X>Name</a> – ... at <a href=Y>"): the name's link is
    # where the entry sends the listener; a sentence's cue comes first otherwise
    first = [*name_links, *vanity_first(cued)] if f.trusted else [*vanity_first(cued), *name_links]
    order = [*first, *vanity_first(by_host)]
    if f.trusted:
        order += others
    for raw in order:
        norm = _normalize(raw)
        if norm:
            return norm, raw
    return None, None


_SPOKEN_RE = re.compile(r"\s+slash\s", re.I)  # after a URL: "linode.com slash changelog" is said, not written
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
    if any(w in low for w in ("code", "enter", "put", "type", "mention", "hashtag")):
        for cm in _CODE_RE.finditer(f.blurb):
            g = next(n for n in ("code", "code2", "code3", "code4") if cm.group(n))
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
