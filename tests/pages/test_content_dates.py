""" "Last updated" moves only when what a reader sees changes (pages.content_dates), and a
post says it only when its words changed after it was first published."""

import datetime
import importlib
import json
import re

import pytest
from django.apps import apps as installed_apps
from django.utils import timezone
from wagtail.models import Page

from apothecary.blog.models import BlogPostPage, BlogPostReference
from apothecary.pages.models import HomePage, StandardPage
from tests.conftest import make_post

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2025, 1, 10, 9, 30, tzinfo=datetime.UTC)
UPDATED = re.compile(r'Last updated <time datetime="(\d{4}-\d\d-\d\d)">')


def last_updated_shown(client, page) -> str | None:
    match = UPDATED.search(client.get(page.url).content.decode())
    return match.group(1) if match else None


def stored(page):
    return type(page).objects.values_list("content_updated_at", flat=True).get(pk=page.pk)


def as_if_published_long_ago(page):
    """First published in December 2024, its words last changed on 10 January 2025."""
    Page.objects.filter(pk=page.pk).update(first_published_at=LONG_AGO - datetime.timedelta(40))
    type(page).objects.filter(pk=page.pk).update(content_updated_at=LONG_AGO)


def republish(page, **changes):
    page = type(page).objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def standard_page(title="Iron basics"):
    page = StandardPage(title=title, intro="About iron.")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_the_first_publication_sets_the_date_and_a_fresh_post_says_no_last_updated(
    client, demo_blog
):
    post = make_post(demo_blog, title="Imported from 2012")
    post.refresh_from_db()

    assert stored(post) == post.first_published_at
    assert last_updated_shown(client, post) is None  # its own date (2024) is all it shows


def test_a_promote_tab_change_keeps_the_date(client, demo_blog):
    post = make_post(demo_blog, title="Seo only")
    as_if_published_long_ago(post)

    post = republish(
        post,
        seo_title="A better title for search",
        search_description="A sentence for search engines.",
        show_in_menus=True,
        last_reviewed=datetime.date(2026, 1, 2),
    )

    assert stored(post) == LONG_AGO
    assert post.last_published_at > LONG_AGO
    assert last_updated_shown(client, post) == "2025-01-10"


def test_a_body_change_moves_the_date(client, demo_blog):
    post = make_post(demo_blog, title="Body change")
    as_if_published_long_ago(post)
    body = json.dumps([{"type": "paragraph", "value": "<p>New words for readers.</p>"}])

    post = republish(post, body=body)

    assert stored(post) == post.last_published_at
    assert last_updated_shown(client, post) == f"{timezone.localdate():%Y-%m-%d}"


@pytest.mark.parametrize(
    "change",
    [
        {"title": "A new title"},
        {"intro": "A new excerpt."},
        {"date": datetime.date(2024, 7, 1)},
    ],
)
def test_each_field_of_the_content_tab_moves_the_date(demo_blog, change):
    post = make_post(demo_blog, title="Field change")
    as_if_published_long_ago(post)

    post = republish(post, **change)

    assert stored(post) == post.last_published_at


def test_a_new_reference_or_tag_moves_the_date_and_saving_them_again_does_not(demo_blog):
    post = make_post(demo_blog, title="Rows", tags=["Zinc"])
    as_if_published_long_ago(post)

    same = republish(post)  # the same rows, saved again
    assert stored(same) == LONG_AGO

    with_reference = BlogPostPage.objects.get(pk=post.pk)
    with_reference.references.add(BlogPostReference(title="A source", source="J Test, 2020"))
    with_reference.save_revision().publish()
    assert stored(with_reference) > LONG_AGO

    as_if_published_long_ago(post)
    tagged = BlogPostPage.objects.get(pk=post.pk)
    tagged.tags.add("Iron")
    tagged.save_revision().publish()
    assert stored(tagged) > LONG_AGO


def test_a_page_without_a_date_shows_when_its_words_last_changed(client):
    page = standard_page()
    as_if_published_long_ago(page)

    republish(page, search_description="Only for search engines.")
    assert last_updated_shown(client, page) == "2025-01-10"

    republish(page, intro="Iron, explained again.")
    assert last_updated_shown(client, page) == f"{timezone.localdate():%Y-%m-%d}"


def test_publishing_an_old_revision_again_does_not_bring_back_its_date(demo_blog):
    post = make_post(demo_blog, title="Revert")
    first_revision = BlogPostPage.objects.get(pk=post.pk).live_revision
    as_if_published_long_ago(post)
    post = republish(post, intro="Changed words.")
    moved = stored(post)

    first_revision.publish()

    assert stored(post) > moved  # the words readers see changed back: a change, now


def test_the_migration_takes_pages_as_unchanged_since_their_first_publication(demo_blog):
    post = make_post(demo_blog, title="Before the field")
    BlogPostPage.objects.filter(pk=post.pk).update(content_updated_at=None)
    migration = importlib.import_module("apothecary.blog.migrations.0007_content_updated_at")

    migration.fill_from_first_publication(installed_apps, None)

    post.refresh_from_db()
    assert post.content_updated_at == post.first_published_at
