"""The supplement disclaimer shows on product pages and on pages that name the product, decided
when a page is published and read from a field when it is shown."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from apothecary.catalog.models import ProductPage
from apothecary.compliance.models import ClaimPhraseList, PhraseKind
from apothecary.pages.models import HomePage, StandardPage

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


# --- Decided at publish, read at render --------------------------------------------------------


def standard_page(title, text, *, parent=None):
    parent = parent or HomePage.objects.get()
    page = StandardPage(title=title, intro="", show_health_disclaimer=False, body=paragraph(text))
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_rendering_a_page_with_the_disclaimer_costs_no_extra_query(
    client, django_assert_num_queries
):
    plain = standard_page("Shipping", "Parcels leave the warehouse on weekdays.")
    naming = standard_page("Wearing it", "Many readers wear a B12 Patch on the upper arm.")
    client.get(plain.url), client.get(naming.url)  # warm the site caches
    with CaptureQueriesContext(connection) as without:
        assert DISCLAIMER not in client.get(plain.url).content.decode()

    with django_assert_num_queries(len(without)):
        html = client.get(naming.url).content.decode()

    assert (plain.names_product, naming.names_product) == (False, True)
    assert DISCLAIMER in html


def test_naming_the_product_and_publishing_turns_the_disclaimer_on_and_off_again(client):
    page = standard_page("Wearing it", "Wear it on clean, dry skin.")
    assert DISCLAIMER not in client.get(page.url).content.decode()

    page.body = paragraph("Wear the B12 Patch on clean, dry skin.")
    page.save_revision()
    assert DISCLAIMER not in client.get(page.url).content.decode()  # a draft changes nothing
    page.get_latest_revision().publish()
    shown = client.get(page.url).content.decode()
    page.body = paragraph("Wear it on clean, dry skin.")
    page.save_revision().publish()
    hidden = client.get(page.url).content.decode()

    assert DISCLAIMER in shown
    assert DISCLAIMER not in hidden
    page.refresh_from_db()
    assert page.names_product is False
    assert page.revisions.count() == 3  # deciding made no revision of its own


def test_publishing_a_new_product_decides_the_pages_that_name_it(client):
    page = standard_page("Iron", "Iron Drops ship next month.")
    assert DISCLAIMER not in client.get(page.url).content.decode()
    index = ProductPage.objects.get().get_parent()
    drops = ProductPage(title="Iron Drops", slug="iron-drops", short_description="Iron.")
    index.add_child(instance=drops)

    drops.save_revision().publish()
    shown = client.get(page.url).content.decode()
    drops.unpublish()
    hidden = client.get(page.url).content.decode()

    assert DISCLAIMER in shown
    assert DISCLAIMER not in hidden


def test_deleting_a_product_decides_the_pages_that_named_it(client):
    index = ProductPage.objects.get().get_parent()
    drops = ProductPage(title="Iron Drops", slug="iron-drops", short_description="Iron.")
    index.add_child(instance=drops)
    drops.save_revision().publish()
    page = standard_page("Iron", "Iron Drops ship next month.")
    assert DISCLAIMER in client.get(page.url).content.decode()

    drops.delete()

    assert DISCLAIMER not in client.get(page.url).content.decode()


def test_a_preview_decides_from_the_words_in_the_editor(admin_client):
    page = standard_page("Wearing it", "Wear it on clean, dry skin.")
    url = f"/admin/pages/{page.pk}/edit/preview/"
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": "",
            "body": streamfield([("paragraph", rich_text("<p>Wear the B12 Patch daily.</p>"))]),
        }
    )

    assert admin_client.post(url, data).json()["is_valid"] is True
    preview = admin_client.get(url).content.decode()

    assert DISCLAIMER in preview
    page.refresh_from_db()
    assert page.names_product is False  # the published page is unchanged


def test_compute_names_product_decides_the_live_pages_not_decided_yet():
    page = standard_page("Wearing it", "Many readers wear a B12 Patch on the upper arm.")
    StandardPage.objects.filter(pk=page.pk).update(names_product=None)
    out = io.StringIO()

    call_command("compute_names_product", stdout=out)

    page.refresh_from_db()
    assert page.names_product is True
    assert out.getvalue() == "1 live page(s) changed.\n"


def test_after_migrate_or_flush_the_undecided_live_pages_are_decided():
    page = standard_page("Wearing it", "Many readers wear a B12 Patch on the upper arm.")
    StandardPage.objects.filter(pk=page.pk).update(names_product=None)

    emit_post_migrate_signal(0, False, "default")  # as `flush` sends it: no plan, no state

    page.refresh_from_db()
    assert page.names_product is True
