"""format_money and the template filters: amounts, countries and regions as people read them."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings

from apothecary.core.geography import country_name, region_name
from apothecary.core.money import format_money

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "shown"),
    [
        (Decimal("49.95"), "USD", "en_US", "$49.95"),
        (Decimal("1234.50"), "USD", "en_US", "$1,234.50"),
        (Decimal("49.95"), "EUR", "de_DE", f"49,95{NBSP}€"),
        (Decimal("1234.50"), "EUR", "de_DE", f"1.234,50{NBSP}€"),
        (Decimal("1235"), "JPY", "en_US", "¥1,235"),  # the yen has no minor unit
        (Decimal("49.95"), "CAD", "en_US", "CA$49.95"),
        (Decimal("-5.00"), "USD", "en_US", "-$5.00"),
        (Decimal("-5.00"), "EUR", "de_DE", f"-5,00{NBSP}€"),
        (Decimal("0"), "USD", "en_US", "$0.00"),
        ("19.9", "usd", "en_US", "$19.90"),  # a string, and a lower-case code
    ],
)
def test_an_amount_is_written_as_the_locale_writes_money(amount, currency, locale, shown):
    assert format_money(amount, currency, locale) == shown


@pytest.mark.parametrize("nothing", [None, "", "not a number", "NaN", "Infinity"])
def test_no_amount_shows_nothing(nothing):
    assert format_money(nothing, "USD", "en_US") == ""


def test_the_store_currency_and_locale_are_the_defaults(settings):
    assert format_money(Decimal("49.95")) == "$49.95"
    settings.STORE_CURRENCY, settings.STORE_LOCALE = "EUR", "de_DE"
    assert format_money(Decimal("49.95")) == f"49,95{NBSP}€"
    assert format_money(Decimal("49.95"), "USD") == f"49,95{NBSP}$"


def render(text: str, **context) -> str:
    return Template("{% load money %}" + text).render(Context(context))


def test_the_money_filter_uses_the_given_currency_or_the_stores():
    assert render("{{ a|money }}", a=Decimal("49.95")) == "$49.95"
    assert render("{{ a|money:c }}", a=Decimal("49.95"), c="GBP") == "£49.95"
    assert render("{{ a|money:c }}", a=None, c="USD") == ""


@override_settings(STORE_CURRENCY="EUR", STORE_LOCALE="de_DE")
def test_the_money_filter_follows_the_store_locale():
    assert render("{{ a|money }}", a=Decimal("49.95")) == f"49,95{NBSP}€"


def test_a_country_code_reads_as_its_name_in_the_store_locale(settings):
    assert country_name("US") == "United States"
    assert country_name("de") == "Germany"
    assert country_name("GB") == "United Kingdom"
    assert country_name("US", locale="de_DE") == "Vereinigte Staaten"
    settings.STORE_LOCALE = "fr_FR"
    assert country_name("DE") == "Allemagne"


def test_a_code_that_names_no_country_is_shown_as_it_is():
    assert (country_name("XX"), country_name("")) == ("XX", "")


@pytest.mark.parametrize(
    ("region", "country", "shown"),
    [
        ("CA", "US", "California"),
        ("il", "US", "Illinois"),
        ("ON", "CA", "Ontario"),
        ("QC", "CA", "Quebec"),
        ("NSW", "AU", "New South Wales"),
        ("Bavaria", "DE", "Bavaria"),  # typed as text where the checkout keeps no codes
        ("ZZ", "US", "ZZ"),
        ("", "US", ""),
    ],
)
def test_a_region_code_reads_as_its_name(region, country, shown):
    assert region_name(region, country) == shown
    assert render("{{ r|region_name:c }}", r=region, c=country) == shown


def test_the_country_filter():
    assert render("{{ c|country_name }}", c="CA") == "Canada"
