"""The catalog holds product data only (privacy.registry)."""

from apothecary.privacy.registry import register, same

PRODUCT = "product data written by staff"

register("catalog.ProductIndexPage", not_personal=same(PRODUCT, "intro"))
register(
    "catalog.ProductPage",
    not_personal=same(
        PRODUCT, "short_description", "how_to_use", "serving_size", "other_ingredients", "warnings"
    ),
)
register("catalog.ProductGalleryImage", not_personal=same(PRODUCT, "alt_text"))
register("catalog.Variant", not_personal=same(PRODUCT, "sku", "name"))
register(
    "catalog.StockMovement",
    not_personal=same("stock bookkeeping codes", "kind", "reason", "reference", "idempotency_key"),
)
register("catalog.OrderPage", not_personal=same(PRODUCT, "intro"))
