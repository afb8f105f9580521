"""Template tags of the site's frame: menu links (NavigationLinkBlock values)."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link_url(context, value):
    """The address a NavigationLinkBlock points at, or '' when its page is gone or unpublished."""
    page = value.get("page")
    if page is not None:
        if not page.live:
            return ""
        return page.get_url(request=context.get("request")) or ""
    return value.get("url") or ""


@register.simple_tag(takes_context=True)
def aria_current(context, url):
    request = context.get("request")
    if request is not None and url and request.path == url:
        return mark_safe('aria-current="page"')  # nosec B308
    return ""
