"""Generated sample inputs (feeds, show notes, CSVs) for tests and benchmarks. Deterministic.

A test helper, not part of the app: tests import it as ``from support import samples`` (pytest puts tests/ on
the path); bench scripts put tests/ on sys.path first."""

from __future__ import annotations

import datetime as dt
import random
from email.utils import format_datetime
from xml.sax.saxutils import escape

SPONSORS = [
    ("DigitalOcean", "do.co/{slug}", None, "a $200 credit"),
    ("Fastly", "fastly.com", None, None),
    ("Linode", "linode.com/{slug}", "{SLUG}", "$100 in free credit"),
    ("Sentry", "sentry.io/{slug}", "{SLUG}", "2 months free"),
    ("Notion", "notion.so/{slug}", None, None),
    ("Retool", "retool.com/{slug}", "SHIP20", "20% off"),
    ("Hover", "hover.com/{slug}", None, "10% off"),
    ("Square", "squareup.com/{slug}", None, None),
]

_STYLES = ("plain", "markdown", "html", "runon", "chapters")


def show_notes(i: int, sponsors: list[tuple[str, str, str | None, str | None]], slug: str = "show",
               style: str | None = None) -> str:
    """Show notes for episode ``i`` naming ``sponsors`` in one of several formats."""
    style = style or _STYLES[i % len(_STYLES)]
    intro = (f"In episode {i} we talk with a guest about shipping software, databases and the web. "
             f"Follow the guest on twitter.com/guest{i} and github.com/guest{i}.")
    lines = []
    for name, url, code, offer in sponsors:
        u = url.format(slug=slug)
        c = code.format(SLUG=slug.upper()) if code else None
        extra = f" Get {offer}." if offer else ""
        extra += f" Use code {c}." if c else ""
        lines.append((name, u, extra))
    if style == "markdown":
        body = "\n".join(f"- **{n}** – Great product.{x} Learn more at [{u}](https://{u})." for n, u, x in lines)
        return f"{intro}\n\n## Sponsors\n\n{body}\n\n## Links\n\n- [Our site](https://{slug}.fm)\n"
    if style == "html":
        body = "".join(f'<li><a href="https://{u}">{escape(n)}</a> – Great product.{escape(x)}</li>'
                       for n, u, x in lines)
        return f"<p>{escape(intro)}</p><h3>Sponsors</h3><ul>{body}</ul><h3>Featuring</h3><ul><li>Guest</li></ul>"
    if style == "runon":
        body = " ".join(f"{n} is sponsoring us this week.{x} Check them out at {u}." for n, u, x in lines)
        return f"{intro}\n\n{body}\n\nSubscribe at {slug}.fm."
    if style == "chapters":
        chapters = ["00:00 Intro"]
        t = 60
        for n, _u, _x in lines:
            chapters.append(f"{t // 60:02d}:{t % 60:02d} Sponsor: {n}")
            t += 60
            chapters.append(f"{t // 60:02d}:{t % 60:02d} Discussion")
            t += 600
        body = "\n".join(f"{n} – Great product.{x} Visit {u}." for n, u, x in lines)
        return f"{intro}\n\nChapters:\n" + "\n".join(chapters) + f"\n\nSponsors:\n{body}\n"
    body = "\n".join(f"{n} – Great product.{x} Learn more at {u}." for n, u, x in lines)
    return f"{intro}\n\nSponsors:\n\n{body}\n\nFeaturing:\nGuest – Twitter, GitHub\n"


def feed_xml(n_items: int, *, title: str = "Generated Show", slug: str = "genshow", seed: int = 7,
             last: dt.date = dt.date(2024, 12, 30)) -> bytes:
    """An RSS 2.0 podcast feed of ``n_items`` weekly episodes, the last on ``last``, with sponsors
    in their notes (in every show-notes format in turn)."""
    rng = random.Random(seed)
    start = last - dt.timedelta(weeks=n_items - 1)
    items = []
    for i in range(n_items, 0, -1):
        day = start + dt.timedelta(weeks=i - 1)
        when = dt.datetime(day.year, day.month, day.day, 14, 0, tzinfo=dt.UTC)
        sponsors = rng.sample(SPONSORS, rng.randint(1, 3))
        notes = show_notes(i, sponsors, slug)
        items.append(
            "<item>"
            f"<title>{i}: Episode {escape(title)} number {i}</title>"
            f"<guid isPermaLink=\"false\">{slug}-{i:05d}</guid>"
            f"<link>https://{slug}.fm/{i}</link>"
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f"<itunes:episode>{i}</itunes:episode>"
            f"<itunes:duration>{rng.randint(1800, 4800)}</itunes:duration>"
            f"<description>{escape(notes[:200])}</description>"
            f"<content:encoded><![CDATA[{notes}]]></content:encoded>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>https://{slug}.fm</link>"
        f"<description>A generated show for tests.</description><language>en</language>"
        + "".join(items) + "</channel></rss>"
    ).encode("utf-8")
