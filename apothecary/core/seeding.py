"""Builds the demo site (B12 Patch) from the copy in apothecary.core.demo.

Safe to re-run: what exists is left as it is (an editor's changes survive), what is missing is
created. `reset=True` deletes the demo's pages, images and settings first.
"""

import json
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from apothecary.affiliates.models import (
    Affiliate,
    AffiliateProgramPage,
    AffiliateProgramSettings,
    AffiliateStatus,
    Creative,
)
from apothecary.blog.models import (
    BlogIndexPage,
    BlogPostPage,
    BlogPostReference,
    BlogPostRelatedLink,
)
from apothecary.catalog.models import (
    OrderPage,
    ProductGalleryImage,
    ProductIndexPage,
    ProductPage,
    Variant,
)
from apothecary.checkout.models import DiscountCode, ShippingRate, ShippingZone
from apothecary.contact.demo import contact_page, reset_contact_settings, seed_contact_settings
from apothecary.pages.models import FAQPage, HomePage, ResearchPage, SiteMapPage, StandardPage
from apothecary.research.demo import seed_citations
from apothecary.research.models import Citation
from apothecary.research.uses import citation_uses_rebuild_all
from apothecary.reviews.models import ReviewsPage

from .drawing import draw_illustration
from .models import BrandSettings, CreditedImage, NavigationSettings

ADMIN_EMAIL = "admin@b12patch.example"
DEFAULT_ADMIN_PASSWORD = "b12-patch-demo"


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    admin_email: str = ADMIN_EMAIL
    admin_password: str | None = None  # None when someone changed the demo admin's password


CITE_MARKER = re.compile(r"\[cite:[^\]]*\]")
CITE_KEY = re.compile(r"key:([a-z0-9-]+)")


def _cite_keys(text: str, citations) -> str:
    """The demo copy cites by stable key, [cite:key:framingham-bmd]; the page stores the
    citation's id, [cite:12], which is what editors type."""
    return CITE_MARKER.sub(
        lambda marker: CITE_KEY.sub(lambda key: str(citations[key[1]].pk), marker[0]), text
    )


def _raw_stream(blocks, images, citations=None) -> str:
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


def _publish(parent: Page, page: Page, report: SeedReport) -> Page:
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific
    parent.add_child(instance=page)
    page.save_revision().publish()
    report.created.append(page.url_path)
    return page


def _images(demo_images, report, progress) -> dict[str, CreditedImage]:
    images = {}
    for key, spec in demo_images.items():
        image = CreditedImage.objects.filter(title=spec["title"]).first()
        if image is None:
            data = draw_illustration(key=key, motif=spec["motif"], palette=spec["palette"])
            from io import BytesIO

            image = CreditedImage(
                title=spec["title"], credit=spec["credit"], credit_url=spec.get("credit_url", "")
            )
            image.file = ImageFile(BytesIO(data), name=f"{key}.jpg")
            image.save()
            report.created.append(f"image {key}")
        images[key] = image
        progress.update(1)
    return images


def _page(model, spec, **fields):
    """An unsaved page of `model` from a demo spec's common keys, plus `fields`."""
    return model(
        title=spec["title"],
        slug=spec["slug"],
        intro=spec.get("intro", ""),
        search_description=spec.get("search_description", ""),
        **fields,
    )


def _standard(spec, images) -> StandardPage:
    return _page(
        StandardPage,
        spec,
        show_health_disclaimer=spec.get("show_health_disclaimer", False),
        body=_raw_stream(spec.get("body", []), images),
    )


def _research_page(spec, images, citations) -> ResearchPage:
    return _page(
        ResearchPage,
        spec,
        show_health_disclaimer=spec.get("show_health_disclaimer", False),
        body=_raw_stream(spec.get("body", []), images, citations),
    )


def _affiliate_program_page(spec, images) -> AffiliateProgramPage:
    return _page(AffiliateProgramPage, spec, body=_raw_stream(spec.get("body", []), images))


def _replace_placeholder(home, slug: str, model) -> int | None:
    """Demos seeded before the affiliate program (or the research library) had a StandardPage
    placeholder at /affiliates/ (/research/): delete it so that the real page takes its slug;
    returns its id for the menus to follow."""
    existing = home.get_children().filter(slug=slug).first()
    if existing is None or isinstance(existing.specific, model):
        return None
    if not isinstance(existing.specific, StandardPage):
        return None  # an editor put something else there: leave it
    old_pk = existing.pk
    existing.delete()
    return old_pk


def _repoint_menus(site, old_pk: int, new_pk: int) -> None:
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


def _seed_affiliate_program(site, images, report) -> None:
    """The program's terms and disclosure (unless an editor set terms), the demo creatives, and
    one approved demo affiliate who signs in to see the dashboard."""
    from .demo import pages

    program = AffiliateProgramSettings.for_site(site)
    if not program.terms:
        program.terms = pages.AFFILIATE_PROGRAM["terms"]
        program.disclosure = pages.AFFILIATE_PROGRAM["disclosure"]
        program.save()
        report.created.append("affiliate program settings")
    for spec in pages.AFFILIATE_CREATIVES:
        if Creative.objects.filter(name=spec["name"]).exists():
            continue
        Creative.objects.create(
            name=spec["name"],
            kind=spec["kind"],
            image=images.get(spec.get("image")),
            text=spec["text"],
            landing_path=spec["landing_path"],
        )
        report.created.append(f"creative {spec['name']}")

    spec = pages.DEMO_AFFILIATE
    User = get_user_model()
    user = User.objects.filter(email=spec["email"]).first()
    if user is None:
        user = User.objects.create_user(
            email=spec["email"],
            password=pages.DEMO_AFFILIATE_PASSWORD,
            first_name=spec["first_name"],
            last_name=spec["last_name"],
        )
        report.created.append(f"affiliate account {spec['email']}")
    if not Affiliate.objects.filter(user=user).exists():
        now = timezone.now()
        # Created approved, as a fixture: membership.affiliate_transition would email the
        # demo address on every fresh seed.
        Affiliate.objects.create(
            user=user,
            code=spec["code"],
            name=f"{spec['first_name']} {spec['last_name']}",
            email=spec["email"],
            website=spec["website"],
            promotion=spec["promotion"],
            paypal_email=spec["paypal_email"],
            status=AffiliateStatus.APPROVED,
            terms_accepted_at=now,
            applied_at=now,
            decided_at=now,
        )
        report.created.append(f"affiliate {spec['code']}")


def _seed_medical_review(pages_by_slug: dict, report) -> None:
    """The demo's (fictional) medical reviewer, named on a few pages; see compliance.demo."""
    from apothecary.compliance.demo import seed_medical_review

    seed_medical_review(pages_by_slug, report)


def _seed_store(home, faq_page, images, report) -> ProductPage:
    """The product page with its packs, shipping zones and discount codes."""
    from .demo import pages, store

    products = _publish(home, _page(ProductIndexPage, pages.PRODUCTS_INDEX), report)
    spec = store.PRODUCT
    product = ProductPage(
        title=spec["title"],
        slug=spec["slug"],
        search_description=spec["search_description"],
        short_description=spec["short_description"],
        how_to_use=spec["how_to_use"],
        description=_raw_stream(spec["description"], images),
        serving_size=spec["serving_size"],
        supplement_facts=json.dumps(
            [{"type": "fact", "value": f} for f in spec["supplement_facts"]]
        ),
        other_ingredients=spec["other_ingredients"],
        warnings=spec["warnings"],
        faq_page=faq_page,
        show_health_disclaimer=True,
    )
    for order, (key, alt) in enumerate(spec["gallery"]):
        product.gallery_images.add(
            ProductGalleryImage(image=images[key], alt_text=alt, sort_order=order)
        )
    product = _publish(products, product, report)
    if isinstance(product, ProductPage):
        for order, variant in enumerate(store.VARIANTS):
            _, created = Variant.objects.get_or_create(
                sku=variant["sku"], defaults={**variant, "product": product, "sort_order": order}
            )
            if created:
                report.created.append(f"variant {variant['sku']}")
    for zone_spec in store.ZONES:
        if ShippingZone.objects.filter(name=zone_spec["name"]).exists():
            continue
        zone = ShippingZone.objects.create(
            name=zone_spec["name"],
            countries=zone_spec["countries"],
            tax_rate=zone_spec["tax_rate"],
        )
        for rate in zone_spec["rates"]:
            ShippingRate.objects.create(zone=zone, **rate)
        report.created.append(f"zone {zone.name}")
    for discount in store.DISCOUNTS:
        if not DiscountCode.objects.filter(code=discount["code"]).exists():
            DiscountCode.objects.create(**discount)
            report.created.append(f"discount {discount['code']}")
    from apothecary.reviews.demo import seed_reviews

    seed_reviews(product, report)
    return product


def _ensure_root() -> Page:
    """Wagtail's migrations make the locale, the root page and the root collection; a flushed
    database lacks them."""
    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    return root


def reset_demo() -> None:
    root = _ensure_root()
    for child in root.get_children():
        child.delete()
    for image in CreditedImage.objects.all():
        image.delete()
    BrandSettings.objects.all().delete()
    NavigationSettings.objects.all().delete()
    reset_contact_settings()
    AffiliateProgramSettings.objects.all().delete()
    Creative.objects.all().delete()  # their images are gone


@transaction.atomic
def seed_demo(*, reset: bool = False, quiet: bool = False) -> SeedReport:
    from .demo import faq, pages, posts

    if reset:
        reset_demo()
    root = _ensure_root()
    report = SeedReport()
    progress = tqdm(
        total=len(posts.IMAGES)
        + len(pages.AFFILIATE_BANNER_IMAGE)
        + len(posts.POSTS)
        + len(pages.STANDARD_PAGES)
        + 4,
        desc="Seeding the demo",
        disable=quiet,
        unit="item",
    )
    images = _images(posts.IMAGES, report, progress)
    images.update(_images(pages.AFFILIATE_BANNER_IMAGE, report, progress))

    # Wagtail's migrations leave a plain "Welcome" page; the demo home page replaces it.
    for child in root.get_children().filter(content_type__model="page", slug="home"):
        child.delete()
    home = root.get_children().type(HomePage).first()
    if home is None:
        spec = pages.HOME
        home = HomePage(
            title=spec["title"],
            slug="home",
            hero_heading=spec["hero_heading"],
            hero_text=spec["hero_text"],
            hero_image=images.get(spec.get("hero_image")),
            hero_image_alt=spec.get("hero_image_alt", ""),
            hero_cta_label=spec["hero_cta_label"],
            product_heading=spec["product_heading"],
            product_text=spec["product_text"],
            product_link_label=spec["product_link_label"],
            about_heading=spec["about_heading"],
            about_text=spec["about_text"],
            latest_posts_heading=spec["latest_posts_heading"],
            search_description=spec.get("search_description", ""),
            show_health_disclaimer=True,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        report.created.append("/")
    home = home.specific
    progress.update(1)

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    base = urlparse(settings.WAGTAILADMIN_BASE_URL)
    site.hostname = base.hostname or "localhost"
    site.port = base.port or (443 if base.scheme == "https" else 80)
    site.root_page, site.site_name = home, pages.BRAND["brand_name"]
    site.save()

    groups = json.dumps([{"type": "group", "value": group} for group in faq.FAQ["groups"]])
    faq_page = _publish(
        home, _page(FAQPage, faq.FAQ, show_health_disclaimer=True, groups=groups), report
    )
    product = _seed_store(home, faq_page, images, report)
    progress.update(1)

    citations_before = Citation.objects.count()
    citations = seed_citations()
    if Citation.objects.count() > citations_before:
        report.created.append(f"{Citation.objects.count() - citations_before} citations")

    by_slug = {}
    replaced = {}  # old page id → slug, of placeholders that a page of the right type replaces
    for spec in pages.STANDARD_PAGES:
        if spec["slug"] == "order":
            page = _page(OrderPage, spec, body=_raw_stream(spec.get("body", []), images))
        elif spec["slug"] == "reviews":
            page = _page(ReviewsPage, spec, body=_raw_stream(spec.get("body", []), images))
        elif spec["slug"] == "contact":
            page = contact_page(spec, body=_raw_stream(spec.get("body", []), images))
        elif spec["slug"] == "affiliates":
            old_pk = _replace_placeholder(home, spec["slug"], AffiliateProgramPage)
            if old_pk is not None:
                replaced[old_pk] = spec["slug"]
            page = _affiliate_program_page(spec, images)
        elif spec["slug"] == "research":
            old_pk = _replace_placeholder(home, spec["slug"], ResearchPage)
            if old_pk is not None:
                replaced[old_pk] = spec["slug"]
            page = _research_page(spec, images, citations)
        else:
            page = _standard(spec, images)
        by_slug[spec["slug"]] = _publish(home, page, report)
        progress.update(1)

    blog = _publish(home, _page(BlogIndexPage, pages.BLOG_INDEX), report)
    post_pages = {}
    for spec in posts.POSTS:
        post = _page(
            BlogPostPage,
            spec,
            date=spec["date"],
            author=spec.get("author", ""),
            header_image=images.get(spec.get("header_image")),
            header_image_alt=spec.get("header_image_alt", ""),
            show_health_disclaimer=True,
            body=_raw_stream(spec["body"], images, citations),
        )
        post.tags.add(*spec["tags"])
        for order, ref in enumerate(spec.get("references", [])):
            post.references.add(BlogPostReference(sort_order=order, **ref))
        post_pages[spec["slug"]] = _publish(blog, post, report)
        progress.update(1)
    # "Read more" links need every post to exist first.
    for spec in posts.POSTS:
        post = post_pages[spec["slug"]]
        if post.related_links.exists() or not spec.get("read_more"):
            continue
        for order, slug in enumerate(spec["read_more"]):
            if slug in post_pages:
                post.related_links.add(
                    BlogPostRelatedLink(sort_order=order, target=post_pages[slug])
                )
        post.save_revision().publish()

    site_map = _publish(home, _page(SiteMapPage, pages.SITE_MAP), report)
    progress.update(1)

    if home.product_page_id is None or home.about_page_id is None:
        home.product_page = product
        home.hero_cta_page = by_slug.get("order")
        home.about_page = by_slug.get("about-vitamin-b12")
        home.save_revision().publish()

    brand = BrandSettings.for_site(site)
    if not brand.health_disclaimer:
        for key, value in pages.BRAND.items():
            setattr(brand, key, value)
        brand.save()
    seed_contact_settings(site, report)
    _seed_affiliate_program(site, images, report)
    for old_pk, slug in replaced.items():
        _repoint_menus(site, old_pk, by_slug[slug].pk)
    # Publishing keeps "cited in" current; this catches pages published before it did.
    citation_uses_rebuild_all()
    _seed_medical_review({**by_slug, **post_pages, product.slug: product}, report)

    nav = NavigationSettings.for_site(site)
    if not nav.header_links and not nav.footer_links:

        def link(label, page):
            return {"type": "link", "value": {"label": label, "page": page.pk, "url": ""}}

        nav.header_links = json.dumps(
            [
                link("Product Information", product),
                link("About Vitamin B12", by_slug["about-vitamin-b12"]),
                link("Research", by_slug["research"]),
                link("FAQ", faq_page),
                link("Reviews", by_slug["reviews"]),
                link("Blog", blog),
                link("Contact Us", by_slug["contact"]),
                link("Order", by_slug["order"]),
            ]
        )
        nav.footer_links = json.dumps(
            [
                link("Home", home),
                link("Shipping & Return Policy", by_slug["shipping-returns"]),
                link("Privacy Policy", by_slug["privacy"]),
                link("Product Information", product),
                link("Research", by_slug["research"]),
                link("Order Now", by_slug["order"]),
                link("Customer Reviews", by_slug["reviews"]),
                link("Site Map", site_map),
                link("Affiliate Program", by_slug["affiliates"]),
            ]
        )
        nav.save()
    progress.update(1)

    User = get_user_model()
    password = os.environ.get("DEMO_ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD)
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is None:
        User.objects.create_superuser(
            email=ADMIN_EMAIL, password=password, first_name="Demo", last_name="Admin"
        )
        report.admin_password = password
        report.created.append(f"admin {ADMIN_EMAIL}")
    elif admin.check_password(password):
        report.admin_password = password
    progress.close()
    return report
