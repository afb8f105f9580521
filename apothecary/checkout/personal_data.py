"""Checkout's personal data (privacy.registry): a discount code's uses keep their order but
not the address (a per-customer limit no longer counts an erased person)."""

from apothecary.privacy.registry import anonymise, erased_email, register, same

SHOP = "set by the shop's staff, not by customers"

register(
    "checkout.DiscountRedemption",
    title="discount code uses",
    user=("order__user",),
    email=("email",),
    personal={"email": anonymise(erased_email)},
)
register("checkout.ShippingZone", not_personal=same(SHOP, "name", "countries"))
register("checkout.ZoneRegionTax", not_personal=same(SHOP, "country", "region"))
register("checkout.ShippingRate", not_personal=same(SHOP, "name"))
register("checkout.DiscountCode", not_personal=same(SHOP, "code", "kind"))
