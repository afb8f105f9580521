import json
import shutil
import tempfile
from datetime import date, timedelta

import pytest
from django.test.utils import override_settings
from wagtail.models import Page, Site

from apothecary.blog.models import BlogIndexPage, BlogPostPage
from apothecary.core.models import BrandSettings, NavigationSettings
from apothecary.demo.seeding import seed_demo
from apothecary.pages.models import FAQPage, HomePage, SiteMapPage, StandardPage


@pytest.fixture(scope="session", autouse=True)
def _media_root():
    """Uploaded and generated images go to a temporary folder, never to var/."""
    folder = tempfile.mkdtemp(prefix="apothecary-media-")
    with override_settings(MEDIA_ROOT=folder):
        yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _media_root):
    """Every database test starts from the seeded B12 Patch demo (rolled back after each)."""
    with django_db_blocker.unblock():
        seed_demo(quiet=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_post(blog, *, title, days_ago=0, tags=(), live=True, intro=None, body=None):
    post = BlogPostPage(
        title=title,
        date=date(2024, 6, 1) - timedelta(days=days_ago),
        intro=intro or f"An excerpt of {title}.",
        body=json.dumps(body or [{"type": "paragraph", "value": f"<p>The text of {title}.</p>"}]),
    )
    post.tags.add(*tags)
    blog.add_child(instance=post)
    revision = post.save_revision()
    if live:
        revision.publish()
    else:
        post.live = False
        post.save(update_fields=["live"])
    return post


@pytest.fixture
def demo_site():
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def minimal_site(db):
    """A bare site instead of the demo: one page of each type, one post, a two-link menu."""
    root = Page.get_first_root_node()
    old_pages = list(root.get_children())
    home = HomePage(title="Home", slug="minimal-home", hero_heading="A minimal store")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    for page in old_pages:
        page.delete()
    page = publish(home, StandardPage(title="About", slug="about", intro="About us."))
    faq = publish(
        home,
        FAQPage(
            title="FAQ",
            slug="faq",
            groups=json.dumps(
                [
                    {
                        "type": "group",
                        "value": {
                            "title": "General",
                            "questions": [
                                {"question": "Is this a question?", "answer": "<p>Yes, it is.</p>"}
                            ],
                        },
                    }
                ]
            ),
        ),
    )
    blog = publish(home, BlogIndexPage(title="Blog", slug="blog"))
    post = make_post(blog, title="Only post", tags=["solo"])
    site_map = publish(home, SiteMapPage(title="Site Map", slug="site-map"))
    nav = NavigationSettings.for_site(site)
    nav.header_links = json.dumps(
        [
            {"type": "link", "value": {"label": "About", "page": page.pk, "url": ""}},
            {"type": "link", "value": {"label": "Blog", "page": blog.pk, "url": ""}},
        ]
    )
    nav.footer_links = json.dumps(
        [
            {"type": "link", "value": {"label": "Site Map", "page": None, "url": "/site-map/"}},
        ]
    )
    nav.save()
    brand = BrandSettings.for_site(site)
    brand.brand_name = "Minimal"
    brand.save()
    return {
        "home": home,
        "page": page,
        "faq": faq,
        "blog": blog,
        "post": post,
        "site_map": site_map,
        "site": site,
    }


@pytest.fixture
def demo_blog(db):
    return BlogIndexPage.objects.get(slug="blog")


@pytest.fixture
def demo_after_flush(transactional_db):
    """Transactional tests (live server, threads) empty the database when they end: put the
    demo back for the next one."""
    if not HomePage.objects.exists():
        seed_demo(quiet=True)
