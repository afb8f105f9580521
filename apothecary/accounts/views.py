"""What allauth does not cover: Wagtail's page-password form (PageViewRestriction with a
password) is no login (no authenticate() call, so axes does not see it): it is counted here,
per visitor address (any page) and per restriction (from everywhere), before Wagtail sees it.
Every login goes through allauth's page and authenticate(), which django-axes guards."""

import logging

from django.conf import settings
from django.template.response import TemplateResponse
from wagtail import views as wagtail_views

from apothecary.core.ratelimit import client_ip, hit

logger = logging.getLogger(__name__)


def page_password(request, page_view_restriction_id, page_id):
    if request.method == "POST":
        window = settings.PAGE_PASSWORD_WINDOW_SECONDS
        allowed = hit(
            scope="page-password-ip",
            key=client_ip(request),
            limit=settings.PAGE_PASSWORD_LIMIT_PER_IP,
            window_seconds=window,
        ) and hit(
            scope="page-password-restriction",
            key=str(page_view_restriction_id),
            limit=settings.PAGE_PASSWORD_LIMIT_PER_RESTRICTION,
            window_seconds=window,
        )
        if not allowed:
            logger.warning(
                "page password refused: too many attempts (restriction %s, ip %s)",
                page_view_restriction_id,
                client_ip(request),
            )
            response = TemplateResponse(
                request,
                "accounts/page_password_throttled.html",
                {"minutes": max(1, round(window / 60))},
                status=429,
            )
            response["Retry-After"] = str(window)
            return response
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)
