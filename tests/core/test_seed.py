from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from apothecary.blog.models import BlogPostPage
from apothecary.core.models import CreditedImage, NavigationSettings
from apothecary.core.seeding import ADMIN_EMAIL
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

    from apothecary.core.demo import faq, pages, posts

    texts = [
        repr(posts.POSTS),
        repr(pages.STANDARD_PAGES),
        repr(pages.PRODUCT_PAGE),
        repr(pages.HOME),
        repr(faq.FAQ),
    ]
    claim = re.compile(
        r"patch(es)?\W+(\w+\W+){0,4}(cures?|treats?|prevents?|heals?|reverses?)\b", re.I
    )
    for text in texts:
        assert not claim.search(text), claim.search(text).group(0)
