"""Counts in words: "1 read", "2 reads", "1,204 episodes" — one door for every face (no Qt)."""

from __future__ import annotations

_IRREGULAR = {"entry": "entries", "copy": "copies", "was": "were", "is": "are", "has": "have"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``word`` for one, its plural otherwise (``many``, a known irregular, or ``word + "s"``)."""
    if n == 1 or n == -1:
        return word
    return many or _IRREGULAR.get(word) or word + "s"


def count(n: int, word: str, many: str | None = None) -> str:
    """``n`` with thousands separators and the right form of ``word``: ``count(1, "read") == "1 read"``."""
    return f"{n:,} {plural(n, word, many)}"


def count_of(n: int, things: str) -> str:
    """``count`` for a plural table-like name: ``count_of(1, "episodes") == "1 episode"``."""
    many = things.replace("_", " ")
    one = next((k for k, v in _IRREGULAR.items() if v == many), None) or (many[:-1] if many.endswith("s") else many)
    return count(n, one, many)
