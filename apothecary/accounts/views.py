"""What allauth does not cover. Its emailed links answer 410 Gone, with its page saying so,
when they expired, were used or never existed (allauth answers 200 or 404). Wagtail's
page-password form (PageViewRestriction with a password) is no login (no authenticate() call,
so axes does not see it): it is counted here, per visitor address (any page) and per
restriction (from everywhere), before Wagtail sees it. Every login goes through allauth's
page and authenticate(), which django-axes guards. allauth shows a form sent with mistakes
again with 200: `bad_input_is_400` makes that a 400, as on the site's other forms."""

import functools
import logging

from allauth.account import views as allauth_views
from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from wagtail import views as wagtail_views

from apothecary.core.ratelimit import client_ip, hit

logger = logging.getLogger(__name__)

GONE = 410
BAD_REQUEST = 400
# allauth's pages whose form comes back with its errors (a failed sign-in stays 200: axes and
# its lockout page decide what a wrong password answers).
FORM_PAGES = {
    "account_signup",
    "account_reset_password",
    "account_reset_password_from_key",
    "account_change_password",
    "account_set_password",
    "account_email",
    "account_reauthenticate",
}


def bad_input_is_400(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        if (
            request.method == "POST"
            and response.status_code == 200
            and form is not None
            and form.is_bound
            and form.errors
        ):
            response.status_code = BAD_REQUEST
        return response

    return wrapped


def with_form_status(patterns):
    """allauth's URL patterns, FORM_PAGES answering 400 to a form with mistakes (in place, as
    Wagtail's decorate_urlpatterns does)."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            with_form_status(pattern.url_patterns)
        elif pattern.name in FORM_PAGES:
            pattern.callback = bad_input_is_400(pattern.callback)
    return patterns


@bad_input_is_400
def password_reset_from_key(request, uidb36, key):
    response = allauth_views.password_reset_from_key(request, uidb36=uidb36, key=key)
    context = getattr(response, "context_data", None) or {}
    if context.get("token_fail"):
        logger.info("password reset link refused: expired, used or unknown")
        response.status_code = GONE
    return response


def confirm_email(request, key):
    try:
        response = allauth_views.confirm_email(request, key=key)
    except Http404:  # allauth's answer to a POST of a dead link
        response = TemplateResponse(request, "account/email_confirm.html", {"confirmation": None})
    context = getattr(response, "context_data", None)
    if response.status_code == 200 and context is not None and not context.get("confirmation"):
        logger.info("email confirmation link refused: expired, used or unknown")
        response.status_code = GONE
    return response


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
