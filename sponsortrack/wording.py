"""Words for the faces (no Qt): counts ("1 read", "2 reads", "1,204 episodes") and the natural order of titles."""

from __future__ import annotations

import re

_IRREGULAR = {"entry": "entries", "copy": "copies", "was": "were", "is": "are", "has": "have"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``word`` for one, its plural otherwise (``many``, a known irregular, ``agency`` → ``agencies``, or
    ``word + "s"``)."""
    if n == 1 or n == -1:
        return word
    if many or word in _IRREGULAR:
        return many or _IRREGULAR[word]
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def count(n: int, word: str, many: str | None = None) -> str:
    """``n`` with thousands separators and the right form of ``word``: ``count(1, "read") == "1 read"``."""
    return f"{n:,} {plural(n, word, many)}"


def count_of(n: int, things: str) -> str:
    """``count`` for a plural table-like name: ``count_of(1, "episodes") == "1 episode"``."""
    many = things.replace("_", " ")
    one = next((k for k, v in _IRREGULAR.items() if v == many), None)
    if one is None:
        one = many[:-3] + "y" if many.endswith("ies") else many[:-1] if many.endswith("s") else many
    return count(n, one, many)


_DIGITS = re.compile(r"\d+")


def natural_key(text: str | None) -> str | None:
    """A text's key for natural order: case folded, each run of digits as its length then the digits
    (``Episode 2`` < ``Episode 10`` < ``Episode 100``), so plain string comparison sorts it."""
    if text is None:
        return None

    def number(m: re.Match[str]) -> str:
        digits = m.group().lstrip("0") or "0"
        return f"{len(digits):04d}{digits}"

    return _DIGITS.sub(number, str(text).casefold())
