"""Referral links: ``/r/<code>`` (to the home page), or ``?ref=<code>`` on any page of the site.

A GET of a referral link is answered here, before any view: the click is recorded for an
approved affiliate, the referral cookie is set where consent allows, and the visitor is
sent (302, never cached) to the page without ``ref``. So content pages stay cacheable and
canonical, and a code that is unknown, inactive or junk costs the visitor nothing but one
redirect.

Only a top-level navigation counts: when the browser says what the request is for
(Sec-Fetch-Mode, Sec-Fetch-Dest), anything but a page being opened (an <img>, a fetch(), a
frame on another site) is redirected without a click or a cookie. More than
settings.REFERRAL_CLICK_HARD_LIMIT_PER_IP referral requests from one address within
settings.REFERRAL_CLICK_HARD_LIMIT_WINDOW seconds are answered 429, before any query."""

import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from apothecary.core import consent, ratelimit
from apothecary.core.http import Visitor

from .models import CODE_PATTERN, Affiliate, AffiliateStatus, Attribution
from .referrals import (
    COOKIE_SALT,
    REF_PARAM,
    click_record,
    path_without_ref,
    program_for_request,
    referral_cookie_read,
    referral_cookie_value,
)

CODE_RE = re.compile(CODE_PATTERN)
SHORT_LINK_RE = re.compile(r"^/r/([^/]*)/?$")
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/")


def _skipped(path: str) -> bool:
    prefixes = SKIPPED_PREFIXES + tuple(
        url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url and url.startswith("/")
    )
    return path.startswith(prefixes)


def _affiliate_for(codes: list[str]) -> Affiliate | None:
    """The approved affiliate of the first non-empty code given, matched case-insensitively;
    None for anything else (no query is made for text that cannot be a code)."""
    code = next((c.strip().lower() for c in codes if c.strip()), "")
    if not CODE_RE.fullmatch(code):
        return None
    return Affiliate.objects.filter(code=code, status=AffiliateStatus.APPROVED).first()


def is_page_navigation(request) -> bool:
    """True unless the browser says the request is not a page being opened in a window:
    Sec-Fetch-Mode other than "navigate", or Sec-Fetch-Dest other than "document" (an image,
    a script, a fetch(), a frame). A browser that sends neither header is believed."""
    mode = request.headers.get("Sec-Fetch-Mode", "navigate").strip().lower()
    dest = request.headers.get("Sec-Fetch-Dest", "document").strip().lower()
    return mode == "navigate" and dest == "document"


def _referral(request) -> tuple[list[str], str] | None:
    """(the codes, where to send the visitor) for a referral link, None for other requests."""
    if request.method != "GET" or _skipped(request.path):
        return None
    short = SHORT_LINK_RE.match(request.path)
    if short:
        return [short[1], *request.GET.getlist(REF_PARAM)], "/"
    if REF_PARAM in request.GET:
        return request.GET.getlist(REF_PARAM), path_without_ref(request)
    return None


def _too_many() -> HttpResponse:
    """The refusal; ratelimit.hit has logged it."""
    response = HttpResponse(
        "Too many requests for referral links from your address. Please wait a minute and "
        "try again.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(settings.REFERRAL_CLICK_HARD_LIMIT_WINDOW)
    add_never_cache_headers(response)
    return response


class ReferralMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        link = _referral(request)
        if link is None:
            return self.get_response(request)
        codes, target = link
        response = HttpResponseRedirect(target)
        add_never_cache_headers(response)
        try:
            allowed = ratelimit.hit(
                scope="referral-link",
                key=ratelimit.client_ip(request),
                limit=settings.REFERRAL_CLICK_HARD_LIMIT_PER_IP,
                window_seconds=settings.REFERRAL_CLICK_HARD_LIMIT_WINDOW,
            )
        except ratelimit.RateLimitUnavailable:
            # Nothing can be counted: the visitor still reaches the page, but no click is
            # recorded and no cookie set (recording unthrottled would open the flood).
            return response
        if not allowed:
            return _too_many()
        if not is_page_navigation(request):
            return response  # an <img>, a fetch() or a frame: no click, no cookie
        affiliate = _affiliate_for(codes)
        if affiliate is not None:
            self._track(request, response, affiliate)
        return response

    def _track(self, request, response, affiliate: Affiliate) -> None:
        now = timezone.now()
        program = program_for_request(request)
        click = click_record(affiliate=affiliate, request=request, program=program, now=now)
        if not consent.allows(request, "marketing"):
            return
        if program.attribution == Attribution.FIRST_CLICK:
            current = referral_cookie_read(visitor=Visitor.of(request), program=program)
            if current is not None and current.affiliate.pk != affiliate.pk:
                return  # first click keeps the order: another affiliate's cookie still holds
        response.set_signed_cookie(
            settings.REFERRAL_COOKIE_NAME,
            referral_cookie_value(affiliate=affiliate, click=click, clicked_at=now),
            salt=COOKIE_SALT,
            max_age=affiliate.window_days(program) * 24 * 60 * 60,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
