"""A post that discusses a condition the claims checker knows shows the health disclaimer by
default (`BlogPostPage.mentions_condition`, decided at publish and read from a field)."""

import json

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apothecary.blog.models import BlogPostPage
from apothecary.compliance.models import ClaimPhraseList, PhraseKind
from tests.conftest import make_post

pytestmark = pytest.mark.django_db

DISCLAIMER = 'aria-label="Health disclaimer"'


def body(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


@pytest.fixture
def scurvy_known(db):
    return ClaimPhraseList.objects.create(
        name="Test conditions", kind=PhraseKind.DISEASE, phrases="scurvy\nrickets"
    )


def shows_disclaimer(client, post) -> bool:
    return DISCLAIMER in client.get(post.url).content.decode()


def test_a_post_naming_a_known_condition_shows_the_disclaimer_without_the_box(
    client, demo_blog, scurvy_known
):
    post = make_post(
        demo_blog, title="Sailors of old", body=body("Scurvy was common on long voyages.")
    )

    post.refresh_from_db()
    assert post.show_health_disclaimer is False
    assert post.mentions_condition is True
    assert shows_disclaimer(client, post)


def test_a_post_naming_no_condition_shows_none_unless_the_editor_ticks_the_box(
    client, demo_blog, scurvy_known
):
    post = make_post(demo_blog, title="Packing list", body=body("Pack a hat and a flask."))
    assert not shows_disclaimer(client, post)

    post = BlogPostPage.objects.get(pk=post.pk)
    post.show_health_disclaimer = True
    post.save_revision().publish()

    assert shows_disclaimer(client, post)


def test_the_generic_any_disease_is_not_a_condition(client, demo_blog, scurvy_known):
    post = make_post(
        demo_blog, title="Our rules", body=body("We never say a product cures any disease.")
    )

    post.refresh_from_db()
    assert post.mentions_condition is False


def test_it_is_decided_at_publish_and_a_draft_changes_nothing(client, demo_blog, scurvy_known):
    post = make_post(demo_blog, title="Voyages", body=body("Ships carried lemons."))
    post = BlogPostPage.objects.get(pk=post.pk)

    post.body = json.dumps(body("Lemons kept scurvy away."))
    post.save_revision()
    after_draft = shows_disclaimer(client, post)
    post.get_latest_revision().publish()

    assert after_draft is False
    assert shows_disclaimer(client, post)


def test_rendering_a_post_with_the_disclaimer_costs_no_extra_query(
    client, demo_blog, scurvy_known, django_assert_num_queries
):
    plain = make_post(demo_blog, title="Plain one", body=body("Pack a hat."))
    naming = make_post(demo_blog, title="Naming one", body=body("Rickets softens bones."))
    client.get(plain.url), client.get(naming.url)  # warm the site caches
    with CaptureQueriesContext(connection) as without:
        assert DISCLAIMER not in client.get(plain.url).content.decode()

    with django_assert_num_queries(len(without)):
        assert DISCLAIMER in client.get(naming.url).content.decode()


def test_a_condition_added_to_the_lists_decides_the_live_posts_again(client, demo_blog):
    post = make_post(demo_blog, title="Old sailors", body=body("Beriberi struck the crews."))
    assert not shows_disclaimer(client, post)

    ClaimPhraseList.objects.create(name="More", kind=PhraseKind.DISEASE, phrases="beriberi")

    assert shows_disclaimer(client, post)


def test_after_migrate_the_undecided_live_posts_are_decided(demo_blog, scurvy_known):
    post = make_post(demo_blog, title="Undecided", body=body("Scurvy, then lemons."))
    BlogPostPage.objects.filter(pk=post.pk).update(mentions_condition=None)

    emit_post_migrate_signal(0, False, "default")

    post.refresh_from_db()
    assert post.mentions_condition is True
