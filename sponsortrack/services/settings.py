"""Business settings that travel with the database: the seller, numbering, terms, tax."""

from __future__ import annotations

import re
import string
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.money import normalize_currency, parse_percent
from sponsortrack.store import Store
from sponsortrack.store import invoices as istore
from sponsortrack.store import settings as sstore

DEFAULTS: dict[str, Any] = {
    "seller_name": None,
    "seller_address": None,
    "seller_email": None,
    "seller_tax_id": None,
    "invoice_number_pattern": "{year}-{seq:04}",
    "default_terms_days": 30,
    "default_currency": "USD",
    "tax_label": "Tax",
    "tax_bp": 0,
    "payment_instructions": None,
    "logo_path": None,
    "seller_phone": None,
    "credit_note_number_pattern": None,   # None: credit notes share the invoices' series
    "late_payment_terms": None,           # e.g. "Late payments bear interest of 1 % per month."
    "packet_combined": False,             # month-end packet: one PDF per sponsor instead of two
}

REQUIRED_FOR_ISSUING = ("seller_name", "seller_address")

LABELS = {
    "seller_name": "Seller name", "seller_address": "Seller address", "seller_email": "Seller e-mail",
    "seller_tax_id": "Tax ID", "invoice_number_pattern": "Invoice number pattern",
    "default_terms_days": "Payment terms (days)", "default_currency": "Default currency",
    "tax_label": "Tax label", "tax_bp": "Tax rate", "payment_instructions": "Payment instructions",
    "logo_path": "Logo file", "seller_phone": "Seller phone",
    "credit_note_number_pattern": "Credit note number pattern (empty: same series as invoices)",
    "late_payment_terms": "Late-payment terms", "packet_combined": "Month-end packet as one PDF per sponsor",
}


def get_settings(store: Store) -> dict[str, Any]:
    out = dict(DEFAULTS)
    out.update({k: val for k, val in sstore.get_all(store).items() if k in DEFAULTS})
    return out


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
        if key not in DEFAULTS:
            raise ValidationError(key, "is not a setting")
        if key in ("seller_name", "tax_label"):
            out[key] = v.text(raw, key, max_len=v.MAX_NAME)
        elif key in ("seller_address", "payment_instructions"):
            out[key] = v.text(raw, key, max_len=2000)
        elif key in ("seller_email", "seller_tax_id", "logo_path", "seller_phone", "late_payment_terms"):
            out[key] = v.text(raw, key, max_len=500)
        elif key == "credit_note_number_pattern":
            text = v.text(raw, key, max_len=100)
            out[key] = check_pattern(text, key) if text else None
        elif key == "packet_combined":
            out[key] = raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes", "on")
        elif key == "invoice_number_pattern":
            out[key] = check_pattern(v.text(raw, key, required=True, max_len=100) or "")
        elif key == "default_terms_days":
            out[key] = v.non_negative_int(raw, key, allow_none=False, maximum=365)
        elif key == "default_currency":
            out[key] = normalize_currency(str(raw or ""), key)
        elif key == "tax_bp":
            out[key] = raw if isinstance(raw, int) and 0 <= raw <= 10000 else parse_percent(raw, "tax_rate")
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
