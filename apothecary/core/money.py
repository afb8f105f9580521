"""Money is Decimal with two places, rounded half-up here and nowhere else.

`format_money` is the one way an amount is written for people (pages, emails, PDFs, the
admin): Babel's currency format of the store's locale, "$49.95" in en_US, "49,95 €" in de_DE.
Spreadsheet exports keep plain numbers.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency
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


def store_locale() -> str:
    return settings.STORE_LOCALE


def format_money(amount, currency: str | None = None, locale: str | None = None) -> str:
    """`amount` in `currency` (the store's by default) as a reader of `locale` (the store's)
    expects it: symbol, separators and the currency's own number of decimals (none for JPY).
    None or an empty string gives ""; so does anything that is not a number."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return ""
    if not value.is_finite():
        return ""
    return format_currency(
        value,
        (currency or store_currency()).upper(),
        locale=locale or store_locale(),
    )
