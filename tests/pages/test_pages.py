import json

import pytest

from apothecary.pages.models import FAQPage, HomePage, SiteMapPage, StandardPage
from tests.conftest import publish
from tests.helpers import h1, json_ld_types, nav_links, parse_page

pytestmark = pytest.mark.django_db

HEADER = [
    "Product Information",
    "About Vitamin B12",
    "Research",
    "FAQ",
    "Reviews",
    "Blog",
    "Contact Us",
    "Order",
]
FOOTER = [
    "Home",
    "Shipping & Return Policy",
    "Privacy Policy",
    "Product Information",
    "Research",
    "Order Now",
    "Customer Reviews",
    "Site Map",
    "Affiliate Program",
]


def test_demo_header_and_footer_menus_show_the_reference_sites_links_and_each_works(client):
    response = client.get("/")

    header = nav_links(response, "Main")
    footer = nav_links(response, "Footer")
    assert [text for text, _ in header] == HEADER
    # The reference site's links, then the store's own order lookup (after the editor's links).
    assert [text.replace("&amp;", "&") for text, _ in footer] == [*FOOTER, "Find your order"]
    for _, href in header + footer:
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/products/b12-patch/",
        "/about-vitamin-b12/",
        "/research/",
        "/faq/",
        "/reviews/",
        "/contact/",
        "/order/",
        "/blog/",
        "/shipping-returns/",
        "/privacy/",
        "/affiliates/",
        "/site-map/",
        "/blog/tag/what-is-b12-deficiency/",
        "/search/?q=vitamin",
    ],
)
def test_every_demo_url_of_the_design_answers_200(client, url):
    assert client.get(url).status_code == 200


def test_home_page_shows_hero_product_teaser_about_teaser_and_latest_posts(client):
    home = HomePage.objects.get()

    response = client.get("/")

    html = response.content.decode()
    assert h1(response) == home.hero_heading
    assert home.product_heading in html
    assert home.about_heading in html
    assert html.count('class="post-card"') == 3
    assert json_ld_types(response) == ["Organization", "WebSite"]
    website = parse_page(response).json_ld[1]
    assert website["potentialAction"]["@type"] == "SearchAction"
    assert website["potentialAction"]["target"]["urlTemplate"].endswith(
        "/search/?q={search_term_string}"
    )


def test_standard_page_renders_body_blocks_credits_and_disclaimer(client):
    page = StandardPage.objects.get(slug="about-vitamin-b12")

    response = client.get(page.url)

    html = response.content.decode()
    assert h1(response) == page.title
    assert page.show_health_disclaimer
    assert "not intended to diagnose, treat, cure, or prevent any disease" in html
    # the demo names a medical reviewer on this page (issue 6)
    assert json_ld_types(response) == ["MedicalWebPage", "BreadcrumbList"]
    crumbs = parse_page(response).json_ld[1]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", page.title]
    assert crumbs[1]["item"] == "http://testserver/about-vitamin-b12/"


def test_a_page_that_neither_asks_for_nor_mentions_the_product_has_no_health_disclaimer(
    client, demo_site
):
    """The disclaimer follows the product (issue 6): a policy page that never names it and
    leaves the box unticked shows none."""
    page = publish(
        demo_site.root_page,
        StandardPage(
            title="Opening hours",
            slug="opening-hours",
            body=json.dumps([{"type": "paragraph", "value": "<p>We answer mail on weekdays.</p>"}]),
        ),
    )
    assert not page.show_health_disclaimer

    response = client.get(page.url)

    assert response.status_code == 200
    assert "not intended to diagnose" not in response.content.decode()


def test_faq_page_shows_questions_as_disclosures_and_faq_json_ld(client):
    faq = FAQPage.objects.get()
    questions = list(faq.questions())

    response = client.get(faq.url)

    # The page's own content: the cookie banner after it has a <details> of its own.
    html = response.content.decode().split('<section class="consent-banner"')[0]
    assert len(questions) >= 10
    assert html.count("<details") == len(questions)
    assert html.count("<summary>") == len(questions)
    data = parse_page(response).json_ld[0]
    assert data["@type"] == "FAQPage"
    assert [q["name"] for q in data["mainEntity"]] == [q["question"] for q in questions]
    assert all(q["acceptedAnswer"]["text"] for q in data["mainEntity"])


def test_site_map_page_lists_the_live_tree_nested(client):
    response = client.get("/site-map/")

    html = response.content.decode()
    assert '<a href="/products/">Products</a><ul class="site-tree">' in html.replace(
        "\n", ""
    ).replace("  ", "")
    for url in ["/", "/blog/", "/faq/", "/products/b12-patch/", "/privacy/"]:
        assert f'href="{url}"' in html


def test_minimal_site_renders_each_page_type(client, minimal_site):
    for key in ["home", "page", "faq", "blog", "post", "site_map"]:
        page = minimal_site[key]
        response = client.get(page.url)
        assert response.status_code == 200, key
    assert [t for t, _ in nav_links(client.get("/"), "Main")] == ["About", "Blog"]
    assert "Only post" in client.get("/site-map/").content.decode()


def test_unpublished_page_is_404_and_left_out_of_the_site_map_and_menu(client):
    page = StandardPage.objects.get(slug="privacy")
    page.unpublish()

    assert client.get("/privacy/").status_code == 404
    assert 'href="/privacy/"' not in client.get("/site-map/").content.decode()
    assert "Privacy Policy" not in [t for t, _ in nav_links(client.get("/"), "Footer")]


def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "find that page" in response.content.decode()
    assert 'href="/site-map/"' in response.content.decode()


def test_500_page_stands_alone_without_a_database(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert "{%" not in html


def test_page_without_images_weighs_under_100_kb_with_its_stylesheet(client):
    from django.contrib.staticfiles import finders

    response = client.get("/faq/")
    css = open(finders.find("css/site.css"), "rb").read()

    assert "<img" not in response.content.decode()
    assert len(response.content) + len(css) < 100_000


def test_site_map_page_type_is_used_once(client):
    assert SiteMapPage.objects.live().count() == 1
