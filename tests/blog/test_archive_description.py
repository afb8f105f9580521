"""A tag archive's meta description is a sentence about the tag, not about the blog page."""

import pytest

from apothecary.core.models import BrandSettings
from tests.conftest import make_post
from tests.helpers import parse_page

pytestmark = pytest.mark.django_db


def test_a_tag_archive_describes_its_tag_with_the_count_and_the_brand(client, demo_blog):
    make_post(demo_blog, title="Zinc one", tags=["Zinc"], days_ago=1)
    make_post(demo_blog, title="Zinc two", tags=["Zinc"], days_ago=2)
    make_post(demo_blog, title="Zinc three", tags=["Zinc"], days_ago=3)
    make_post(demo_blog, title="Iron only", tags=["Iron"])
    brand = BrandSettings.for_site(demo_blog.get_site()).brand_name

    meta = parse_page(client.get("/blog/tag/zinc/")).meta

    expected = f"Posts about Zinc from {brand}: 3 articles, newest first."
    assert meta["description"] == expected
    assert meta["og:description"] == expected
    assert "Every post on" not in meta["description"]


def test_a_tag_with_one_post_says_one_article(client, demo_blog):
    make_post(demo_blog, title="Lonely", tags=["Cobalt"])
    brand = BrandSettings.for_site(demo_blog.get_site()).brand_name

    meta = parse_page(client.get("/blog/tag/cobalt/")).meta

    assert meta["description"] == f"Posts about Cobalt from {brand}: 1 article, newest first."
