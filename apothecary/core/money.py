"""Money is Decimal with two places, rounded half-up here and nowhere else."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize(amount) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def money_field_kwargs(**extra) -> dict:
    """The one shape every amount column has."""
    return {"max_digits": 12, "decimal_places": 2, **extra}


def store_currency() -> str:
    return settings.STORE_CURRENCY
