import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200


def search(request):
    """Full-text search over live pages and posts; empty or junk queries get a friendly page."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    # Keep letters, digits and a few joiners; anything else is noise to the search backend.
    cleaned = "".join(ch if ch.isalnum() or ch in "-' " else " " for ch in query)
    cleaned = " ".join(cleaned.split())
    page_obj = None
    if cleaned:
        results = Page.objects.live().public().specific().search(cleaned, operator="and")
        page_obj = Paginator(results, settings.SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    elif query:
        logger.info("search: query with no searchable words: %r", query[:80])
    response = TemplateResponse(
        request,
        "pages/search.html",
        {
            "search_query": query,
            "page_obj": page_obj,
            "breadcrumb_trail": [
                ("Home", request.build_absolute_uri("/")),
                ("Search", request.build_absolute_uri(request.path)),
            ],
        },
    )
    if query:
        response["X-Robots-Tag"] = "noindex"
    return response
