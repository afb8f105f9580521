"""The storefront's template tags. Money and places come from core's `money` library, registered
here too so `{% load store_tags %}` pages keep `|money`, `|country_name` and `|region_name`."""

from django import template

from apothecary.core.templatetags import money as core_money

register = template.Library()

register.filter("money", core_money.money)
register.filter("country_name", core_money.country_name)
register.filter("region_name", core_money.region_name)
