from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from wagtail import hooks

from apothecary.core.models import BrandSettings
from apothecary.core.seo import absolute_url

from .models import ProductPage, Variant
from .pricing import PurchaseInfo, price_per_month, purchase_info, savings

# A Wagtail hook: functions (product, request) → a dict of more Product JSON-LD properties.
PRODUCT_JSON_LD_HOOK = "catalog_product_json_ld"


@dataclass
class Offer:
    variant: Variant
    info: PurchaseInfo
    per_month: Decimal
    saves: Decimal


def _offers(variants: list[Variant]) -> list[Offer]:
    by_product: dict[int, Variant] = {}
    for variant in variants:  # the cheapest pack per month of each product is the base
        base = by_product.get(variant.product_id)
        if base is None or variant.months < base.months:
            by_product[variant.product_id] = variant
    return [
        Offer(v, purchase_info(v), price_per_month(v), savings(v, by_product[v.product_id]))
        for v in variants
    ]


def product_offers(product: ProductPage) -> list[Offer]:
    variants = list(Variant.objects.filter(product=product, active=True).select_related("product"))
    return _offers(variants)


def store_offers() -> list[Offer]:
    """Every active pack of every live product, for the order page."""
    variants = list(
        Variant.objects.purchasable()
        .select_related("product")
        .order_by("product__path", "sort_order", "pk")
    )
    return _offers(variants)


def product_json_ld(product: ProductPage, request) -> dict:
    offers = product_offers(product)
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.short_description,
        "url": absolute_url(request, product),
        "offers": [
            {
                "@type": "Offer",
                "sku": offer.variant.sku,
                "name": offer.variant.name,
                "price": str(offer.info.unit_price),
                "priceCurrency": settings.STORE_CURRENCY,
                "availability": "https://schema.org/InStock"
                if offer.info.available
                else "https://schema.org/SoldOut",
                "url": absolute_url(request, product),
            }
            for offer in offers
        ],
    }
    data["brand"] = {"@type": "Brand", "name": BrandSettings.for_request(request).brand_name}
    # Apps above the catalog add what they know of the product (reviews: its ratings).
    for add_to_product_json_ld in hooks.get_hooks(PRODUCT_JSON_LD_HOOK):
        data.update(add_to_product_json_ld(product, request))
    return data
