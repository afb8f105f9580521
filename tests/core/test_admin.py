"""Everything of the content site is editable in the Wagtail admin."""

import pytest
from wagtail.models import Page

from apothecary.blog.models import BlogIndexPage, BlogPostPage
from apothecary.core.models import BrandSettings
from apothecary.pages.models import FAQPage, HomePage, SiteMapPage, StandardPage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [HomePage, StandardPage, FAQPage, SiteMapPage, BlogIndexPage, BlogPostPage]
)
def test_an_editor_can_open_every_page_type_in_the_editor(admin_client, model):
    page = model.objects.first()

    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")

    assert response.status_code == 200
    assert page.title in response.content.decode()


def test_an_editor_can_add_a_post_to_the_blog(admin_client):
    blog = BlogIndexPage.objects.get()

    response = admin_client.get(f"/admin/pages/add/blog/blogpostpage/{blog.pk}/")

    assert response.status_code == 200
    assert "Read more" in response.content.decode()
    assert "References" in response.content.decode()


@pytest.mark.parametrize("name", ["brandsettings", "navigationsettings"])
def test_brand_and_navigation_settings_open_in_the_admin(admin_client, demo_site, name):
    response = admin_client.get(f"/admin/settings/core/{name}/{demo_site.pk}/")

    assert response.status_code == 200


def test_brand_name_edited_in_settings_shows_on_every_page(client, demo_site):
    brand = BrandSettings.for_site(demo_site)
    brand.brand_name = "Patchwork Vitamins"
    brand.save()

    for url in ["/", "/blog/", "/faq/"]:
        assert "| Patchwork Vitamins</title>" in client.get(url).content.decode()


def test_a_saved_draft_stays_private_until_published(client):
    post = BlogPostPage.objects.live().first()
    post.title = "A draft title change"
    revision = post.save_revision()

    assert "A draft title change" not in client.get(post.url).content.decode()
    revision.publish()
    assert "A draft title change" in client.get(post.url).content.decode()


def test_the_page_tree_has_one_home(admin_client):
    assert Page.objects.type(HomePage).count() == 1
    assert admin_client.get("/admin/pages/").status_code == 200
