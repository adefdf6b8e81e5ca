"""Phase 1: notes as lines. HTML, Markdown, Markdown with HTML in it, or plain text become ``_Line``s, each with
its text, its links (offsets and targets: the link target, never only its text), and whether it is a heading,
a bullet or all bold. Blank lines are kept: they end paragraphs and sponsor entries."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .entry import _TRAILING
from .model import _Line, _words

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
        elif tag == "img":
            self._img(attrs)
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
        elif tag == "img":
            self._img(attrs)

    def _img(self, attrs: list[tuple[str, str | None]]) -> None:
        """A linked image reads as its alt text, as ``[![alt](logo.png)](url)`` does in Markdown: a sponsor's
        banner (``<a href=...><img alt="Linode Sponsor Banner"></a>``) keeps its link."""
        if self._href is not None and self._len == self._href_start:
            alt = next((v for k, v in attrs if k == "alt" and v), None)
            if alt and alt.strip():
                self._data(alt.strip()[:200])

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
