import re

import feedparser
import pytest
from taggit.models import Tag

from apothecary.blog.models import BlogIndexPage, BlogPostPage, BlogPostRelatedLink
from tests.conftest import make_post, publish
from tests.helpers import h1, json_ld_types, parse_page

pytestmark = pytest.mark.django_db


def card_titles(response) -> list[str]:
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", t).strip()
        for t in re.findall(r'class="post-card-title"><a [^>]*>(.*?)</a>', html)
    ]


def test_blog_index_lists_live_posts_newest_first_with_excerpts(client, demo_blog):
    posts = list(BlogPostPage.objects.live().order_by("-date")[:10])

    response = client.get("/blog/")

    assert card_titles(response) == [p.title for p in posts]
    assert posts[0].intro in response.content.decode()


def test_tag_archive_lists_exactly_the_tagged_live_posts_newest_first(client, demo_blog):
    tagged = make_post(demo_blog, title="Tagged new", tags=["Zinc"], days_ago=1)
    older = make_post(demo_blog, title="Tagged old", tags=["Zinc"], days_ago=30)
    make_post(demo_blog, title="Tagged draft", tags=["Zinc"], live=False)
    make_post(demo_blog, title="Untagged", tags=["Iron"])

    response = client.get("/blog/tag/zinc/")

    assert response.status_code == 200
    assert h1(response) == "Posts tagged \u2018Zinc\u2019"
    assert card_titles(response) == [tagged.title, older.title]


def test_demo_tag_archive_has_the_reference_sites_title_and_at_least_four_posts(client):
    response = client.get("/blog/tag/what-is-b12-deficiency/")

    assert h1(response) == "Posts tagged \u2018What is B12 deficiency\u2019"
    expected = (
        BlogPostPage.objects.live()
        .filter(tagged_items__tag__name="What is B12 deficiency")
        .order_by("-date")
    )
    assert len(expected) >= 4
    assert card_titles(response) == [p.title for p in expected][:10]
    assert json_ld_types(response) == ["BreadcrumbList"]
    crumbs = parse_page(response).json_ld[0]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Blog", h1(response)]


@pytest.mark.parametrize(
    "url",
    [
        "/blog/tag/no-such-tag/",
        "/blog/tag/no-such-tag/feed/",
        "/blog/no-such-post/",
        "/blog/tag/",
        "/blog/tag/%20/",
    ],
)
def test_unknown_tags_and_posts_are_404(client, url):
    assert client.get(url).status_code == 404


def test_tag_used_only_by_a_draft_is_404(client, demo_blog):
    make_post(demo_blog, title="Secret", tags=["Unannounced"], live=False)

    assert client.get("/blog/tag/unannounced/").status_code == 404
    assert client.get("/blog/tag/unannounced/feed/").status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-3", "999999", "1.5", "%00"])
def test_junk_page_numbers_give_a_page_not_an_error(client, page):
    for url in ["/blog/", "/blog/tag/what-is-b12-deficiency/"]:
        response = client.get(url, {"page": page})
        assert response.status_code == 200


def test_huge_page_number_shows_the_last_page(client, demo_blog, settings):
    settings.BLOG_PAGE_SIZE = 2
    count = BlogPostPage.objects.live().count()

    response = client.get("/blog/", {"page": "999999"})

    assert response.context["page_obj"].number == (count + 1) // 2


def test_post_page_shows_date_author_tags_body_references_credits_and_read_more(client):
    post = BlogPostPage.objects.get(
        slug=BlogPostPage.objects.filter(date="2012-01-12").values_list("slug", flat=True)[0]
    )

    response = client.get(post.url)

    html = response.content.decode()
    assert h1(response) == post.title
    assert '<time datetime="2012-01-12">12 January 2012</time>' in html
    for item in post.tagged_items.all():
        assert f'href="/blog/tag/{item.tag.slug}/"' in html
    assert 'id="references-heading"' in html
    for ref in post.references.all():
        assert ref.url in html
    assert "Image credits" in html
    assert post.related_links.count() >= 1
    for link in post.related_links.all():
        assert f'href="{link.target.url}"' in html
    assert "<table" in html
    assert "not intended to diagnose, treat, cure, or prevent any disease" in html


def test_post_json_ld_is_a_blog_posting_with_breadcrumbs(client):
    post = BlogPostPage.objects.live().order_by("date").first()

    response = client.get(post.url)

    blocks = parse_page(response).json_ld
    assert [b["@type"] for b in blocks] == ["BlogPosting", "BreadcrumbList"]
    assert blocks[0]["headline"] == post.title
    assert blocks[0]["datePublished"] == post.date.isoformat()
    assert blocks[0]["url"] == f"http://testserver{post.url}"
    assert [c["name"] for c in blocks[1]["itemListElement"]] == ["Home", "Blog", post.title]


def test_related_posts_prefer_shared_tags_then_recency_and_skip_drafts(client, demo_blog):
    base = make_post(demo_blog, title="Base", tags=["alpha", "beta"], days_ago=10)
    both = make_post(demo_blog, title="Shares two", tags=["alpha", "beta"], days_ago=400)
    one_new = make_post(demo_blog, title="Shares one new", tags=["beta"], days_ago=2)
    one_old = make_post(demo_blog, title="Shares one old", tags=["alpha"], days_ago=300)
    make_post(demo_blog, title="Shares two draft", tags=["alpha", "beta"], live=False)

    response = client.get(base.url)

    assert [p.title for p in response.context["related_posts"]] == [
        both.title,
        one_new.title,
        one_old.title,
    ]


def test_read_more_links_skip_unpublished_targets(client, demo_blog):
    target = make_post(demo_blog, title="Target")
    gone = make_post(demo_blog, title="Gone")
    post = make_post(demo_blog, title="Picker")
    post.related_links.add(BlogPostRelatedLink(target=target, sort_order=0))
    post.related_links.add(BlogPostRelatedLink(target=gone, sort_order=1))
    post.save_revision().publish()
    gone.unpublish()

    response = client.get(post.url)

    assert [p.title for p in response.context["read_more"]] == ["Target"]


def test_blog_feed_is_rss_2_with_absolute_links_of_live_posts_only(client, demo_blog):
    make_post(demo_blog, title="Feed draft", live=False)

    response = client.get("/blog/feed/")

    feed = feedparser.parse(response.content)
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.version == "rss20"
    assert not feed.bozo
    live = list(BlogPostPage.objects.live().order_by("-date", "-pk")[:20])
    assert [e.title for e in feed.entries] == [p.title for p in live]
    assert all(e.link.startswith("http://testserver/blog/") for e in feed.entries)
    assert feed.feed.link == "http://testserver/blog/"


def test_tag_feed_lists_the_tags_posts(client):
    response = client.get("/blog/tag/osteoporosis/feed/")

    feed = feedparser.parse(response.content)
    tagged = BlogPostPage.objects.live().filter(tagged_items__tag__slug="osteoporosis")
    assert feed.version == "rss20"
    assert sorted(e.title for e in feed.entries) == sorted(p.title for p in tagged)
    assert feed.feed.link == "http://testserver/blog/tag/osteoporosis/"


def test_drafts_appear_nowhere(client, demo_blog):
    draft = make_post(
        demo_blog, title="Invisible zebra post", tags=["What is B12 deficiency"], live=False
    )
    pages = [
        "/",
        "/blog/",
        "/blog/tag/what-is-b12-deficiency/",
        "/blog/feed/",
        "/blog/tag/what-is-b12-deficiency/feed/",
        "/sitemap.xml",
        "/search/?q=zebra",
        "/site-map/",
        BlogPostPage.objects.live().first().url,
    ]

    for url in pages:
        assert draft.title not in client.get(url).content.decode(), url
    assert client.get(f"/blog/{draft.slug}/").status_code == 404


def _make_many(blog, n):
    for i in range(n):
        make_post(blog, title=f"Bulk post {i}", days_ago=i, tags=[f"bulk tag {i}", "bulk"])


@pytest.mark.parametrize("extra", [3, 30])
def test_query_counts_are_bounded_whatever_the_number_of_posts_and_tags(
    client, demo_blog, extra, django_assert_max_num_queries
):
    _make_many(demo_blog, extra)
    post = BlogPostPage.objects.get(title="Bulk post 0")
    client.get("/")  # warm the site-root cache, as any running server has it

    limits = {
        "/": 16,
        "/blog/": 16,
        "/blog/tag/bulk/": 17,
        post.url: 24,
        "/blog/feed/": 10,
        "/site-map/": 14,
    }
    for url, limit in limits.items():
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_blog_index_accepts_only_posts_and_posts_nothing(demo_blog):
    assert BlogIndexPage.allowed_subpage_models() == [BlogPostPage]
    assert BlogPostPage.allowed_subpage_models() == []


def test_tags_are_case_insensitive(demo_blog):
    make_post(demo_blog, title="Case", tags=["what is b12 deficiency"])
    assert Tag.objects.filter(name__iexact="what is b12 deficiency").count() == 1


def test_new_blog_renders_with_no_posts(client, minimal_site):
    blog = minimal_site["blog"]
    minimal_site["post"].unpublish()
    other = publish(minimal_site["home"], BlogIndexPage(title="News", slug="news"))

    assert "No posts yet" in client.get(other.url).content.decode()
    assert client.get(blog.url).status_code == 200
