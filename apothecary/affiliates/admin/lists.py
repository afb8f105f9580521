"""The small lists staff edit directly, with Wagtail's generic views: the creatives
affiliates copy, the discount codes given to affiliates, and products' own rates."""

from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column

from apothecary.core.admin.viewsets import BaseModelViewSet

from ..models import AffiliateCoupon, Creative, ProductCommissionRate


class CreativeViewSet(BaseModelViewSet):
    model = Creative
    name = "affiliate_creatives"
    url_prefix = "affiliates/creatives"
    icon = "image"
    menu_label = "Creatives"
    list_display = [
        "name",
        Column("kind", label="Kind", accessor="get_kind_display", sort_key="kind"),
        "landing_path",
        BooleanColumn("active", label="Active", sort_key="active"),
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name", "text"]


class CouponViewSet(BaseModelViewSet):
    """An existing discount code given to an affiliate: orders using it are theirs. Create
    the code itself under Store → Discount codes first."""

    model = AffiliateCoupon
    name = "affiliate_coupons"
    url_prefix = "affiliates/coupons"
    icon = "pick"
    menu_label = "Coupons"
    list_display = [
        Column("discount_code", label="Discount code", accessor=lambda c: c.discount_code.code),
        Column("affiliate", label="Affiliate", accessor=lambda c: str(c.affiliate)),
    ]
    list_filter = ["affiliate"]
    search_fields = ["discount_code__code", "affiliate__code", "affiliate__name"]
    panels = [FieldPanel("discount_code"), FieldPanel("affiliate")]
    add_item_label = "Give a code to an affiliate"


class ProductRateViewSet(BaseModelViewSet):
    model = ProductCommissionRate
    name = "affiliate_product_rates"
    url_prefix = "affiliates/product-rates"
    icon = "tag"
    menu_label = "Product rates"
    list_display = [
        Column("product", label="Product", accessor=lambda r: r.product.title),
        Column("rate", label="Rate", accessor=lambda r: f"{r.rate}%", sort_key="rate"),
    ]
    panels = [FieldPanel("product"), FieldPanel("rate")]
