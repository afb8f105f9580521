from django import template

from apothecary.core.geography import country_name as _country_name

from ..selectors import product_reviews as _product_reviews

register = template.Library()


@register.simple_tag(takes_context=True)
def product_reviews(context, product):
    """The product's rating summary and newest approved reviews (shared with its JSON-LD)."""
    return _product_reviews(product, context.get("request"))


@register.filter
def star_glyphs(rating) -> str:
    """'★★★★☆' for 4 (or 4.3): a picture for sighted readers; pages give the number in text."""
    try:
        full = int(round(float(rating)))
    except (TypeError, ValueError):
        return ""
    full = max(0, min(5, full))
    return "★" * full + "☆" * (5 - full)


@register.filter
def country_name(code: str) -> str:
    return _country_name(code) if code else ""
