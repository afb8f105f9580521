"""Structured data (JSON-LD) and canonical addresses, built from pages and the request."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld_script(data: dict, nonce: str = "") -> str:
    """A <script type="application/ld+json"> block that no text inside it can break out of,
    carrying the request's CSP nonce when one is given."""
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES)
    nonce_attr = format_html(' nonce="{}"', nonce) if nonce else ""
    # Reviewed (bandit B308): JSON with <, > and & escaped: no text can close the tag
    return mark_safe(f'<script type="application/ld+json"{nonce_attr}>{payload}</script>')  # nosec B308, B703


def absolute_url(request, page: Page) -> str:
    """The page's address on the host the visitor used (the page's own site if it is another)."""
    return request.build_absolute_uri(page.get_url(request=request))


def breadcrumb_trail(page: Page, request) -> list[tuple[str, str]]:
    """(title, absolute URL) pairs from the home page down to `page`; empty for the home page."""
    site = Site.find_for_request(request)
    if site is None or page.depth <= site.root_page.depth:
        return []
    ancestors = page.get_ancestors(inclusive=True).filter(depth__gte=site.root_page.depth)
    root = request.build_absolute_uri("/")[:-1]
    trail = []
    for ancestor in ancestors:
        url = ancestor.get_url(request=request)
        if url is None:
            continue
        trail.append(
            (
                ancestor.title if ancestor.depth > site.root_page.depth else "Home",
                url if url.startswith("http") else root + url,
            )
        )
    return trail


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": url}
            for index, (name, url) in enumerate(trail, start=1)
        ],
    }


def organization(brand, request) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": brand.brand_name,
        "url": request.build_absolute_uri("/"),
    }
    if brand.description:
        data["description"] = brand.description
    if brand.contact_email:
        data["email"] = brand.contact_email
    return data


def website(brand, request) -> dict:
    search_url = request.build_absolute_uri("/search/")
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": brand.brand_name,
        "url": request.build_absolute_uri("/"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{search_url}?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }
