"""Business settings that travel with the database: the seller, numbering, terms, tax."""

from __future__ import annotations

from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.money import normalize_currency, parse_percent
from sponsortrack.store import Store
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
}

REQUIRED_FOR_ISSUING = ("seller_name", "seller_address")

LABELS = {
    "seller_name": "Seller name", "seller_address": "Seller address", "seller_email": "Seller e-mail",
    "seller_tax_id": "Tax ID", "invoice_number_pattern": "Invoice number pattern",
    "default_terms_days": "Payment terms (days)", "default_currency": "Default currency",
    "tax_label": "Tax label", "tax_bp": "Tax rate", "payment_instructions": "Payment instructions",
    "logo_path": "Logo file",
}


def get_settings(store: Store) -> dict[str, Any]:
    out = dict(DEFAULTS)
    out.update({k: val for k, val in sstore.get_all(store).items() if k in DEFAULTS})
    return out


def check_pattern(pattern: str) -> str:
    try:
        sample = pattern.format(year=2026, month=11, seq=7)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError("invoice_number_pattern",
                              f"cannot be used ({exc}); use {{year}}, {{month}} and {{seq}}") from None
    if "{seq" not in pattern:
        raise ValidationError("invoice_number_pattern", "must contain {seq} so numbers are unique")
    if not sample.strip() or len(sample) > 40:
        raise ValidationError("invoice_number_pattern", "gives an empty or over-long number")
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
        elif key in ("seller_email", "seller_tax_id", "logo_path"):
            out[key] = v.text(raw, key, max_len=500)
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
