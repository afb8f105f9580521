"""Money and places as people read them, in the store's locale:
`{% load money %}{{ order.total|money:order.currency }}` → $49.95,
`{{ order.shipping_country|country_name }}` → United States,
`{{ order.shipping_region|region_name:order.shipping_country }}` → California."""

from django import template

from apothecary.core import geography
from apothecary.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency=None) -> str:
    return format_money(amount, currency or None)


@register.filter
def country_name(code) -> str:
    return geography.country_name(code) if code else ""


@register.filter
def region_name(region, country="") -> str:
    return geography.region_name(region or "", country or "")
