"""Input validation shared by every entry point (CLI, GUI, importers).

Each function either returns a clean value or raises ``ValidationError(field, problem)``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Literal, overload
from urllib.parse import urlsplit, urlunsplit

from sponsortrack.errors import ValidationError

PLACEMENTS = ("pre", "mid", "post")
READ_TYPES = ("host", "produced")
READ_STATUSES = ("scheduled", "recorded", "aired", "verified", "flagged")
PRICINGS = ("flat", "per_episode", "cpm")
CAMPAIGN_STATUSES = ("draft", "active", "paused", "completed", "cancelled")
INVOICE_STATUSES = ("draft", "issued", "paid", "void")

MAX_NAME = 200
MAX_TEXT = 20_000
MAX_URL = 2048
MAX_CODE = 64

_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")


def text(value: object, field: str, *, required: bool = False, max_len: int = MAX_TEXT) -> str | None:
    """Strip a text value; ``None``/blank becomes ``None`` unless required."""
    if value is None:
        s = ""
    elif isinstance(value, str):
        s = value.strip()
    else:
        s = str(value).strip()
    if "\x00" in s:
        raise ValidationError(field, "contains a NUL character")
    if not s:
        if required:
            raise ValidationError(field, "is required")
        return None
    if len(s) > max_len:
        raise ValidationError(field, f"is too long ({len(s)} characters, at most {max_len})")
    return s


def name(value: object, field: str = "name") -> str:
    s = text(value, field, required=True, max_len=MAX_NAME)
    assert s is not None
    if "\n" in s or "\r" in s:
        raise ValidationError(field, "must be a single line")
    return s


@overload
def positive_int(value: object, field: str, *, allow_none: Literal[False] = False, maximum: int = ...) -> int: ...
@overload
def positive_int(value: object, field: str, *, allow_none: bool, maximum: int = ...) -> int | None: ...
def positive_int(value: object, field: str, *, allow_none: bool = False, maximum: int = 10**9) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValidationError(field, "is required")
    if isinstance(value, bool):
        raise ValidationError(field, "must be a positive integer")
    if isinstance(value, int):
        n = value
    else:
        s = str(value).strip()
        if not re.fullmatch(r"\+?\d+", s):
            raise ValidationError(field, f"must be a positive integer, not {s[:40]!r}")
        n = int(s)
    if n < 1:
        raise ValidationError(field, "must be a positive integer")
    if n > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    return n


def non_negative_int(value: object, field: str, *, allow_none: bool = True, maximum: int = 10**12) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValidationError(field, "is required")
    if isinstance(value, bool):
        raise ValidationError(field, "must be a whole number")
    if isinstance(value, int):
        n = value
    else:
        s = str(value).strip()
        if re.fullmatch(r"-\d+", s):  # a whole number all right, but below zero
            raise ValidationError(field, f"must not be negative, not {s[:40]!r}")
        if not re.fullmatch(r"\+?\d+", s):
            raise ValidationError(field, f"must be a whole number, not {s[:40]!r}")
        n = int(s)
    if n < 0:
        raise ValidationError(field, "must not be negative")
    if n > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    return n


def choice(value: object, field: str, options: tuple[str, ...], *, default: str | None = None) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is not None:
            return default
        raise ValidationError(field, f"is required (one of {', '.join(options)})")
    s = str(value).strip().lower()
    if s not in options:
        raise ValidationError(field, f"{str(value)[:40]!r} is not one of {', '.join(options)}")
    return s


@overload
def parse_date(value: object, field: str, *, allow_none: Literal[False] = False) -> str: ...
@overload
def parse_date(value: object, field: str, *, allow_none: bool) -> str | None: ...
def parse_date(value: object, field: str, *, allow_none: bool = False) -> str | None:
    """Accept ``YYYY-MM-DD`` (or a ``date``) and return the ISO string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValidationError(field, "is required (YYYY-MM-DD)")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        raise ValidationError(field, f"{s[:40]!r} is not a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(s).isoformat()
    except ValueError:
        raise ValidationError(field, f"{s!r} is not a real date") from None


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


def _month_number(word: str) -> int | None:
    """``Oct``, ``oct.``, ``Sept``, ``October``: a month's name or any start of it of 3 letters or more."""
    w = word.lower().rstrip(".")
    if len(w) < 3:
        return None
    return next((n for n, name in enumerate(_MONTHS, start=1) if name.startswith(w)), None)


def parse_day(value: object, field: str, *, today: dt.date | None = None) -> str:
    """A date typed the way people type it, in one go: ``2019-10-23``, ``10/23`` or ``10/23/2019``
    (month first), ``23 Oct``, ``Oct 23``, ``23 October 2019``, ``23.10.2019``, ``today``,
    ``yesterday``. Without a year, the year that puts the day nearest ``today`` (a producer logs
    recent episodes: ``12/30`` typed on 2 January is last year's). Returns ``YYYY-MM-DD``."""
    today = today or dt.date.today()
    s = "" if value is None else str(value).strip()
    if not s:
        raise ValidationError(field, "is required (for example 2019-10-23, 10/23 or 23 Oct)")
    low = s.lower()
    if low in ("today", "now"):
        return today.isoformat()
    if low == "yesterday":
        return (today - dt.timedelta(days=1)).isoformat()
    year: int | None = None
    month: int | None = None
    day: int | None = None
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?", s):
        month, day = int(m[1]), int(m[2])
        year = None if m[3] is None else int(m[3]) + (2000 if len(m[3]) == 2 else 0)
    elif m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?[ -]+([A-Za-z]+\.?),?(?:[ -]+(\d{4}))?", s):
        day, month = int(m[1]), _month_number(m[2])
        year = int(m[3]) if m[3] else None
    elif m := re.fullmatch(r"([A-Za-z]+\.?)[ -]+(\d{1,2})(?:st|nd|rd|th)?,?(?:[ -]+(\d{4}))?", s):
        month, day = _month_number(m[1]), int(m[2])
        year = int(m[3]) if m[3] else None
    if month is None or day is None:
        raise ValidationError(field, f"{s[:40]!r} is not a date (type 2019-10-23, 10/23 or 23 Oct)")
    if year is not None:
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            raise ValidationError(field, f"{s[:40]!r} is not a real date") from None
    candidates = []
    for y in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(dt.date(y, month, day))
        except ValueError:
            continue
    if not candidates and (month, day) == (2, 29):  # and no leap year within a year of today
        raise ValidationError(field, f"{s[:40]!r} needs its year: no year near today has that day "
                                     "(type it as 2/29/YYYY)")
    if not candidates:
        raise ValidationError(field, f"{s[:40]!r} is not a real date")
    return min(candidates, key=lambda d: (abs((d - today).days), d > today)).isoformat()


def parse_month(value: object, field: str = "month") -> str:
    """Accept ``YYYY-MM`` and return it."""
    s = "" if value is None else str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if not m or not (1 <= int(m.group(2)) <= 12) or int(m.group(1)) < 1900:
        raise ValidationError(field, f"{s[:40]!r} is not a month (YYYY-MM)")
    return s


def month_bounds(month: str) -> tuple[str, str]:
    """First and last day (inclusive) of ``YYYY-MM`` as ISO dates."""
    y, m = (int(x) for x in month.split("-"))
    first = dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return first.isoformat(), (nxt - dt.timedelta(days=1)).isoformat()


def _idna_encode(host: str) -> str:
    import idna  # httpx's own dependency, imported only for a host that is not ASCII

    return idna.encode(host).decode("ascii")


def normalize_host(host: str, field: str = "url") -> str:
    host = host.strip().rstrip(".").lower()
    try:
        # IDNA 2008, as httpx encodes the host it connects to (the codec's IDNA 2003 takes names it refuses)
        ascii_host = _idna_encode(host) if not host.isascii() else host
    except UnicodeError:  # idna.IDNAError is one
        raise ValidationError(field, f"host {host[:60]!r} is not a valid domain name") from None
    if not _HOST_RE.match(ascii_host) and not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", ascii_host) \
            and ascii_host != "localhost":
        raise ValidationError(field, f"host {host[:60]!r} is not a valid domain name")
    return ascii_host


def normalize_url(value: object, field: str = "promo_url", *, allow_none: bool = True,
                  max_len: int = MAX_URL) -> str | None:
    """A promo URL: http(s) with a host. A bare ``do.co/changelog`` becomes ``https://do.co/changelog``.
    ``max_len`` is for URLs met by the link checker (a redirect's tracking URL may run long)."""
    s = text(value, field, max_len=max_len)
    if s is None:
        if allow_none:
            return None
        raise ValidationError(field, "is required")
    if any(c.isspace() for c in s):
        raise ValidationError(field, "must not contain spaces")
    scheme_m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", s)
    # "localhost:8000/x" or "do.co:443/x" look like a scheme but are host:port
    if scheme_m and not s.lower().startswith(("http://", "https://")) and not re.match(r"^[a-zA-Z0-9.-]+:\d+(/|$)", s):
        raise ValidationError(field, f"scheme {scheme_m.group(1)!r} is not http or https")
    if s.startswith("//"):
        s = "https:" + s
    elif not s.lower().startswith(("http://", "https://")):
        s = "https://" + s
    try:
        parts = urlsplit(s)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise ValidationError(field, f"{s[:80]!r} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(field, "must use http or https")
    if not parts.hostname:
        raise ValidationError(field, "has no host")
    host = normalize_host(parts.hostname, field)
    if "." not in host and host != "localhost" and not host.replace(".", "").isdigit():
        raise ValidationError(field, f"host {host!r} has no domain (expected something like do.co)")
    netloc = host if port is None else f"{host}:{port}"
    if parts.username or parts.password:
        raise ValidationError(field, "must not contain a user name or password")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def url_host(url: str, *, keep_www: bool = False) -> str:
    """The host of a URL as written (scheme optional), lower case, without a trailing dot, and without
    ``www.`` unless ``keep_www`` (the link checker names the host it asked): the one host helper of the
    link checker, show notes, imports, reconciliation and sponsor matching. Never raises."""
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.I)
    host = re.split(r"[/?#:]", s, maxsplit=1)[0].lower().rstrip(".")
    return host[4:] if host.startswith("www.") and not keep_www else host


def host_matches(host: str, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or below one: ``www.digitalocean.com`` matches ``digitalocean.com``;
    ``evildigitalocean.com`` does not."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (d.lower().removeprefix("www.") for d in domains))


def normalize_domain(value: object, field: str = "domains") -> str:
    s = text(value, field, required=True, max_len=253) or ""
    s = s.lower()
    s = re.sub(r"^[a-z]+://", "", s).split("/")[0]
    if s.startswith("www."):
        s = s[4:]
    host = normalize_host(s, field)
    if "." not in host:
        raise ValidationError(field, f"{s!r} is not a domain (expected something like digitalocean.com)")
    return host


def parse_domains(value: object, field: str = "domains") -> list[str]:
    """Comma/space separated or a list; returns unique normalized domains in order."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[object] = list(re.split(r"[,\s]+", value))
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise ValidationError(field, "must be domains separated by commas")
    out: list[str] = []
    for item in items:
        if item is None or not str(item).strip():
            continue
        d = normalize_domain(item, field)
        if d not in out:
            out.append(d)
    return out


def promo_code(value: object, field: str = "promo_code") -> str | None:
    s = text(value, field, max_len=MAX_CODE)
    if s is not None and any(c.isspace() for c in s.replace(" ", "")):
        raise ValidationError(field, "must be a single line")
    return s


def parse_duration(value: object, field: str) -> int | None:
    """Seconds from ``90``, ``1:30`` or ``01:02:03``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValidationError(field, "must not be negative")
        return value
    s = str(value).strip()
    if re.fullmatch(r"\d+", s):
        return int(s)
    m = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2})", s)
    if not m or int(m.group(3)) >= 60 or (m.group(1) and int(m.group(2)) >= 60):
        raise ValidationError(field, f"{s[:20]!r} is not a duration (seconds, M:SS or H:MM:SS)")
    h = int(m.group(1) or 0)
    return h * 3600 + int(m.group(2)) * 60 + int(m.group(3))


def format_duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    h, rem = divmod(int(seconds), 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
