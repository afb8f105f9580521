"""Numbered references in page bodies: [cite:…] markers and citation blocks, numbered in order of
first use, with a References list that matches the superscripts."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apothecary.blog.models import BlogPostReference
from apothecary.pages.models import HomePage, StandardPage
from apothecary.research.models import Citation
from apothecary.research.references import ReferenceCollector, find_markers
from tests.conftest import make_post, publish

pytestmark = pytest.mark.django_db


def cite(title, **fields):
    return Citation.objects.create(
        title=title,
        authors=fields.pop("authors", "Doe J"),
        journal="J Test",
        year=2020,
        **fields,
    )


def paragraph(html):
    return {"type": "paragraph", "value": html}


def callout(html):
    return {"type": "callout", "value": {"tone": "info", "title": "", "text": html}}


def citation_block(citation, note=""):
    return {"type": "citation", "value": {"citation": citation.pk, "note": note}}


def make_page(*blocks, slug="cited"):
    home = HomePage.objects.get()
    return publish(home, StandardPage(title="Cited page", slug=slug, body=json.dumps(blocks)))


def superscripts(html) -> list[list[int]]:
    """The numbers of each superscript, in reading order."""
    return [
        [int(n) for n in re.findall(r">(\d+)</a>", sup)]
        for sup in re.findall(r'<sup class="cite">(.*?)</sup>', html)
    ]


def reference_list(html) -> list[tuple[int, str]]:
    """(number, title) of each entry of the numbered References list."""
    match = re.search(r'<ol class="reference-list">(.*?)</ol>', html, re.S)
    if not match:
        return []
    return [
        (int(number), title.rstrip("."))
        for number, title in re.findall(
            r'<li id="ref-(\d+)">.*?<span class="citation__title">(.*?)</span>', match[1], re.S
        )
    ]


def test_numbers_follow_first_use_across_paragraphs_callouts_and_blocks(client):
    a, b, c, d = (cite(f"Study {x}") for x in "ABCD")
    page = make_page(
        paragraph(f"<p>First claim [cite:{b.pk}]. Second claim [cite:{a.pk}].</p>"),
        callout(f"<p>A tip [cite:{c.pk}].</p>"),
        paragraph(f"<p>Back to the first source [cite:{b.pk}].</p>"),
        citation_block(d, note="The figures above."),
        paragraph(f"<p>And again [cite:{a.pk}].</p>"),
    )

    html = client.get(page.url).content.decode()

    assert superscripts(html) == [[1], [2], [3], [1], [4], [2]]
    assert reference_list(html) == [(1, "Study B"), (2, "Study A"), (3, "Study C"), (4, "Study D")]
    # each spot has its own id; the list links back to the first one of each number
    for spot in ["cite-1-a", "cite-2-a", "cite-3-a", "cite-1-b", "cite-4-a", "cite-2-b"]:
        assert html.count(f'id="{spot}"') == 1
    for number in range(1, 5):
        assert html.count(f'href="#ref-{number}"') >= 1
        assert f'href="#cite-{number}-a"' in html
    assert "[cite:" not in html
    assert "The figures above." in html
    assert "First claim<sup" in html  # the space before a marker goes with it


def test_a_deleted_citation_leaves_no_number_and_the_others_stay_consecutive(client, caplog):
    a, gone, c = cite("Kept A"), cite("Deleted"), cite("Kept C")
    page = make_page(
        paragraph(f"<p>One [cite:{a.pk}]. Two [cite:{gone.pk}]. Three [cite:{c.pk}].</p>"),
        citation_block(gone, note="Should not show"),
        paragraph(f"<p>Both [cite:{gone.pk},{c.pk}]. Only gone [cite:{gone.pk}].</p>"),
    )
    gone_pk = gone.pk
    gone.delete()
    StandardPage.objects.get(pk=page.pk).save_revision().publish()  # the editor is told

    response = client.get(page.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert superscripts(html) == [[1], [2], [2]]
    assert reference_list(html) == [(1, "Kept A"), (2, "Kept C")]
    assert "Deleted" not in html and "Should not show" not in html
    assert "[cite:" not in html
    assert "Two." in html and "Only gone.</p>" in html
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(f"cited but not in the library: pk:{gone_pk}" in m for m in warnings)
    assert any("citation block's source was deleted" in m for m in warnings)


def test_one_marker_may_cite_several_sources_shown_in_number_order(client):
    a, b, c = cite("Alpha"), cite("Beta"), cite("Gamma")
    page = make_page(
        paragraph(f"<p>Start [cite:{b.pk}]. Many [cite:{c.pk}, {a.pk},{b.pk}].</p>"),
    )

    html = client.get(page.url).content.decode()

    assert superscripts(html) == [[1], [1, 2, 3]]
    assert reference_list(html) == [(1, "Beta"), (2, "Gamma"), (3, "Alpha")]


def test_pmid_and_doi_markers_find_the_same_citation_as_its_id(client):
    framingham = cite("Framingham", pmid="90000001", doi="10.9999/jbmr.0001")
    other = cite("Other", doi="10.9999/xyz-1(2)")
    page = make_page(
        paragraph("<p>By PMID [cite:pmid:90000001].</p>"),
        paragraph("<p>By DOI in capitals [cite:DOI:10.9999/JBMR.0001].</p>"),
        paragraph(f"<p>By id [cite:{framingham.pk}]. Odd DOI [cite:doi:10.9999/xyz-1(2)].</p>"),
        paragraph("<p>Unknown PMID [cite:pmid:999999999].</p>"),
    )

    html = client.get(page.url).content.decode()

    assert superscripts(html) == [[1], [1], [1], [2]]
    assert reference_list(html) == [(1, "Framingham"), (2, other.title)]
    assert "Unknown PMID.</p>" in html


@pytest.mark.parametrize(
    "text",
    ["[cite]", "[cite:]", "[cite:abc]", "[cite:key:framingham-bmd]", "[ cite:1 ]", "[cite:1;2]"],
)
def test_text_that_only_looks_like_a_marker_is_left_as_written(client, text):
    cite("Unused")
    page = make_page(paragraph(f"<p>Editors may write {text} in prose.</p>"))

    html = client.get(page.url).content.decode()

    assert f"Editors may write {text} in prose." in html
    assert superscripts(html) == []
    assert 'id="references-heading"' not in html


def test_titles_and_notes_are_escaped(client):
    evil = cite("<script>alert(1)</script> Study", authors="<b>Bold</b> A")
    page = make_page(
        paragraph(f"<p>Claim [cite:{evil.pk}].</p>"),
        citation_block(evil, note="<img src=x onerror=alert(2)>"),
    )

    html = client.get(page.url).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Study" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>Bold</b>" not in html


def test_the_collector_fetches_all_marker_citations_in_one_query():
    citations = [cite(f"Bulk {i}", pmid=str(91000000 + i)) for i in range(12)]
    body = [paragraph(f"<p>[cite:{c.pk}] and [cite:pmid:{c.pmid}]</p>") for c in citations]
    page = make_page(*body)
    page = StandardPage.objects.get(pk=page.pk)

    with CaptureQueriesContext(connection) as queries:
        collector = ReferenceCollector.for_page(page)

    assert len(queries) == 1
    assert [r.citation.title for r in collector.references] == [f"Bulk {i}" for i in range(12)]


@pytest.mark.parametrize("count", [3, 30])
def test_a_pages_queries_do_not_grow_with_its_references(
    client, count, django_assert_max_num_queries
):
    citations = [cite(f"Many {i}") for i in range(count)]
    body = [paragraph(f"<p>Text [cite:{c.pk}].</p>") for c in citations]
    body += [citation_block(c) for c in citations]
    page = make_page(*body)
    client.get("/")  # warm the site-root cache, as any running server has it

    with django_assert_max_num_queries(14):
        html = client.get(page.url).content.decode()

    assert len(reference_list(html)) == count


def test_markers_are_numbered_in_a_preview_of_unsaved_changes():
    a, b = cite("Saved"), cite("Added in the draft")
    page = make_page(paragraph(f"<p>Saved [cite:{a.pk}].</p>"))
    page.body = json.dumps(
        [paragraph(f"<p>New first [cite:{b.pk}].</p>"), paragraph(f"<p>Saved [cite:{a.pk}].</p>")]
    )

    response = page.make_preview_request()

    html = response.content.decode()
    assert superscripts(html) == [[1], [2]]
    assert reference_list(html) == [(1, "Added in the draft"), (2, "Saved")]


def test_a_posts_free_text_references_follow_as_further_reading(client, demo_blog):
    study = cite("Numbered study")
    post = make_post(
        demo_blog, title="Mixed references", body=[paragraph(f"<p>Claim [cite:{study.pk}].</p>")]
    )
    post.references.add(BlogPostReference(title="A clinic's overview", url="https://example.org/"))
    post.save_revision().publish()
    plain = make_post(demo_blog, title="Plain references")
    plain.references.add(BlogPostReference(title="Only free text", url="https://example.com/"))
    plain.save_revision().publish()

    mixed_html = client.get(post.url).content.decode()
    plain_html = client.get(plain.url).content.decode()

    assert reference_list(mixed_html) == [(1, "Numbered study")]
    assert mixed_html.index('id="references-heading"') < mixed_html.index("Further reading")
    assert "A clinic&#x27;s overview" in mixed_html
    assert "Further reading" not in plain_html
    assert 'id="references-heading"' in plain_html and "Only free text" in plain_html


def test_find_markers_reads_every_kind_of_reference():
    text = "<p>[cite:12] x [cite:pmid:1320549, doi:10.1042/CS0820681,7] [cite:abc]</p>"

    assert find_markers(text) == [
        ("pk", 12),
        ("pmid", "1320549"),
        ("doi", "10.1042/cs0820681"),
        ("pk", 7),
    ]


def test_demo_posts_cite_the_library_with_numbered_references(client):
    html = client.get("/blog/vitamin-b12-and-bone-health/").content.decode()

    titles = [title for _, title in reference_list(html)]
    assert any("Framingham Osteoporosis Study" in t for t in titles)
    assert any("etidronate" in t for t in titles)
    numbers = [n for sup in superscripts(html) for n in sup]
    assert numbers and sorted(set(numbers)) == list(range(1, len(titles) + 1))
    assert "[cite:" not in html


@pytest.mark.parametrize("where", ["product", "order", "contact", "reviews", "affiliates"])
def test_every_page_type_with_a_body_lists_what_its_markers_cite(client, where):
    """A marker anywhere a body is edited numbers a reference that exists on that page."""
    from apothecary.affiliates.models import AffiliateProgramPage
    from apothecary.catalog.models import OrderPage, ProductPage
    from apothecary.contact.models import ContactPage
    from apothecary.reviews.models import ReviewsPage

    study = cite("A trial of oral cobalamin")
    model, field = {
        "product": (ProductPage, "description"),
        "order": (OrderPage, "body"),
        "contact": (ContactPage, "body"),
        "reviews": (ReviewsPage, "body"),
        "affiliates": (AffiliateProgramPage, "body"),
    }[where]
    page = model.objects.live().first()
    body = [paragraph(f"<p>Absorbed by mouth too [cite:{study.pk}].</p>")]
    setattr(page, field, json.dumps(body))
    page.save_revision().publish()

    html = client.get(page.url).content.decode()

    assert superscripts(html) == [[1]]
    assert reference_list(html) == [(1, "A trial of oral cobalamin")]


def further_reading_items(html) -> list[str]:
    section = re.search(r'<section class="references further-reading".*?</section>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", section.group(0), re.S)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in items]


def test_a_further_reading_title_ending_in_a_mark_gets_no_second_one(client, demo_blog):
    post = make_post(demo_blog, title="Bones and B12")
    post.references.add(
        BlogPostReference(
            title="What Causes Osteoporosis? And Why?",
            source="Bone Health Trust, 2019",
            url="https://example.org/why",
        )
    )
    post.references.add(BlogPostReference(title="B12 at last!", source="Clinic news, 2020"))
    post.references.add(BlogPostReference(title="A plain title", source="J Test, 2021"))
    post.references.add(BlogPostReference(title="No source given?"))
    post.save_revision().publish()

    html = client.get(post.url).content.decode()

    assert further_reading_items(html) == [
        "What Causes Osteoporosis? And Why? Bone Health Trust, 2019",
        "B12 at last! Clinic news, 2020",
        "A plain title. J Test, 2021",
        "No source given?",
    ]
