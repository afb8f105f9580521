"""The demo store (store.toml): the product page and its packs, where it ships and at what
cost, and the discount codes. Prices and stock are demo figures."""

import json
from decimal import Decimal

from apothecary.catalog.models import ProductGalleryImage, ProductIndexPage, ProductPage, Variant
from apothecary.catalog.services import stock_record_initial
from apothecary.checkout.models import DiscountCode, ShippingRate, ShippingZone, ZoneRegionTax

from . import content
from .pages import page_from, publish, raw_stream


def _money(spec: dict, *names: str) -> dict:
    """`spec` with the amounts of `names` (strings in the TOML, "19.95") as Decimals; an
    amount left out is None."""
    return {**spec, **{name: Decimal(spec[name]) if name in spec else None for name in names}}


def seed_product(home, index_spec: dict, faq_page, images, report) -> ProductPage:
    """The products index of site.toml and, under it, the product page with its packs."""
    spec = content.read("store")
    products = publish(home, page_from(ProductIndexPage, index_spec), report)
    product_spec = spec["product"]
    product = ProductPage(
        title=product_spec["title"],
        slug=product_spec["slug"],
        search_description=product_spec["search_description"],
        short_description=product_spec["short_description"],
        how_to_use=content.rich_text("product/how-to-use.html"),
        description=raw_stream(content.stream("product/description.html"), images),
        serving_size=product_spec["serving_size"],
        supplement_facts=json.dumps(
            [{"type": "fact", "value": fact} for fact in product_spec["supplement_fact"]]
        ),
        other_ingredients=product_spec["other_ingredients"],
        warnings=content.rich_text("product/warnings.html"),
        faq_page=faq_page,
        show_health_disclaimer=product_spec.get("show_health_disclaimer", False),
    )
    for order, picture in enumerate(product_spec["gallery"]):
        product.gallery_images.add(
            ProductGalleryImage(
                image=images[picture["image"]], alt_text=picture["alt_text"], sort_order=order
            )
        )
    product = publish(products, product, report)
    if isinstance(product, ProductPage):
        for order, variant in enumerate(spec["variant"]):
            variant = _money(variant, "price", "compare_at_price")
            made, created = Variant.objects.get_or_create(
                sku=variant["sku"], defaults={**variant, "product": product, "sort_order": order}
            )
            if created:
                stock_record_initial(variant=made, reason="Opening stock of the demo")
                report.created.append(f"variant {variant['sku']}")
    return product


def seed_shipping_and_discounts(report) -> None:
    """The shipping zones with their rates, and the discount codes, that do not exist yet."""
    spec = content.read("store")
    for zone_spec in spec["zone"]:
        if ShippingZone.objects.filter(name=zone_spec["name"]).exists():
            continue
        zone = ShippingZone.objects.create(
            name=zone_spec["name"],
            countries=zone_spec["countries"],
            tax_rate=Decimal(zone_spec["tax_rate"]),
            prices_include_tax=zone_spec.get("prices_include_tax", False),
        )
        for rate in zone_spec["rate"]:
            ShippingRate.objects.create(zone=zone, **_money(rate, "price", "free_above_subtotal"))
        for region_tax in zone_spec.get("region_tax", []):
            ZoneRegionTax.objects.create(
                zone=zone,
                country=region_tax.get("country", zone.country_codes()[0]),
                region=region_tax["region"],
                rate=Decimal(region_tax["rate"]),
            )
        report.created.append(f"zone {zone.name}")
    for discount in spec["discount"]:
        if not DiscountCode.objects.filter(code=discount["code"]).exists():
            amounts = [name for name in ("value", "min_subtotal") if name in discount]
            DiscountCode.objects.create(**_money(discount, *amounts))
            report.created.append(f"discount {discount['code']}")
