from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from apothecary.blog.models import BlogPostPage
from apothecary.core.models import CreditedImage, NavigationSettings
from apothecary.demo import content
from apothecary.demo.seeding import ADMIN_EMAIL
from apothecary.pages.models import FAQPage

pytestmark = pytest.mark.django_db


def counts():
    return (
        Page.objects.count(),
        CreditedImage.objects.count(),
        BlogPostPage.objects.count(),
        get_user_model().objects.count(),
    )


def test_demo_has_the_content_the_reference_site_needs():
    posts = BlogPostPage.objects.live()
    tagged = posts.filter(tagged_items__tag__name="What is B12 deficiency")

    assert posts.count() >= 8
    assert tagged.count() >= 4
    assert {p.date for p in posts} >= {date(2012, 1, 12), date(2011, 11, 7)}
    assert sum(1 for _ in FAQPage.objects.get().questions()) >= 10
    assert CreditedImage.objects.exclude(credit="").count() == CreditedImage.objects.count() > 0
    assert get_user_model().objects.get(email=ADMIN_EMAIL).is_superuser


def test_seed_demo_twice_creates_nothing_new(capsys):
    before = counts()

    call_command("seed_demo")

    assert counts() == before
    assert "nothing to create" in capsys.readouterr().out


def test_seed_demo_keeps_an_editors_changes(capsys):
    page = Page.objects.get(slug="privacy").specific
    page.title = "Our privacy promise"
    page.save_revision().publish()

    call_command("seed_demo")

    assert Page.objects.get(slug="privacy").title == "Our privacy promise"


def test_seed_demo_reset_rebuilds_the_demo(capsys):
    before = counts()
    Page.objects.get(slug="faq").delete()

    call_command("seed_demo", "--reset")

    assert counts() == before
    assert FAQPage.objects.live().count() == 1
    assert len(NavigationSettings.objects.get().header_links) == 8
    out = capsys.readouterr().out
    assert f"email: {ADMIN_EMAIL}" in out


def test_demo_copy_makes_no_disease_claims_for_the_product():
    """The copy may explain diseases, but never says the patch cures, treats or prevents one."""
    import re

    texts = [path.read_text(encoding="utf-8") for path in content.data_files()]
    claim = re.compile(
        r"patch(es)?\W+(\w+\W+){0,4}(cures?|treats?|prevents?|heals?|reverses?)\b", re.I
    )
    for text in texts:
        assert not claim.search(text), claim.search(text).group(0)


def test_demo_has_the_affiliate_program_page_terms_creatives_and_an_approved_affiliate():
    from apothecary.affiliates.models import (
        Affiliate,
        AffiliateProgramPage,
        Creative,
        program_settings,
    )
    from apothecary.demo.affiliates import affiliate_spec

    DEMO_AFFILIATE_PASSWORD = affiliate_spec()["password"]

    page = AffiliateProgramPage.objects.get()
    program = program_settings()
    affiliate = Affiliate.objects.get(code="b12friend")

    assert (page.url, page.live) == ("/affiliates/", True)
    assert "Sign-up opening soon" not in str(page.body)
    assert "Payouts" in program.terms and "commission" in program.disclosure
    assert sorted(Creative.objects.values_list("kind", flat=True)) == ["banner", "text"]
    assert Creative.objects.get(kind="banner").image.credit
    assert affiliate.status == "approved"
    assert affiliate.user.email == "affiliate@b12patch.example"
    assert affiliate.user.check_password(DEMO_AFFILIATE_PASSWORD)


def test_seed_demo_replaces_the_old_affiliates_placeholder_and_the_footer_follows(capsys):
    """Demos seeded before the program had a StandardPage at /affiliates/."""
    import json

    from wagtail.models import Site

    from apothecary.affiliates.models import AffiliateProgramPage
    from apothecary.pages.models import StandardPage

    site = Site.objects.get(is_default_site=True)
    old = Page.objects.get(slug="affiliates")
    old_pk = old.pk
    old.delete()
    placeholder = StandardPage(title="Affiliate Program", slug="affiliates", intro="Soon.")
    site.root_page.add_child(instance=placeholder)
    placeholder.save_revision().publish()
    nav = NavigationSettings.for_site(site)
    raw = [dict(block) for block in nav.footer_links.raw_data]
    for block in raw:
        if block["value"]["page"] == old_pk:
            block["value"] = {**block["value"], "page": placeholder.pk}
    nav.footer_links = json.dumps(raw)
    nav.save()

    call_command("seed_demo")

    page = AffiliateProgramPage.objects.get()
    assert page.url == "/affiliates/"
    assert not StandardPage.objects.filter(slug="affiliates").exists()
    footer = [block.value for block in NavigationSettings.for_site(site).footer_links]
    assert footer[-1]["label"] == "Affiliate Program"
    assert footer[-1]["page"].pk == page.pk


def row_counts():
    """Rows of every model of ours and of Wagtail's (pages, revisions, images, logs, tags)."""
    from django.apps import apps

    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith(("apothecary.", "wagtail.", "taggit."))
        and not model._meta.proxy
    }


def test_seeding_the_seeded_demo_again_creates_nothing_and_adds_no_row():
    from apothecary.demo.seeding import seed_demo

    before = row_counts()

    report = seed_demo(quiet=True)

    assert report.created == []
    assert row_counts() == before
    assert before["orders.Order"] == 30 and before["reviews.Review"] == 32
