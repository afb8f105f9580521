"""Template tags every page template uses: its structured data (JSON-LD), breadcrumbs,
canonical address, and the "Last updated" date of the medical-review byline."""

from django import template
from django.utils.safestring import mark_safe

from apothecary.compliance.seo import last_updated, medical_web_page
from apothecary.core import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def structured_data(context):
    """Every JSON-LD block of the page being rendered, breadcrumbs included below the home page.

    A page that names a medical reviewer also gets a MedicalWebPage block (see
    apothecary.compliance.seo for the rule), whatever its own get_json_ld returns."""
    request = context["request"]
    blocks = list(context.get("json_ld_extra", []))
    page = context.get("page")
    if page is not None and hasattr(page, "get_json_ld"):
        blocks = page.get_json_ld(request) + blocks
        review = medical_web_page(page, request)
        if review is not None:
            blocks.append(review)
    trail = breadcrumbs(context)
    if trail:
        blocks.append(seo.breadcrumb_list(trail))
    nonce = str(getattr(request, "csp_nonce", ""))
    # Reviewed (bandit B308): each block is seo.json_ld_script's output, escaped there
    return mark_safe("".join(seo.json_ld_script(block, nonce) for block in blocks))  # nosec B308, B703


@register.simple_tag(takes_context=True)
def breadcrumbs(context):
    """(title, URL) pairs from home to here, computed once per request."""
    request = context["request"]
    cached = getattr(request, "_breadcrumb_trail", None)
    if cached is not None:
        return cached
    trail = context.get("breadcrumb_trail")
    page = context.get("page")
    if trail is None:
        trail = seo.breadcrumb_trail(page, request) if page is not None else []
    extra = context.get("extra_breadcrumb")
    if extra and trail:
        trail = [*trail, extra]
    request._breadcrumb_trail = trail
    return trail


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's own address, without junk query strings; keeps ?page=N past the first page."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        url = f"{url}?page={page_obj.number}"
    return url


@register.simple_tag
def page_last_updated(page):
    """The "Last updated" date of `page` (see compliance.seo.last_updated for the rule)."""
    return last_updated(page)
