"""Template tags of the site's frame: menu links (NavigationLinkBlock values)."""

from django import template
from django.utils.safestring import mark_safe

from apothecary.core.blocks import is_safe_link

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link_url(context, value):
    """The address a NavigationLinkBlock points at, or '' when its page is gone or unpublished."""
    page = value.get("page")
    if page is not None:
        if not page.live:
            return ""
        return page.get_url(request=context.get("request")) or ""
    url = value.get("url") or ""
    return url if is_safe_link(url) else ""


@register.simple_tag(takes_context=True)
def aria_current(context, url):
    request = context.get("request")
    if request is not None and url and request.path == url:
        return mark_safe('aria-current="page"')  # nosec B308
    return ""


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """`url` made absolute on the request's site (an og:image, a canonical link); a URL that is
    absolute already (media in S3 or on a CDN) is left as it is."""
    request = context.get("request")
    if not url or request is None:
        return url or ""
    return request.build_absolute_uri(url)
