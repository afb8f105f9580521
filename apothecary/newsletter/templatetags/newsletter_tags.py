from django import template

from .. import consent

register = template.Library()


@register.simple_tag
def newsletter_wording(brand) -> dict:
    """The sign-up's current consent wording, as {"version", "text"}, for `brand` (the
    BrandSettings of base.html)."""
    name = getattr(brand, "brand_name", "") if brand else ""
    version = consent.CURRENT_VERSION
    return {"version": version, "text": consent.wording(version, brand=name)}
