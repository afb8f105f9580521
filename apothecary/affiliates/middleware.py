"""Referral links: ``?ref=<code>`` on any page of the site.

A GET with a ``ref`` parameter is answered here, before any view: the click is recorded for
an approved affiliate, the referral cookie is set where consent allows, and the visitor is
sent (302, never cached) to the same address without ``ref``. So content pages stay
cacheable and canonical, and a code that is unknown, inactive or junk costs the visitor
nothing but one redirect."""

import re

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from wagtail.models import Site

from apothecary.core import consent
from apothecary.core.http import Visitor

from .models import CODE_PATTERN, Affiliate, AffiliateStatus, Attribution, program_settings
from .services import (
    COOKIE_SALT,
    REF_PARAM,
    click_record,
    path_without_ref,
    referral_cookie_read,
    referral_cookie_value,
)

CODE_RE = re.compile(CODE_PATTERN)
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


class ReferralMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or _skipped(request.path) or REF_PARAM not in request.GET:
            return self.get_response(request)
        response = HttpResponseRedirect(path_without_ref(request))
        add_never_cache_headers(response)
        affiliate = _affiliate_for(request.GET.getlist(REF_PARAM))
        if affiliate is not None:
            self._track(request, response, affiliate)
        return response

    def _track(self, request, response, affiliate: Affiliate) -> None:
        click = click_record(affiliate=affiliate, request=request)
        if not consent.allows(request, "marketing"):
            return
        program = program_settings(Site.find_for_request(request))
        if program.attribution == Attribution.FIRST_CLICK:
            current = referral_cookie_read(visitor=Visitor.of(request), program=program)
            if current is not None and current.affiliate.pk != affiliate.pk:
                return  # first click keeps the order: another affiliate's cookie still holds
        response.set_signed_cookie(
            settings.REFERRAL_COOKIE_NAME,
            referral_cookie_value(click=click),
            salt=COOKIE_SALT,
            max_age=affiliate.window_days(program) * 24 * 60 * 60,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
