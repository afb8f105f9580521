"""Showing money in templates: `{{ amount|money }}` → $12.50 (or 12.50 SEK)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings

from apothecary.core import geography
from apothecary.core.money import quantize

register = template.Library()

SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "EUR": "€", "GBP": "£"}


@register.filter
def money(amount, currency=None) -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = quantize(Decimal(str(amount)))
    except (InvalidOperation, ValueError):
        return ""
    code = (currency or settings.STORE_CURRENCY).upper()
    text = f"{abs(value):,.2f}"
    sign = "−" if value < 0 else ""
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {code}"


@register.filter
def country_name(code) -> str:
    """'US' → 'United States'."""
    return geography.country_name(code) if code else ""
