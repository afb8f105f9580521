"""What the medical-review byline under a page title shows."""

from django import template

from apothecary.compliance.seo import last_updated

register = template.Library()


@register.simple_tag
def page_last_updated(page):
    """The "Last updated" date of `page` (see compliance.seo.last_updated for the rule)."""
    return last_updated(page)
