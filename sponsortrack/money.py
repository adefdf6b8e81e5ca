"""Money: integer minor units plus an ISO 4217 currency, computed with Decimal.

Rounding rule (see docs/money.md): amounts are carried exactly as Decimal while a line is
computed, and rounded half-up to the currency's minor unit exactly once, when the line amount
is fixed. Totals are sums of already-rounded integer lines. Commission and tax are each computed
once on the whole subtotal and rounded half-up once.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from sponsortrack.errors import ValidationError

# Active ISO 4217 codes with their minor units (ISO 4217 list one, 2025 amendments). Codes without a
# minor unit (gold, SDR, test "XTS", "XXX") are not money a sponsor pays and are not accepted.
_ISO4217_LIST = """
AED:2 AFN:2 ALL:2 AMD:2 ANG:2 AOA:2 ARS:2 AUD:2 AWG:2 AZN:2 BAM:2 BBD:2 BDT:2 BGN:2 BHD:3 BIF:0
BMD:2 BND:2 BOB:2 BOV:2 BRL:2 BSD:2 BTN:2 BWP:2 BYN:2 BZD:2 CAD:2 CDF:2 CHE:2 CHF:2 CHW:2 CLF:4
CLP:0 CNY:2 COP:2 COU:2 CRC:2 CUP:2 CVE:2 CZK:2 DJF:0 DKK:2 DOP:2 DZD:2 EGP:2 ERN:2 ETB:2 EUR:2
FJD:2 FKP:2 GBP:2 GEL:2 GHS:2 GIP:2 GMD:2 GNF:0 GTQ:2 GYD:2 HKD:2 HNL:2 HTG:2 HUF:2 IDR:2 ILS:2
INR:2 IQD:3 IRR:2 ISK:0 JMD:2 JOD:3 JPY:0 KES:2 KGS:2 KHR:2 KMF:0 KPW:2 KRW:0 KWD:3 KYD:2 KZT:2
LAK:2 LBP:2 LKR:2 LRD:2 LSL:2 LYD:3 MAD:2 MDL:2 MGA:2 MKD:2 MMK:2 MNT:2 MOP:2 MRU:2 MUR:2 MVR:2
MWK:2 MXN:2 MXV:2 MYR:2 MZN:2 NAD:2 NGN:2 NIO:2 NOK:2 NPR:2 NZD:2 OMR:3 PAB:2 PEN:2 PGK:2 PHP:2
PKR:2 PLN:2 PYG:0 QAR:2 RON:2 RSD:2 RUB:2 RWF:0 SAR:2 SBD:2 SCR:2 SDG:2 SEK:2 SGD:2 SHP:2 SLE:2
SOS:2 SRD:2 SSP:2 STN:2 SVC:2 SYP:2 SZL:2 THB:2 TJS:2 TMT:2 TND:3 TOP:2 TRY:2 TTD:2 TWD:2 TZS:2
UAH:2 UGX:0 USD:2 USN:2 UYI:0 UYU:2 UYW:4 UZS:2 VED:2 VES:2 VND:0 VUV:0 WST:2 XAF:0 XCD:2 XCG:2
XOF:0 XPF:0 YER:2 ZAR:2 ZMW:2 ZWG:2
"""
_ISO4217: dict[str, int] = {code: int(exp) for code, exp in re.findall(r"([A-Z]{3}):([0-9])", _ISO4217_LIST)}
CURRENCIES = frozenset(_ISO4217)

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$"}

# What a symbol written in an amount can mean. A symbol that cannot mean the campaign's currency is
# refused ("€5" on a USD campaign), never dropped. A bare "$" is any dollar (or peso) currency.
_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "BSD", "BBD", "BMD", "BND", "BZD",
                      "FJD", "GYD", "JMD", "KYD", "LRD", "NAD", "SBD", "SRD", "TTD", "XCD", "ZWG", "MXN",
                      "ARS", "CLP", "COP", "CUP", "DOP", "UYU"})
_SYMBOL_MEANS: dict[str, frozenset[str]] = {
    "$": _DOLLARS, "US$": frozenset({"USD"}), "U$S": frozenset({"USD"}), "CA$": frozenset({"CAD"}),
    "C$": frozenset({"CAD", "NIO"}), "A$": frozenset({"AUD"}), "AU$": frozenset({"AUD"}),
    "NZ$": frozenset({"NZD"}), "HK$": frozenset({"HKD"}), "S$": frozenset({"SGD"}),
    "NT$": frozenset({"TWD"}), "MX$": frozenset({"MXN"}), "R$": frozenset({"BRL"}),
    "€": frozenset({"EUR"}), "£": frozenset({"GBP", "EGP", "FKP", "GIP", "SHP", "SSP", "SYP", "LBP"}),
    "¥": frozenset({"JPY", "CNY"}), "₹": frozenset({"INR"}), "₩": frozenset({"KRW", "KPW"}),
    "₽": frozenset({"RUB"}), "₺": frozenset({"TRY"}), "₪": frozenset({"ILS"}), "₫": frozenset({"VND"}),
    "₱": frozenset({"PHP"}), "฿": frozenset({"THB"}), "₴": frozenset({"UAH"}), "₦": frozenset({"NGN"}),
    "₲": frozenset({"PYG"}), "₡": frozenset({"CRC"}), "₸": frozenset({"KZT"}), "₼": frozenset({"AZN"}),
    "₾": frozenset({"GEL"}), "zł": frozenset({"PLN"}), "kr": frozenset({"SEK", "NOK", "DKK", "ISK"}),
    "Kč": frozenset({"CZK"}), "Fr": frozenset({"CHF"}),
}
_SYMBOL_ALT = "|".join(re.escape(s) for s in sorted(_SYMBOL_MEANS, key=len, reverse=True))

MAX_MINOR = 10**13  # a hundred billion in a 2-decimal currency: more is a typo, not a deal
MAX_UNITS = 10**11  # downloads counted for one read
MAX_AMOUNT_TEXT = 40  # characters: longer is not an amount anyone types

# A number as people write it: digits, optionally grouped by commas in threes, a point for decimals.
_PLAIN_RE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_GROUPED_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_AMOUNT_RE = re.compile(
    rf"(?P<sign1>[-+−]?)\s*(?P<pre>{_SYMBOL_ALT}|[A-Za-z]{{3}}(?![A-Za-z]))?\s*(?P<sign2>[-+−]?)\s*"
    rf"(?P<body>[0-9.,]+(?:[eE][-+]?[0-9]+)?)\s*(?P<post>{_SYMBOL_ALT}|[A-Za-z]{{3}})?"
)


def normalize_currency(code: str, field: str = "currency") -> str:
    """An active ISO 4217 code (``" usd "`` → ``"USD"``); anything else is refused."""
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        shown = repr(code[:20]) if code else "empty"
        raise ValidationError(field, f"{shown} is not a three-letter ISO 4217 code")
    if code not in _ISO4217:
        raise ValidationError(field, f"{code!r} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)")
    return code


def exponent(currency: str) -> int:
    return _ISO4217.get(currency.upper(), 2)


def max_amount_text(currency: str) -> str:
    return format_money(MAX_MINOR - 1, currency)


def _too_large(field: str, currency: str) -> ValidationError:
    return ValidationError(field, f"is too large (at most {max_amount_text(currency)})")


def _marker_currencies(marker: str) -> frozenset[str] | None:
    """The currencies a symbol or code may mean; None when it is neither."""
    if marker in _SYMBOL_MEANS:
        return _SYMBOL_MEANS[marker]
    if marker.lower() in {k.lower() for k in _SYMBOL_MEANS if k.isalpha()}:
        return next(v for k, v in _SYMBOL_MEANS.items() if k.lower() == marker.lower())
    if marker.upper() in _ISO4217:
        return frozenset({marker.upper()})
    return None


def _parse_text(raw: str, currency: str, field: str) -> Decimal:
    shown = raw if len(raw) <= MAX_AMOUNT_TEXT else raw[:MAX_AMOUNT_TEXT] + "…"
    not_amount = ValidationError(field, f"{shown!r} is not an amount")
    if len(raw) > MAX_AMOUNT_TEXT:
        if re.fullmatch(r"[\s0-9.,]+", raw):
            raise _too_large(field, currency)
        raise not_amount
    text = raw.replace("\u00a0", " ").replace("\u202f", " ").strip()
    m = _AMOUNT_RE.fullmatch(text)
    if not m:
        raise not_amount
    if m.group("sign1") and m.group("sign2"):
        raise not_amount
    for marker in (m.group("pre"), m.group("post")):
        if not marker:
            continue
        means = _marker_currencies(marker)
        if means is None:
            raise not_amount
        if currency not in means:
            if len(means) == 1:
                raise ValidationError(field, f"{shown!r} is in {next(iter(means))}, not {currency}")
            raise ValidationError(field, f"{shown!r} is not in {currency} ({marker} is another currency's sign)")
    body = m.group("body")
    if re.search(r"[eE]", body):
        raise ValidationError(field, f"{shown!r} uses exponent notation; write the amount in full digits")
    if _PLAIN_RE.fullmatch(body):
        digits = body
    elif _GROUPED_RE.fullmatch(body):
        digits = body.replace(",", "")
    elif re.fullmatch(r"[0-9.]*[0-9],[0-9]{1,2}", body) or re.fullmatch(r"[0-9]+,[0-9]+", body):
        # "12,50", "1,5", "1.250,50": a decimal comma, or a thousands comma in the wrong place
        head, _, tail = body.rpartition(",")
        hint = f"{head.replace('.', '')}.{tail}"
        raise ValidationError(field, f"{shown!r} is ambiguous: write {hint} (a point for decimals, "
                                     f"commas only between thousands as in 1,250.50)")
    else:
        raise not_amount
    sign = m.group("sign1") or m.group("sign2")
    value = Decimal(digits)
    return -value if sign in ("-", "−") else value


def parse_money(text: str | int | Decimal, currency: str = "USD", field: str = "amount",
                allow_negative: bool = False) -> int:
    """Parse a user amount such as ``"1,250.50"`` or ``"$50"`` into integer minor units.

    The one parser for every amount typed or imported. Unambiguous or refused, never guessed:
    a point is the decimal mark; a comma only groups thousands (``1,250.50``; ``12,50`` is refused
    with a hint); a symbol or code must mean ``currency`` (``€5`` on a USD amount is refused);
    no exponents (``1e3``); fractions finer than the currency's minor unit are refused, never
    rounded; at most ``MAX_MINOR - 1`` minor units. Raises only ``ValidationError``.
    """
    currency = (currency or "USD").upper()
    if isinstance(text, bool):
        raise ValidationError(field, "is not an amount")
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    elif isinstance(text, float):
        raise ValidationError(field, "must be written as text or whole minor units, not a float")
    else:
        value = _parse_text(str(text), currency, field)
    if not value.is_finite():
        raise ValidationError(field, "is not a finite amount")
    if value < 0 and not allow_negative:
        raise ValidationError(field, "must not be negative")
    exp = exponent(currency)
    if value.copy_abs() >= Decimal(MAX_MINOR).scaleb(-exp):
        raise _too_large(field, currency)
    minor = value.scaleb(exp)
    if minor != minor.to_integral_value():
        raise ValidationError(field, f"has more decimals than {currency} allows ({exp})")
    return int(minor)


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


def check_cpm(units: int, rate_minor: int, currency: str, field: str = "units") -> int:
    """The CPM amount of ``units`` at ``rate_minor``, refused when no line could hold it."""
    amount = cpm_amount(units, rate_minor)
    if abs(amount) >= MAX_MINOR:
        raise ValidationError(field, f"{units:,} at {format_money(rate_minor, currency)} CPM comes to more than "
                                     f"{max_amount_text(currency)}, too large for one line")
    return amount


def percent_of(amount_minor: int, basis_points: int) -> int:
    """A percentage (in basis points: 1500 = 15 %) of an amount, half-up once."""
    return round_minor(Decimal(amount_minor) * Decimal(basis_points) / Decimal(10000))


def parse_percent(text: str | int | Decimal, field: str = "percent") -> int:
    """``"15"`` or ``"15%"`` or ``"12.5"`` -> basis points (1500, 1250). 0–100 %."""
    if isinstance(text, bool):
        raise ValidationError(field, f"{text!r} is not a percentage")
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        raw = str(text).strip().rstrip("%").strip()
        if len(raw) > MAX_AMOUNT_TEXT or not re.fullmatch(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", raw):
            # plain digits and a point, as for amounts: no exponent ("1e1"), no decimal comma ("12,5")
            shown = str(text)[:MAX_AMOUNT_TEXT]
            raise ValidationError(field, f"{shown!r} is not a percentage (e.g. 15 or 8.25)")
        value = Decimal(raw)
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
        raise ValidationError(field, "is too large")
    return value
