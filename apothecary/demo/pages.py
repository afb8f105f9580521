"""The demo's pages: the home page (site.toml), the pages under it (pages.toml, bodies in
pages/), the FAQ (faq.toml), the blog and its posts (posts.toml, bodies in posts/), the site
map, the brand settings and the menus.

A page that exists already (by slug, under the same parent) is left as it is, so an editor's
changes survive a second run."""

import json
import re
from urllib.parse import urlparse

from django.conf import settings
from wagtail.models import Page, Site

from apothecary.affiliates.models import AffiliateProgramPage
from apothecary.blog.models import (
    BlogIndexPage,
    BlogPostPage,
    BlogPostReference,
    BlogPostRelatedLink,
)
from apothecary.catalog.models import OrderPage
from apothecary.core.models import BrandSettings, NavigationSettings
from apothecary.pages.models import FAQPage, HomePage, ResearchPage, SiteMapPage, StandardPage
from apothecary.reviews.models import ReviewsPage

from . import content
from .contact import contact_page

CITE_MARKER = re.compile(r"\[cite:[^\]]*\]")
CITE_KEY = re.compile(r"key:([a-z0-9-]+)")

# pages.toml's `type` → the page model; "contact" pages are made by demo.contact.
PAGE_TYPES = {
    "standard": StandardPage,
    "order": OrderPage,
    "reviews": ReviewsPage,
    "affiliate_program": AffiliateProgramPage,
    "research": ResearchPage,
}
# Demos seeded before the affiliate program and the research library had a StandardPage
# placeholder where these types now stand.
REPLACES_PLACEHOLDER = ("affiliate_program", "research")


def _cite_keys(text: str, citations) -> str:
    """The demo copy cites by stable key, [cite:key:framingham-bmd]; the page stores the
    citation's id, [cite:12], which is what editors type."""
    return CITE_MARKER.sub(
        lambda marker: CITE_KEY.sub(lambda key: str(citations[key[1]].pk), marker[0]), text
    )


def raw_stream(blocks, images, citations=None) -> str:
    """(block_type, value) pairs of the demo copy as StreamField JSON, image and citation keys
    made ids."""
    citations = citations or {}
    raw = []
    for block_type, value in blocks:
        if block_type == "image":
            value = {**value, "image": images[value["image"]].pk}
        elif block_type == "citation":
            value = {**value, "citation": citations[value["citation"]].pk}
        elif block_type == "paragraph":
            value = _cite_keys(value, citations)
        elif block_type == "callout":
            value = {**value, "text": _cite_keys(value["text"], citations)}
        raw.append({"type": block_type, "value": value})
    return json.dumps(raw)


def publish(parent: Page, page: Page, report) -> Page:
    """`page` published under `parent`, or the page already there with its slug."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific
    parent.add_child(instance=page)
    page.save_revision().publish()
    report.created.append(page.url_path)
    return page


def page_from(model, spec, **fields):
    """An unsaved page of `model` from a spec's common keys, plus `fields`."""
    return model(
        title=spec["title"],
        slug=spec["slug"],
        intro=spec.get("intro", ""),
        search_description=spec.get("search_description", ""),
        **fields,
    )


def seed_home(root: Page, spec: dict, images, report) -> HomePage:
    """The home page of site.toml's [home], which replaces the "Welcome" page Wagtail's
    migrations leave."""
    for child in root.get_children().filter(content_type__model="page", slug="home"):
        child.delete()
    home = root.get_children().type(HomePage).first()
    if home is not None:
        return home.specific
    fields = ("hero_heading", "hero_text", "hero_cta_label", "product_heading", "product_text")
    fields += ("product_link_label", "about_heading", "about_text", "latest_posts_heading")
    home = HomePage(
        title=spec["title"],
        slug="home",
        hero_image=images.get(spec.get("hero_image")),
        hero_image_alt=spec.get("hero_image_alt", ""),
        search_description=spec.get("search_description", ""),
        show_health_disclaimer=spec.get("show_health_disclaimer", False),
        **{name: spec[name] for name in fields},
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    report.created.append("/")
    return home


def seed_site(home: HomePage, brand_name: str) -> Site:
    """The default site, at the address of WAGTAILADMIN_BASE_URL, rooted at the home page."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    base = urlparse(settings.WAGTAILADMIN_BASE_URL)
    site.hostname = base.hostname or "localhost"
    site.port = base.port or (443 if base.scheme == "https" else 80)
    site.root_page, site.site_name = home, brand_name
    site.save()
    return site


def seed_faq(home: HomePage, report) -> FAQPage:
    spec = content.read("faq")
    groups = [
        {"type": "group", "value": {"title": group["title"], "questions": group["question"]}}
        for group in spec["group"]
    ]
    page = page_from(
        FAQPage,
        spec,
        show_health_disclaimer=spec.get("show_health_disclaimer", False),
        groups=json.dumps(groups),
    )
    return publish(home, page, report)


def _replace_placeholder(home, slug: str, model) -> int | None:
    """Delete the StandardPage placeholder at `slug`, if there is one, so that the real page
    takes its slug; returns its id for the menus to follow."""
    existing = home.get_children().filter(slug=slug).first()
    if existing is None or isinstance(existing.specific, model):
        return None
    if not isinstance(existing.specific, StandardPage):
        return None  # an editor put something else there: leave it
    old_pk = existing.pk
    existing.delete()
    return old_pk


def seed_pages(home, specs, images, citations, report, progress):
    """The pages of pages.toml; returns them by slug, and {old id: slug} of the placeholders
    they replaced."""
    by_slug, replaced = {}, {}
    for spec in specs:
        body = raw_stream(content.stream(f"pages/{spec['slug']}.html"), images, citations)
        disclaimer = spec.get("show_health_disclaimer", False)
        if spec["type"] == "contact":
            page = contact_page(spec, body=body)
        else:
            model = PAGE_TYPES[spec["type"]]
            if spec["type"] in REPLACES_PLACEHOLDER:
                old_pk = _replace_placeholder(home, spec["slug"], model)
                if old_pk is not None:
                    replaced[old_pk] = spec["slug"]
            page = page_from(model, spec, show_health_disclaimer=disclaimer, body=body)
        by_slug[spec["slug"]] = publish(home, page, report)
        progress.update(1)
    return by_slug, replaced


def seed_blog(home, index_spec, specs, images, citations, report, progress):
    """The blog index of site.toml and the posts of posts.toml; returns the index and the
    posts by slug."""
    blog = publish(home, page_from(BlogIndexPage, index_spec), report)
    posts = {}
    for spec in specs:
        post = page_from(
            BlogPostPage,
            spec,
            date=spec["date"],
            author=spec.get("author", ""),
            header_image=images.get(spec.get("header_image")),
            header_image_alt=spec.get("header_image_alt", ""),
            show_health_disclaimer=spec.get("show_health_disclaimer", False),
            body=raw_stream(content.stream(f"posts/{spec['slug']}.html"), images, citations),
        )
        post.tags.add(*spec["tags"])
        for order, reference in enumerate(spec.get("reference", [])):
            post.references.add(BlogPostReference(sort_order=order, **reference))
        posts[spec["slug"]] = publish(blog, post, report)
        progress.update(1)
    # "Read more" links need every post to exist first.
    for spec in specs:
        post = posts[spec["slug"]]
        if post.related_links.exists() or not spec.get("read_more"):
            continue
        for order, slug in enumerate(spec["read_more"]):
            if slug in posts:
                post.related_links.add(BlogPostRelatedLink(sort_order=order, target=posts[slug]))
        post.save_revision().publish()
    return blog, posts


def seed_site_map(home, spec, report) -> SiteMapPage:
    return publish(home, page_from(SiteMapPage, spec), report)


def link_home(home: HomePage, spec: dict, pages_by_slug: dict) -> None:
    """The home page's links to the product, the order page and About Vitamin B12, once."""
    if home.product_page_id is not None and home.about_page_id is not None:
        return
    home.product_page = pages_by_slug.get(spec["product_page"])
    home.hero_cta_page = pages_by_slug.get(spec["hero_cta_page"])
    home.about_page = pages_by_slug.get(spec["about_page"])
    home.save_revision().publish()


def seed_brand(site, spec: dict) -> None:
    """The brand settings of site.toml, unless an editor has written a disclaimer."""
    brand = BrandSettings.for_site(site)
    if brand.health_disclaimer:
        return
    for key, value in spec.items():
        setattr(brand, key, value)
    brand.save()


def repoint_menus(site, old_pk: int, new_pk: int) -> None:
    """Menu links to a replaced placeholder follow the page that replaced it."""
    nav = NavigationSettings.for_site(site)
    changed = False
    for name in ("header_links", "footer_links"):
        raw = [dict(block) for block in getattr(nav, name).raw_data]
        for block in raw:
            if block["value"].get("page") == old_pk:
                block["value"] = {**block["value"], "page": new_pk}
                changed = True
        setattr(nav, name, json.dumps(raw))
    if changed:
        nav.save()


def seed_menus(site, spec: dict, pages_by_slug: dict) -> None:
    """The header and footer menus of site.toml's [menus], unless either has links."""
    nav = NavigationSettings.for_site(site)
    if nav.header_links or nav.footer_links:
        return

    def links(entries):
        return json.dumps(
            [
                {
                    "type": "link",
                    "value": {
                        "label": entry["label"],
                        "page": pages_by_slug[entry["page"]].pk,
                        "url": "",
                    },
                }
                for entry in entries
            ]
        )

    nav.header_links = links(spec["header"])
    nav.footer_links = links(spec["footer"])
    nav.save()
