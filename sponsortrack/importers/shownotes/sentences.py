"""Sponsor sentences anywhere in the notes ("This episode is brought to you by X", "Thanks to our sponsor X",
"X is sponsoring us"), "X and Y" judged (one link over both is one name; a name followed by prose is not
a sponsor), and the URL of the sentence that names the sponsor, never a neighbouring one."""

from __future__ import annotations

import bisect
import re

from .entry import _CODE_RE, _SPOKEN_RE, _URL_RE, _clean_name, _host_matches_name, _host_of, _strip_url, name_key
from .model import MAX_BLURB, RULE_SENTENCE, SOURCE_SENTENCE, _Found

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
    # "Thanks to X for sponsoring", "Thank you so much to X from Y for their support", "thank X, a job
    # marketplace for developers, for sponsoring this episode"
    re.compile(r"(?i:\b(?:thanks|thank\s+you)(?:\s+(?:so|very)\s+much)?\s+to\s+"
               r"(?:our\s+(?:sponsors?|friends\s+at)\s*,?\s*)?|\bthank\s+)"
               r"\b" + _NAME_PAT + r"(?:,\s+[^,.;!?]{1,80},|\s+from\s+[A-Z][\w.-]{1,30})?"
               r"\s+(?i:for\s+(?:sponsoring|supporting|their\s+support|making))"),
    # "Linode has also sponsored this episode"
    re.compile(r"\b" + _NAME_PAT + r"\s+(?i:(?:has|have)\s+(?:also\s+)?sponsored\s+(?:this|today's)\s+"
               r"(?:episode|show|week))\b"),
    re.compile(r"(?i:\b(?:support|funding)\s+for\s+(?:this|the|today's)\s+(?:episode|show|podcast)\s+"
               r"(?:comes|is\s+provided|was\s+provided)\s+(?:from|by))\s+\b" + _NAME_PAT),
    re.compile(r"(?i:\b(?:our|today's|this\s+week's|this\s+episode's)\s+sponsor(?:\s+(?:today|this\s+week))?"
               r"\s+is)\s+\b" + _NAME_PAT),
    # "Thanks to our sponsor X", "Thank you to this week's sponsors X and Y"
    re.compile(r"(?i:\b(?:thanks|thank\s+you)\s+to\s+(?:our|this\s+week's|today's)\s+(?:sponsors?|partners?))"
               r"\s*[,:]?\s+\b" + _NAME_PAT),
    # a brand written in lowercase is a name when the read goes on about it by that name:
    # "This episode is sponsored by elmah io. elmah io is cloud logging ..."
    re.compile(r"(?i:\b(?:sponsored|brought\s+to\s+you|made\s+possible|presented)\s+by)\s+"
               r"(?P<name>[a-z][a-z0-9-]{1,30}(?:[ .][a-z0-9-]{2,20})?)[.!]\s+(?P=name)\b"),
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


_LATER_URL_REACH = 3_000  # characters after a sponsor's read where its own URL is still looked for


_CAP_WORD_RE = re.compile(r"[A-Z][A-Za-z0-9]{2,30}")


def _split_run(text: str, hit: tuple[int, int, str, int, int]) -> list[tuple[int, int, str, int, int]]:
    """The first name of a list written without commas, "our partners Linode Fastly and LaunchDarkly", is
    several names when each of its words is spoken of alone later in the read ("We love Linode", "provided
    by Fastly") and the run itself never recurs; otherwise it is one name ("Mack Weldon and Capterra")."""
    start, end, name, n_a, n_b = hit
    words = name.split()
    if not 2 <= len(words) <= 4 or not all(_CAP_WORD_RE.fullmatch(w) for w in words):
        return [hit]
    reach = text[n_b:n_b + _LATER_URL_REACH]
    if name in reach:
        return [hit]
    if not all(re.search(r"(?<![\w.])" + w + r"(?!\w|\.\w)", reach) for w in words):
        return [hit]
    out, at = [], n_a
    for i, w in enumerate(words):
        w_a = text.index(w, at, n_b)
        out.append((start + i, end, w, w_a, w_a + len(w)))
        at = w_a + len(w)
    return out


def _later_url(text: str, a: int, b: int, name: str, skip: tuple[int, int] = (0, 0)) -> int | None:
    """Where, in text[a:b], the first written (not spoken) URL on a host carrying ``name`` starts, one
    inside ``skip`` (the name itself: "sponsored by Hired.com.") aside."""
    for m in _URL_RE.finditer(text, a, b):
        if skip[0] <= m.start() < skip[1]:
            continue
        raw = _strip_url(m.group("url"))
        if _SPOKEN_RE.match(text, m.start() + len(raw)):
            continue
        host = _host_of(raw)
        if host and _host_matches_name(host, name):
            return m.start()
    return None


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
                if len(hits) - first >= 2:
                    hits[first:first + 1] = _split_run(paragraph, hits[first])
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
    hit_starts = [h[0] for h in hits]
    keys = [name_key(h[2]) for h in hits]
    for i, (start, _end, name, n_a, n_b) in enumerate(hits):
        key = keys[i]
        if key in seen:
            continue
        seen.add(key)
        k = sentence_at(start)
        span_end_k = k + 1
        # a read closed by a sentence naming its sponsor again ("Thank you so much to X for their
        # support"), with no other sponsor's sentence between, runs to that sentence
        j, close = i + 1, None
        while j < len(hits) and keys[j] == key:
            close, j = hits[j][0], j + 1
        if close is not None and close - start <= _LATER_URL_REACH:
            span_end_k = sentence_at(close) + 1
        elif (k > 0 and (k - 1) not in starts and paragraph[start:n_a].lower().startswith("thank")
              and not _CODE_RE.search(paragraph, bounds[k], bounds[k + 1])
              and _CODE_RE.search(paragraph, bounds[k - 1], bounds[k])):
            k -= 1  # a closing thanks takes the code of the sentence just before it: "use code X. Thank you to X"
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
        if (span_end_k < len(bounds) - 1 and span_end_k not in starts
                and not _CODE_RE.search(paragraph, bounds[k], bounds[span_end_k])
                and _CODE_RE.search(paragraph, bounds[span_end_k], bounds[span_end_k + 1])
                and not _SHOW_SELF_RE.search(paragraph, bounds[span_end_k], bounds[span_end_k + 1])):
            span_end_k += 1  # the sentence after the URL gives the read's code: "... use the code X"
        a, b = bounds[k], bounds[span_end_k]
        blurb = paragraph[a:b]
        window = sorted(link_order[bisect.bisect_left(link_starts, a):bisect.bisect_left(link_starts, b)])
        blinks = [(links[j][0] - a, links[j][1] - a, links[j][2]) for j in window]
        if not window and _later_url(paragraph, a, b, name, (n_a, n_b)) is None:
            # no written URL on the sponsor's host in the read (the name itself aside): its own URL may
            # come later ("Our bandwidth is provided by Fastly. ... Learn more at Fastly.com")
            nxt = bisect.bisect_right(hit_starts, start)
            limit = min(hit_starts[nxt] if nxt < len(hit_starts) else len(paragraph), b + _LATER_URL_REACH)
            later = _later_url(paragraph, b, limit, name)
            if later is not None:
                k2 = sentence_at(later)
                sa, sb = bounds[k2], bounds[k2 + 1]
                blurb = f"{blurb} {paragraph[sa:sb]}"
        on_name = [h for x, y, h in blinks if x + a < n_b and y + a > n_a]  # a link on the sponsor's name
        li = bisect.bisect_right(line_map[0], start) - 1
        src = line_map[1][li] if 0 <= li < len(line_map[1]) else 0
        out.append(_Found(name, pos + start, blurb, blinks, on_name, SOURCE_SENTENCE, rule=RULE_SENTENCE,
                          line=src))
    return out


_READ_PARAGRAPHS = 3  # paragraphs after a sponsor sentence's own where its read may still give its URL


def _needs_url(f: _Found) -> bool:
    """A sentence read that gave neither a link nor a written URL on the sponsor's host."""
    return f.source == SOURCE_SENTENCE and not f.links and _later_url(f.blurb, 0, len(f.blurb), f.name) is None


def _continue_read(f: _Found, paragraph: str, links: list[tuple[int, int, str]], limit: int) -> bool | None:
    """A sponsor read that goes on over the next paragraphs of a transcript ("This episode is brought to
    you by Sprig. ..." / "(00:02:07):" / "... Check it out today at sprig.com/templates."): when
    paragraph[:limit] (up to the next sponsor's sentence) still speaks of the sponsor by name, the
    sentence giving a written URL on its host joins the read. True: the read got its URL; None: it goes
    on (the sponsor is named, no URL yet); False: the read is over (the paragraph is about something else)."""
    name_at = re.search(r"(?<![\w.])" + re.escape(f.name) + r"(?![\w])", paragraph[:limit])
    if name_at is None:
        return False
    at = _later_url(paragraph, name_at.start(), limit, f.name)
    if at is None:
        return None
    bounds = [0] + [m.end() for m in _SENTENCE_SPLIT_RE.finditer(paragraph, 0, limit)] + [limit]
    k = max(0, bisect.bisect_right(bounds, at) - 1)
    sa, sb = bounds[k], bounds[min(k + 1, len(bounds) - 1)]
    if len(f.blurb) < MAX_BLURB:
        off = len(f.blurb) + 1 - sa
        f.blurb = f"{f.blurb} {paragraph[sa:sb]}"
        f.links.extend((a + off, b + off, h) for a, b, h in links if sa <= a < sb)
    return True
