import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Page

from apothecary.pages.models import StandardPage

pytestmark = pytest.mark.django_db
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS)
        for url in root.findall("sm:url", NS)
    }, [url.find("sm:loc", NS).text for url in root.findall("sm:url", NS)]


def test_sitemap_lists_every_live_page_once_with_a_last_modified_date(client, demo_site):
    by_url, all_urls = sitemap_urls(client)

    live = Page.objects.live().public().descendant_of(demo_site.root_page, inclusive=True)
    expected = {p.get_full_url() for p in live}
    assert len(all_urls) == len(set(all_urls))
    assert expected <= set(all_urls)
    extra = set(all_urls) - expected
    assert all("/blog/tag/" in url for url in extra)
    assert all(by_url[url] is not None and by_url[url].text for url in expected)


def test_sitemap_leaves_out_unpublished_pages(client):
    StandardPage.objects.get(slug="privacy").unpublish()

    _, all_urls = sitemap_urls(client)

    assert not [url for url in all_urls if url.endswith("/privacy/")]


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()
