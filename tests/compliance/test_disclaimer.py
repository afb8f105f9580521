"""The supplement disclaimer shows on product pages and on pages that name the product."""

import json

import pytest

from apothecary.catalog.models import ProductPage
from apothecary.compliance.models import ClaimPhraseList, PhraseKind
from apothecary.pages.models import StandardPage

pytestmark = pytest.mark.django_db

DISCLAIMER = 'aria-label="Health disclaimer"'


def put_live(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def paragraph(text):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


def test_a_product_page_shows_the_disclaimer_even_when_not_ticked(client):
    product = put_live(ProductPage.objects.get(), show_health_disclaimer=False)

    html = client.get(product.url).content.decode()

    assert DISCLAIMER in html
    assert "not intended to diagnose, treat, cure, or prevent any disease" in html


def test_a_page_naming_the_product_in_its_body_shows_the_disclaimer(client):
    page = put_live(
        StandardPage.objects.get(slug="privacy"),
        show_health_disclaimer=False,
        body=paragraph("Many readers wear a B12 Patch on the upper arm."),
    )

    assert DISCLAIMER in client.get(page.url).content.decode()


def test_a_page_that_does_not_name_the_product_shows_no_disclaimer(client):
    page = put_live(
        StandardPage.objects.get(slug="privacy"),
        title="Privacy",
        search_description="How we handle your data.",
        intro="",
        show_health_disclaimer=False,
        body=paragraph("We keep your address only as long as the law asks."),
    )

    assert DISCLAIMER not in client.get(page.url).content.decode()


def test_a_new_product_name_in_the_phrase_lists_takes_effect_at_once(client):
    page = put_live(
        StandardPage.objects.get(slug="privacy"),
        title="Privacy",
        search_description="",
        intro="",
        show_health_disclaimer=False,
        body=paragraph("Our sleep drops ship in a plain box."),
    )
    assert DISCLAIMER not in client.get(page.url).content.decode()

    ClaimPhraseList.objects.create(
        name="Second product", kind=PhraseKind.PRODUCT, phrases="our sleep drops"
    )

    assert DISCLAIMER in client.get(page.url).content.decode()
