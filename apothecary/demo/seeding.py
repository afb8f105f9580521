"""Builds the demo site (B12 Patch) from the copy in data/ (its format: data/README.md).

Safe to re-run: what exists is left as it is (an editor's changes survive), what is missing is
created. `reset=True` deletes the demo's pages, images, settings and orders first. The orders,
reviews and the affiliate are made through the services a shopper or a manager uses.
"""

import os
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from tqdm import tqdm
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from apothecary.core.models import BrandSettings, CreditedImage, NavigationSettings
from apothecary.orders.models import Order
from apothecary.research.models import Citation
from apothecary.research.uses import citation_uses_rebuild_all

from . import content, pages
from .affiliates import reset_affiliate_program, seed_affiliate_program
from .compliance import seed_medical_review
from .contact import reset_contact_settings, seed_contact_settings
from .images import seed_images
from .invoices import reset_invoices, seed_invoice_settings
from .orders import ORDER_KEY_PREFIX
from .research import seed_citations
from .reviews import seed_reviews
from .store import seed_product, seed_shipping_and_discounts

ADMIN_EMAIL = "admin@b12patch.example"
DEFAULT_ADMIN_PASSWORD = "b12-patch-demo"


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    admin_email: str = ADMIN_EMAIL
    admin_password: str | None = None  # None when someone changed the demo admin's password


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
    reset_affiliate_program()
    # Their packs went with the product page: the demo buyers order again.
    demo_orders = Order.objects.filter(idempotency_key__startswith=ORDER_KEY_PREFIX)
    reset_invoices(demo_orders)
    demo_orders.delete()


def _seed_admin(report: SeedReport) -> None:
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


@transaction.atomic
def seed_demo(*, reset: bool = False, quiet: bool = False) -> SeedReport:
    if reset:
        reset_demo()
    root = _ensure_root()
    report = SeedReport()
    site_spec = content.read("site")
    image_specs = content.read("images")["image"]
    page_specs = content.read("pages")["page"]
    post_specs = content.read("posts")["post"]
    progress = tqdm(
        total=len(image_specs) + len(post_specs) + len(page_specs) + 4,
        desc="Seeding the demo",
        disable=quiet,
        unit="item",
    )
    images = seed_images(image_specs, report, progress)

    home = pages.seed_home(root, site_spec["home"], images, report)
    progress.update(1)
    site = pages.seed_site(home, site_spec["brand"]["brand_name"])
    seed_invoice_settings(site, report)

    faq_page = pages.seed_faq(home, report)
    product = seed_product(home, site_spec["products_index"], faq_page, images, report)
    seed_shipping_and_discounts(report)
    seed_reviews(product, report)
    progress.update(1)

    citations_before = Citation.objects.count()
    citations = seed_citations()
    if Citation.objects.count() > citations_before:
        report.created.append(f"{Citation.objects.count() - citations_before} citations")

    by_slug, replaced = pages.seed_pages(home, page_specs, images, citations, report, progress)
    blog, posts = pages.seed_blog(
        home, site_spec["blog_index"], post_specs, images, citations, report, progress
    )
    site_map = pages.seed_site_map(home, site_spec["site_map"], report)
    progress.update(1)

    every_page = {
        home.slug: home,
        faq_page.slug: faq_page,
        product.slug: product,
        **by_slug,
        blog.slug: blog,
        **posts,
        site_map.slug: site_map,
    }
    pages.link_home(home, site_spec["home"], every_page)
    pages.seed_brand(site, site_spec["brand"])
    seed_contact_settings(site, report)
    seed_affiliate_program(site, images, report)
    for old_pk, slug in replaced.items():
        pages.repoint_menus(site, old_pk, by_slug[slug].pk)
    # Publishing keeps "cited in" current; this catches pages published before it did.
    citation_uses_rebuild_all()
    seed_medical_review({**by_slug, **posts, product.slug: product}, report)
    pages.seed_menus(site, site_spec["menus"], every_page)
    progress.update(1)

    _seed_admin(report)
    progress.close()
    return report
