"""/research/: the library grouped by topic, filtered by topic and type, with the live pages that
cite each source."""

import json
import re

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from apothecary.core.models import NavigationSettings
from apothecary.pages.models import HomePage, ResearchPage, StandardPage
from apothecary.research.models import Citation, CitationKind, CitationUse
from tests.conftest import make_post, publish

pytestmark = pytest.mark.django_db


def cite(title, *, topics=(), kind=CitationKind.STUDY, **fields):
    citation = Citation.objects.create(
        title=title, authors="Doe J", journal="J Test", year=2021, kind=kind, **fields
    )
    citation.topics.add(*topics)
    return citation


@pytest.fixture
def library_only(db):
    """The research page with a library of our own instead of the demo's."""
    Citation.objects.all().delete()
    return ResearchPage.objects.get()


def groups(html) -> dict[str, list[str]]:
    """Topic heading → titles of its sources, in page order."""
    result = {}
    for section in html.split('<section class="library-topic"')[1:]:
        heading = re.search(r"<h3[^>]*>(.*?)</h3>", section)[1]
        result[heading] = [
            t.rstrip(".")
            for t in re.findall(r'<span class="citation__title">(.*?)</span>', section)
        ]
    return result


def test_demo_research_page_is_the_library_in_the_menus_with_the_disclaimer(client):
    page = ResearchPage.objects.get()
    site = Site.objects.get(is_default_site=True)
    nav = NavigationSettings.for_site(site)

    response = client.get("/research/")

    html = response.content.decode()
    assert (page.url, page.live, response.status_code) == ("/research/", True, 200)
    assert not StandardPage.objects.filter(slug="research").exists()
    assert "Coming soon" not in html
    assert "not intended to diagnose, treat, cure, or prevent any disease" in html
    assert "Framingham Osteoporosis Study" in html
    for links in (nav.header_links, nav.footer_links):
        research = [b.value for b in links if b.value["label"] == "Research"]
        assert research and research[0]["page"].pk == page.pk


def test_sources_are_grouped_by_topic_under_each_of_their_topics_untagged_last(
    client, library_only
):
    cite("Bones and nerves", topics=["bone health", "nerves"])
    cite("Only bones", topics=["bone health"])
    cite("No topic")

    html = client.get("/research/").content.decode()

    assert groups(html) == {
        "Bone health": ["Bones and nerves", "Only bones"],
        "Nerves": ["Bones and nerves"],
        "Other": ["No topic"],
    }
    assert "3 sources." in html


def test_filters_by_topic_and_type_and_show_the_choice(client, library_only):
    cite("Bone study", topics=["bone health", "nerves"])
    cite("Bone review", topics=["bone health"], kind=CitationKind.REVIEW)
    cite("Nerve review", topics=["nerves"], kind=CitationKind.REVIEW)

    by_topic = client.get("/research/?topic=bone-health").content.decode()
    by_type = client.get("/research/?type=review").content.decode()
    both = client.get("/research/?topic=nerves&type=review").content.decode()
    none = client.get("/research/?topic=bone-health&type=guideline").content.decode()

    assert groups(by_topic) == {"Bone health": ["Bone review", "Bone study"]}
    assert '<option value="bone-health" selected>' in by_topic
    assert groups(by_type) == {"Bone health": ["Bone review"], "Nerves": ["Nerve review"]}
    assert '<option value="review" selected>' in by_type
    assert groups(both) == {"Nerves": ["Nerve review"]}
    assert groups(none) == {} and "No sources match these filters." in none
    assert '<meta name="robots" content="noindex, follow">' in both


@pytest.mark.parametrize(
    "query",
    [
        "?topic=no-such-topic",
        "?type=pamphlet",
        "?topic=&type=",
        "?topic=%3Cscript%3E&type=%00",
        "?topic=" + "x" * 5000,
        "?type=review&type=nonsense",
    ],
)
def test_invalid_filter_values_are_ignored(client, library_only, query):
    cite("Kept", topics=["bone health"])
    cite("Also kept")

    response = client.get(f"/research/{query}")

    assert response.status_code == 200
    assert groups(response.content.decode()) == {"Bone health": ["Kept"], "Other": ["Also kept"]}
    assert "<script>" not in response.content.decode().split('<main id="main"')[1]


def test_each_source_shows_vancouver_text_summary_pubmed_and_doi_links(client, library_only):
    cite(
        "Low plasma B12 and bone",
        topics=["bone health"],
        pmid="90000002",
        doi="10.9999/ABC.12",
        volume="20",
        issue="1",
        pages="152-158",
        summary="What it looked at, in plain words.",
    )
    cite("A clinic page", kind=CitationKind.WEB_PAGE, url="https://example.org/b12")

    html = client.get("/research/").content.decode()

    assert "Doe J." in html and "J Test." in html and "2021;20(1):152-8." in html
    assert "What it looked at, in plain words." in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/90000002/" rel="noopener"' in html
    assert 'href="https://doi.org/10.9999/abc.12" rel="noopener"' in html
    assert 'href="https://example.org/b12"' in html
    assert '<label for="library-topic">' in html and '<label for="library-type">' in html


def test_cited_in_lists_live_posts_after_publishing_and_drops_them_when_unpublished(
    client, library_only, demo_blog
):
    study = cite("Cited study", topics=["bone health"])
    unused = cite("Uncited study", topics=["bone health"])
    post = make_post(
        demo_blog,
        title="A citing post",
        body=[{"type": "paragraph", "value": f"<p>Claim [cite:{study.pk}].</p>"}],
    )
    draft = make_post(
        demo_blog,
        title="A draft citing post",
        live=False,
        body=[{"type": "paragraph", "value": f"<p>Claim [cite:{study.pk}].</p>"}],
    )

    html = client.get("/research/").content.decode()
    assert list(CitationUse.objects.values_list("citation_id", "page_id")) == [(study.pk, post.pk)]
    assert f'Cited in: <a href="{post.url}">A citing post</a>' in html
    assert draft.title not in html
    assert unused.uses.count() == 0

    post.unpublish()

    assert not CitationUse.objects.exists()
    assert "A citing post" not in client.get("/research/").content.decode()


def test_republishing_without_the_marker_and_deleting_update_the_uses(library_only, demo_blog):
    study, other = cite("First"), cite("Second")
    post = make_post(
        demo_blog,
        title="Changing post",
        body=[{"type": "paragraph", "value": f"<p>[cite:{study.pk}]</p>"}],
    )
    assert set(CitationUse.objects.values_list("citation_id", flat=True)) == {study.pk}

    post.body = json.dumps(
        [
            {"type": "paragraph", "value": "<p>No marker now.</p>"},
            {"type": "citation", "value": {"citation": other.pk, "note": ""}},
        ]
    )
    post.save_revision().publish()
    assert set(CitationUse.objects.values_list("citation_id", flat=True)) == {other.pk}

    Page.objects.get(pk=post.pk).delete()
    assert not CitationUse.objects.exists()


def test_rebuild_command_recreates_the_demo_uses(capsys):
    before = set(CitationUse.objects.values_list("citation_id", "page_id"))
    CitationUse.objects.all().delete()

    call_command("rebuild_citation_uses", verbosity=0)

    assert set(CitationUse.objects.values_list("citation_id", "page_id")) == before
    assert len(before) >= 8


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_the_library(
    client, library_only, demo_blog, count, django_assert_max_num_queries
):
    citations = [cite(f"Source {i}", topics=[f"topic {i % 5}", "all"]) for i in range(count)]
    for i in range(3):
        make_post(
            demo_blog,
            title=f"Citing {i}",
            body=[{"type": "paragraph", "value": "".join(f"[cite:{c.pk}]" for c in citations)}],
        )
    client.get("/")  # warm the site-root cache, as any running server has it

    with django_assert_max_num_queries(15):
        response = client.get("/research/?type=study")

    assert response.content.decode().count("Cited in:") == count * 2


def test_seed_demo_replaces_an_old_research_placeholder_and_the_menus_follow(capsys):
    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.get()
    old = ResearchPage.objects.get()
    old_pk = old.pk
    old.delete()
    placeholder = publish(home, StandardPage(title="Research", slug="research", intro="Soon."))
    nav = NavigationSettings.for_site(site)
    for name in ("header_links", "footer_links"):
        raw = [dict(block) for block in getattr(nav, name).raw_data]
        for block in raw:
            if block["value"]["page"] == old_pk:
                block["value"] = {**block["value"], "page": placeholder.pk}
        setattr(nav, name, json.dumps(raw))
    nav.save()

    call_command("seed_demo")

    page = ResearchPage.objects.get()
    assert page.url == "/research/"
    assert not StandardPage.objects.filter(slug="research").exists()
    nav = NavigationSettings.for_site(site)
    for links in (nav.header_links, nav.footer_links):
        assert [b.value["page"].pk for b in links if b.value["label"] == "Research"] == [page.pk]


def test_editors_can_open_the_research_page_and_a_post_with_citation_blocks(admin_client):
    from apothecary.blog.models import BlogPostPage

    research = ResearchPage.objects.get()
    post = BlogPostPage.objects.get(slug="vitamin-b12-and-bone-health")

    for page in (research, post):
        response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200
        assert "/admin/snippets/choose/research/citation/" in response.content.decode()
