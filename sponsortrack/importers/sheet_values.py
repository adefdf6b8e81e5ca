"""Values as producers type them in a sheet: placements ("Pre-roll", "Mid roll"), dates (ISO, "5 Mar 2024",
US or day-first numeric, the column's unambiguous values deciding), counts with thousands separators
("15,000"). Pure: each returns the clean value or raises ``ValidationError(field, problem)``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from sponsortrack.errors import ValidationError

_PLACEMENT_WORDS = {
    "pre": ("pre", "preroll", "prerol", "opening", "open", "intro", "start", "beginning", "top", "front"),
    "mid": ("mid", "midroll", "middle", "midpoint", "break", "center", "centre"),
    "post": ("post", "postroll", "end", "ending", "closing", "close", "outro", "bottom", "back"),
}
_PLACEMENT_OF = {w: p for p, words in _PLACEMENT_WORDS.items() for w in words}


def placement(raw: str, field_name: str = "placement") -> str:
    """A placement as sheets write it: "Pre-roll", "Mid roll", "POST", "midroll 2" -> pre / mid / post."""
    key = re.sub(r"[\s_.\-]+|\d+$", "", raw.strip().lower())
    key = key.removesuffix("s") if key.endswith("rolls") else key
    hit = _PLACEMENT_OF.get(key)
    if hit is None:
        raise ValidationError(field_name, f"{raw.strip()[:40]!r} is not a placement (pre, mid or post; "
                                          "'Pre-roll', 'Mid roll' and 'Post' are read too)")
    return hit


# thousands grouped by a comma or a space (a no-break or a thin one too): "15,000", "15 000", "1,234,567";
# signed too, so "-15,000" reaches the number rule as "-15000" (must not be negative), not as a malformed number
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(?:(?P<sep>[, \u00a0\u202f])\d{3})(?:(?P=sep)\d{3})*$")


def sheet_count(raw: str, field_name: str) -> str:
    """A count as sheets write it, digits only (a minus kept): "15,000" and "15 000" are 15000, "-15,000" is
    "-15000". A value that is not a whole number ("15,5", "1.5") is left as it is for the number rule to
    refuse in one line."""
    s = raw.strip()
    if _GROUPED_RE.match(s):
        return re.sub(r"[, \u00a0\u202f+]", "", s)
    if re.fullmatch(r"\d+,\d{1,2}", s):
        raise ValidationError(field_name, f"must be a whole number, not {s[:40]!r} (a decimal comma? thousands "
                                          "are written 15,000 or 15 000)")
    return s


DATE_ORDERS = ("auto", "us", "day-first")
_NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_YEAR_FIRST_RE = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
_MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
    ("nov", "november"), ("dec", "december")), start=1) for m in names}
_WORD_DATE_RE = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[a-z]{3,9})\.?"
    r"|(?P<m2>[a-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?),?\s+(?P<y>\d{4})$", re.I)
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def _iso(y: int, m: int, d: int, raw: str, field_name: str) -> str:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        raise ValidationError(field_name, f"{raw!r} is not a real date") from None


def _year(y: str) -> int:
    return int(y) + 2000 if len(y) == 2 else int(y)


def date_order_of(values: Iterable[str]) -> tuple[str | None, str | None]:
    """The order a column of numeric dates uses, from the values that can only be read one way:
    ("us" | "day-first" | None, a value showing it). "12/31/2024" says US, "31/12/2024" day-first."""
    us = day_first = None
    for raw in values:
        m = _NUMERIC_DATE_RE.match(raw.strip())
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b and day_first is None:
            day_first = raw.strip()
        elif b > 12 >= a and us is None:
            us = raw.strip()
        if us and day_first:
            break
    if us and day_first:
        raise ValidationError("dates", f"the sheet mixes month-first ({us!r}) and day-first ({day_first!r}) "
                                       "dates; fix one of them")
    return ("us", us) if us else ("day-first", day_first) if day_first else (None, None)


def sheet_date(raw: str, field_name: str, order: str | None = None) -> str | None:
    """A date as sheets hold it, as ISO: 2024-03-05, 2024/3/5, 3/5/2024 (``order`` "us"), 5/3/2024
    ("day-first"), "5 Mar 2024", "March 5, 2024". A numeric date that reads both ways without an
    ``order`` is a problem that names both readings."""
    s = raw.strip()
    if not s:
        return None
    m = _YEAR_FIRST_RE.match(s)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)), s, field_name)
    m = _NUMERIC_DATE_RE.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        if a > 12 or (order == "day-first" and b <= 12):
            return _iso(y, b, a, s, field_name)
        if b > 12 or order == "us" or a == b:
            return _iso(y, a, b, s, field_name)
        raise ValidationError(field_name, f"{s!r} could be {_MONTH_NAMES[a - 1]} {b} (month first) or "
                                          f"{a} {_MONTH_NAMES[b - 1]} (day first): say which with --dates us "
                                          "or --dates day-first")
    m = _WORD_DATE_RE.match(s)
    if m:
        month = _MONTHS.get((m.group("m1") or m.group("m2")).lower())
        if month:
            return _iso(int(m.group("y")), month, int(m.group("d1") or m.group("d2")), s, field_name)
    raise ValidationError(field_name, f"{s[:40]!r} is not a date (2024-03-05, 3/5/2024 or 5 Mar 2024)")
