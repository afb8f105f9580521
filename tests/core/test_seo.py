import pytest

from apothecary.blog.models import BlogPostPage
from apothecary.core.seo import json_ld_script
from tests.helpers import parse_page

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/about-vitamin-b12/",
    "/faq/",
    "/blog/",
    "/blog/tag/osteoporosis/",
    "/site-map/",
    "/products/b12-patch/",
    "/search/?q=b12",
]


@pytest.mark.parametrize("url", URLS)
def test_every_page_has_title_description_canonical_open_graph_and_parsing_json_ld(client, url):
    response = client.get(url)

    page = parse_page(response)
    html = response.content.decode()
    assert "<title>" in html and "| B12 Patch</title>" in html
    assert page.meta.get("description")
    assert page.canonical == f"http://testserver{url.split('?')[0]}"
    for key in ["og:title", "og:description", "og:url", "og:type", "og:site_name"]:
        assert page.meta.get(key), key
    assert page.json_ld, "no JSON-LD"
    for block in page.json_ld:
        assert block["@context"] == "https://schema.org"
    if url != "/":
        assert page.json_ld[-1]["@type"] == "BreadcrumbList"


def test_posts_share_as_articles_with_an_image(client):
    post = BlogPostPage.objects.live().exclude(header_image=None).first()

    page = parse_page(client.get(post.url))

    assert page.meta["og:type"] == "article"
    assert page.meta["og:image"].startswith("http://testserver/")


def test_canonical_drops_junk_query_strings_but_keeps_the_page_number(client, settings):
    settings.BLOG_PAGE_SIZE = 2

    assert parse_page(client.get("/blog/?utm_source=x")).canonical == "http://testserver/blog/"
    assert parse_page(client.get("/blog/?page=2")).canonical == "http://testserver/blog/?page=2"


def test_json_ld_script_cannot_be_broken_out_of():
    html = json_ld_script({"name": "</script><script>alert(1)</script>"})

    assert html.count("</script>") == 1
    assert "\\u003c/script\\u003e" in html


def test_content_pages_are_publicly_cacheable_for_visitors_and_private_for_staff(
    client, admin_user
):
    assert "public" in client.get("/blog/")["Cache-Control"]

    client.force_login(admin_user)
    assert "private" in client.get("/blog/")["Cache-Control"]
    assert "no-store" in client.get("/blog/")["Cache-Control"]
