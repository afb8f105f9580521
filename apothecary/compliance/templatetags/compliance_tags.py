"""Whether a page shows the brand's health disclaimer (base.html)."""

from django import template
from wagtail.models import Page

from apothecary.compliance.checker import cached_rules, mentions_product

register = template.Library()


@register.simple_tag
def needs_health_disclaimer(page) -> bool:
    """Product pages always show it; so do pages whose editor ticked "show health disclaimer",
    and any page whose words name the product (a post saying "our patch …" is health copy about
    a supplement). Naming is found with the claims checker's product terms, from the cache, so
    this costs no query on a warm cache; it walks the page's text once more, which is small
    next to rendering it."""
    from apothecary.catalog.models import ProductPage

    if not isinstance(page, Page):
        return False
    if getattr(page, "show_health_disclaimer", False) or isinstance(page, ProductPage):
        return True
    return mentions_product(page, cached_rules())
