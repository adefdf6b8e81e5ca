"""What one read is worth. The single pricing rule for lists, dashboards and invoices.

- A flagged read (missed or wrong) is worth nothing until made good.
- A make-good is billed at no charge.
- A price override on the read wins over the campaign's pricing.
- ``flat``: the campaign's rate per read.
- ``per_episode``: the rate once per episode; further reads of the same campaign in the same
  episode are included at no charge.
- ``cpm``: units ÷ 1000 × rate (units: downloads at the campaign's window), rounded half-up
  once, to the minor unit. Unknown units mean the amount is not known yet (``None``).
"""

from __future__ import annotations

from sponsortrack.money import cpm_amount

DELIVERED_STATUSES = ("recorded", "aired", "verified")
#: A read is billed while the invoice that claims it is in one of these statuses (a draft bills nothing yet).
BILLED_INVOICE_STATUSES = ("issued", "paid")


def read_amount(pricing: str | None, rate_minor: int | None, units: int | None, *, status: str,
                make_good: bool, override_minor: int | None, first_in_episode: bool) -> int | None:
    if status == "flagged":
        return 0
    if make_good:
        return 0
    if override_minor is not None:
        return override_minor
    if pricing is None or rate_minor is None:
        return None
    if pricing == "flat":
        return rate_minor
    if pricing == "per_episode":
        return rate_minor if first_in_episode else 0
    if pricing == "cpm":
        return None if units is None else cpm_amount(units, rate_minor)
    raise ValueError(f"unknown pricing {pricing!r}")
