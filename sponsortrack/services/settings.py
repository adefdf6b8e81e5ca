"""Business settings that travel with the database: the seller, numbering, terms, tax.

Each is declared once in :data:`SETTINGS` (key, label, default, stored type, check); ``DEFAULTS`` and
``LABELS`` are read off the declarations, reads go through :meth:`Setting.read` (a value of the wrong type
reads as the default) and writes through :meth:`Setting.clean`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.money import normalize_currency, parse_percent
from sponsortrack.store import Store
from sponsortrack.store import invoices as istore
from sponsortrack.store import settings as sstore


@dataclass(frozen=True)
class Setting:
    """One business setting, declared once: its key, label, default, the type a stored value must have to
    be used (anything else reads as the default), and how a new value is checked (``clean``)."""

    key: str
    label: str
    default: Any
    kinds: tuple[type, ...]
    clean: Callable[[Any, str], Any]

    def read(self, stored: Any) -> Any:
        """A stored value, or the default when it is not of this setting's type (written by hand, by an
        old version): never a traceback further on."""
        if stored is None:
            return self.default if type(None) not in self.kinds else None
        if isinstance(stored, bool) and bool not in self.kinds:
            return self.default
        return stored if isinstance(stored, self.kinds) else self.default


def _text(max_len: int, *, required: bool = False) -> Callable[[Any, str], Any]:
    return lambda raw, key: v.text(raw, key, required=required, max_len=max_len)


def _invoice_pattern(raw: Any, key: str) -> str:
    return check_pattern(v.text(raw, key, required=True, max_len=100) or "", key)


def _credit_pattern(raw: Any, key: str) -> str | None:
    text = v.text(raw, key, max_len=100)
    return check_pattern(text, key) if text else None


def _flag(raw: Any, _key: str) -> bool:
    return raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes", "on")


def _terms(raw: Any, key: str) -> int | None:
    return v.non_negative_int(raw, key, allow_none=False, maximum=365)


def _currency(raw: Any, key: str) -> str:
    return normalize_currency(str(raw or ""), key)


def _tax(raw: Any, _key: str) -> int:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 10000 \
        else parse_percent(raw, "tax_rate")


TEXT = (str, type(None))
SETTINGS: tuple[Setting, ...] = (
    Setting("seller_name", "Seller name", None, TEXT, _text(v.MAX_NAME)),
    Setting("seller_address", "Seller address", None, TEXT, _text(2000)),
    Setting("seller_email", "Seller e-mail", None, TEXT, _text(500)),
    Setting("seller_tax_id", "Tax ID", None, TEXT, _text(500)),
    Setting("invoice_number_pattern", "Invoice number pattern", "{year}-{seq:04}", (str,), _invoice_pattern),
    Setting("default_terms_days", "Payment terms (days)", 30, (int,), _terms),
    Setting("default_currency", "Default currency", "USD", (str,), _currency),
    Setting("tax_label", "Tax label", "Tax", TEXT, _text(v.MAX_NAME)),
    Setting("tax_bp", "Tax rate", 0, (int,), _tax),
    Setting("payment_instructions", "Payment instructions", None, TEXT, _text(2000)),
    Setting("logo_path", "Logo file", None, TEXT, _text(500)),
    Setting("seller_phone", "Seller phone", None, TEXT, _text(500)),
    # None: credit notes share the invoices' series
    Setting("credit_note_number_pattern", "Credit note number pattern (empty: same series as invoices)", None,
            TEXT, _credit_pattern),
    # e.g. "Late payments bear interest of 1 % per month."
    Setting("late_payment_terms", "Late-payment terms", None, TEXT, _text(500)),
    # month-end packet: one PDF per sponsor instead of two
    Setting("packet_combined", "Month-end packet as one PDF per sponsor", False, (bool,), _flag),
)
BY_KEY = {s.key: s for s in SETTINGS}
DEFAULTS: dict[str, Any] = {s.key: s.default for s in SETTINGS}
LABELS = {s.key: s.label for s in SETTINGS}

REQUIRED_FOR_ISSUING = ("seller_name", "seller_address")


def get_settings(store: Store) -> dict[str, Any]:
    """Every setting: the stored value where there is one of the right type, else its default."""
    stored = sstore.get_all(store)
    return {s.key: s.read(stored[s.key]) if s.key in stored else s.default for s in SETTINGS}


_PATTERN_FIELDS = ("year", "month", "seq")
# Sequence numbers a pattern is tried with: every one must give a distinct, printable, non-blank number
# (so "{{seq}}", "{seq:c}" or "{seq:.1e}" are refused when set, not found out when issuing).
_SAMPLE_SEQS = (1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 9999, 10000, 10001, 99999, 100000, 100001)
MAX_NUMBER_LEN = 40


def check_pattern(pattern: str, field: str = "invoice_number_pattern") -> str:
    """Validate an invoice (or credit note) number pattern by rendering it: only {year}, {month} and {seq}
    with plain format specs; every sample sequence number must give a distinct, printable, non-blank number."""
    hint = "use {year}, {month} and {seq}, e.g. {year}-{seq:04}"
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValidationError(field, f"cannot be used ({exc}); {hint}") from None
    names = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in _PATTERN_FIELDS:
            raise ValidationError(field, f"{{{name}}} is not a field; {hint}")
        if conversion:
            raise ValidationError(field, f"{{{name}!{conversion}}}: conversions are not allowed; {hint}")
        if spec and ("{" in spec or "}" in spec):
            raise ValidationError(field, f"{{{name}}} has a nested field in its format; {hint}")
        if any(int(n) > MAX_NUMBER_LEN for n in re.findall(r"[0-9]+", spec or "")):
            raise ValidationError(field, f"{{{name}:{spec}}} asks for more than {MAX_NUMBER_LEN} characters")
        names.append(name)
    if "seq" not in names:
        literal = " ({{seq}} is the text {seq}, the same on every invoice)" if "{{seq" in pattern else ""
        raise ValidationError(field, f"must contain {{seq}} so numbers are unique{literal}")
    seen: dict[str, int] = {}
    for year, month in ((2026, 11), (2027, 1)):
        try:
            istore.sequence_key(pattern, year, month)
            samples = [(seq, pattern.format(year=year, month=month, seq=seq)) for seq in _SAMPLE_SEQS]
        except (KeyError, IndexError, ValueError, TypeError, OverflowError) as exc:
            raise ValidationError(field, f"cannot be used ({exc}); {hint}") from None
        seen.clear()
        for seq, number in samples:
            if not number.strip():
                raise ValidationError(field, f"gives a blank number for sequence {seq}")
            if not number.isprintable():
                raise ValidationError(field, f"gives a number with control characters for sequence {seq} "
                                             f"({number!a})")
            if len(number) > MAX_NUMBER_LEN:
                raise ValidationError(field, f"gives an over-long number ({len(number)} characters, at most "
                                             f"{MAX_NUMBER_LEN})")
            if number in seen:
                raise ValidationError(field, f"gives the same number {number!r} for sequences {seen[number]} "
                                             f"and {seq}")
            seen[number] = seq
    return pattern


def clean_settings(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in values.items():
        setting = BY_KEY.get(key)
        if setting is None:
            raise ValidationError(key, "is not a setting")
        out[key] = setting.clean(raw, key)
    return out


def update_settings(store: Store, **values: Any) -> dict[str, Any]:
    sstore.put_many(store, clean_settings(values))
    return get_settings(store)


def reset_settings(store: Store, keys: list[str]) -> dict[str, Any]:
    """Forget settings so their defaults apply again."""
    for key in keys:
        if key not in DEFAULTS:
            raise ValidationError(key, "is not a setting")
    sstore.forget(store, list(keys))
    return get_settings(store)


def missing_for_issuing(store: Store) -> list[str]:
    s = get_settings(store)
    return [LABELS[k] for k in REQUIRED_FOR_ISSUING if not s.get(k)]
