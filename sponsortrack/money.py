"""Money: integer minor units plus an ISO 4217 currency, computed with Decimal.

Rounding rule (see docs/money.md): amounts are carried exactly as Decimal while a line is
computed, and rounded half-up to the currency's minor unit exactly once, when the line amount
is fixed. Totals are sums of already-rounded integer lines. Commission and tax are each computed
once on the whole subtotal and rounded half-up once.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sponsortrack.errors import ValidationError

# ISO 4217 minor-unit exponents that differ from 2. Anything else that is three letters uses 2.
_EXPONENTS = {
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$"}

MAX_MINOR = 10**13  # a hundred billion in a 2-decimal currency: more is a typo, not a deal


def normalize_currency(code: str, field: str = "currency") -> str:
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValidationError(field, f"{code or 'empty'!r} is not a three-letter ISO 4217 code")
    return code


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-exponent(currency))


def parse_money(text: str | int | Decimal, currency: str = "USD", field: str = "amount",
                allow_negative: bool = False) -> int:
    """Parse a user amount such as ``"1,250.50"`` or ``"$50"`` into integer minor units.

    Fractions finer than the currency's minor unit are refused, never rounded silently.
    """
    if isinstance(text, bool):
        raise ValidationError(field, "is not an amount")
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        raw = str(text).strip()
        compact = raw.replace(",", "").replace("_", "").replace(" ", "")
        # A leading currency code or symbol is allowed ("USD50", "$50", "CA$50"), nothing else.
        code = re.escape(currency.upper())
        cleaned = re.sub(rf"^(?:(?i:{code})|[A-Z]{{1,2}}\$|[$€£¥₹])", "", compact, count=1)
        cleaned = re.sub(rf"(?<=\d)(?i:{code})$", "", cleaned)
        if not cleaned:
            raise ValidationError(field, f"{raw!r} is not an amount")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(field, f"{raw!r} is not an amount") from None
    if not value.is_finite():
        raise ValidationError(field, "is not a finite amount")
    if value < 0 and not allow_negative:
        raise ValidationError(field, "must not be negative")
    minor = value.scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        raise ValidationError(field, f"has more decimals than {currency} allows ({exponent(currency)})")
    result = int(minor)
    if abs(result) >= MAX_MINOR:
        raise ValidationError(field, "is implausibly large")
    return result


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def round_minor(amount: Decimal) -> int:
    """Round an exact amount expressed in minor units half-up to an integer."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_money(minor: int, currency: str, symbol: bool = True) -> str:
    """``format_money(123456, "USD") == "$1,234.56"``; unknown currencies print their code."""
    exp = exponent(currency)
    value = to_decimal(abs(minor), currency)
    body = f"{value:,.{exp}f}"
    sign = "-" if minor < 0 else ""
    sym = _SYMBOLS.get(currency.upper()) if symbol else None
    if sym:
        return f"{sign}{sym}{body}"
    return f"{sign}{body} {currency.upper()}"


def cpm_amount(units: int, rate_minor: int) -> int:
    """CPM line amount in minor units: units ÷ 1000 × rate, half-up once."""
    return round_minor(Decimal(units) * Decimal(rate_minor) / Decimal(1000))


def percent_of(amount_minor: int, basis_points: int) -> int:
    """A percentage (in basis points: 1500 = 15 %) of an amount, half-up once."""
    return round_minor(Decimal(amount_minor) * Decimal(basis_points) / Decimal(10000))


def parse_percent(text: str | int | Decimal, field: str = "percent") -> int:
    """``"15"`` or ``"15%"`` or ``"12.5"`` -> basis points (1500, 1250). 0–100 %."""
    raw = str(text).strip().rstrip("%").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(field, f"{text!r} is not a percentage") from None
    if not value.is_finite() or value < 0 or value > 100:
        raise ValidationError(field, "must be between 0 and 100")
    bp = value * 100
    if bp != bp.to_integral_value():
        raise ValidationError(field, "has more than two decimals")
    return int(bp)


def format_percent(basis_points: int) -> str:
    value = Decimal(basis_points) / 100
    return f"{value.normalize():f} %"


def minor_units(value: object, field: str = "amount", allow_negative: bool = False) -> int:
    """Validate an amount already given in integer minor units (from code or JSON, never a float)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be an integer number of minor units (cents)")
    if value < 0 and not allow_negative:
        raise ValidationError(field, "must not be negative")
    if abs(value) >= MAX_MINOR:
        raise ValidationError(field, "is implausibly large")
    return value
