import pytest

from apothecary.blog.models import BlogPostPage
from tests.conftest import make_post

pytestmark = pytest.mark.django_db


def result_titles(response) -> list[str]:
    return [result.title for result in response.context["page_obj"]]


def test_search_finds_a_post_by_a_word_of_its_body(client, demo_blog):
    make_post(
        demo_blog,
        title="Quillwort notes",
        body=[{"type": "paragraph", "value": "<p>The zyzzogeton is a rare word.</p>"}],
    )

    response = client.get("/search/", {"q": "zyzzogeton"})

    assert response.status_code == 200
    assert result_titles(response) == ["Quillwort notes"]
    assert "1 result for" in response.content.decode()


def test_search_leaves_out_drafts(client, demo_blog):
    make_post(demo_blog, title="Draft about zyzzogeton", live=False)

    response = client.get("/search/", {"q": "zyzzogeton"})

    assert result_titles(response) == []
    assert "Nothing matched" in response.content.decode()


def test_search_results_are_paginated(client, demo_blog, settings):
    settings.SEARCH_PAGE_SIZE = 2
    for n in range(5):
        make_post(demo_blog, title=f"Wombatology {n}", days_ago=n)

    first = client.get("/search/", {"q": "wombatology"})
    last = client.get("/search/", {"q": "wombatology", "page": "3"})

    assert first.context["page_obj"].paginator.count == 5
    assert len(result_titles(first)) == 2
    assert len(result_titles(last)) == 1
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "***",
        "\"'<>",
        "()[]{}&|!",
        "%00",
        "a" * 5000,
        "AND OR NOT",
        "<script>alert(1)</script>",
    ],
)
def test_empty_and_junk_queries_get_a_friendly_page(client, query):
    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Search" in html


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999", "1e9", ""])
def test_junk_page_numbers_never_fail(client, page):
    response = client.get("/search/", {"q": "vitamin", "page": page})
    assert response.status_code == 200


def test_search_query_is_escaped_where_it_is_shown(client):
    response = client.get("/search/", {"q": 'b12 "><img src=x onerror=alert(1)>'})

    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_search_finds_demo_posts_by_tag_word(client):
    response = client.get("/search/", {"q": "osteoporosis"})

    titles = result_titles(response)
    assert (
        BlogPostPage.objects.filter(tagged_items__tag__name="osteoporosis").first().title in titles
    )
