"""Small HTTP guards shared by views, and the visitor a service may be told about."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseForbidden
from wagtail.models import Site

from .ratelimit import client_ip

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _origin_of(url: str) -> str | None:
    """'scheme://host[:port]' of an absolute http(s) address, lower-cased; None otherwise
    (the literal 'null' a sandboxed frame or a privacy setting sends included)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _trusted(origin: str, request) -> bool:
    if origin == f"{request.scheme}://{request.get_host()}".lower():
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        scheme, _, host = trusted.lower().partition("://")
        wanted_scheme, _, wanted_host = origin.partition("://")
        if scheme != wanted_scheme:
            continue
        if host == wanted_host or (host.startswith("*.") and wanted_host.endswith(host[1:])):
            return True
    return False


def is_foreign_origin(request) -> bool:
    """True unless the request says it comes from this site's own pages: its Origin header
    (or, lacking one, its Referer) names this site or a trusted origin, and its
    Sec-Fetch-Site, when sent, is not "cross-site". A request with neither Origin nor Referer
    is foreign: every current browser sends Origin on a POST, so only a script (curl, a
    server elsewhere) or a page that strips referrers sends neither."""
    if request.headers.get("Sec-Fetch-Site", "").strip().lower() == "cross-site":
        return True
    header = request.headers.get("Origin")
    if header is None:
        header = request.headers.get("Referer")
        if not header:
            return True
    origin = _origin_of(header)
    return origin is None or not _trusted(origin, request)


def same_origin_only(view):
    """Refuse (403) a POST, PUT, PATCH or DELETE sent from another site's page, or that
    names no page at all (neither Origin nor Referer).

    For forms on cached public pages, which cannot carry a CSRF token: apply it together with
    `csrf_exempt`, so that the request is still checked, by the browser's Origin/Referer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in UNSAFE_METHODS and is_foreign_origin(request):
            return HttpResponseForbidden(
                "This form can only be sent from this site's own pages.",
                content_type="text/plain; charset=utf-8",
            )
        return view(request, *args, **kwargs)

    return wrapped


@dataclass(frozen=True)
class Visitor:
    """What a service (or a signal's receiver) may know of the person behind a request,
    without the request: their address, their cookies and the site they came to."""

    ip: str = ""
    cookies: Mapping[str, str] = field(default_factory=dict)
    site_id: int | None = None

    @classmethod
    def of(cls, request) -> "Visitor":
        site = Site.find_for_request(request)
        return cls(
            ip=client_ip(request), cookies=dict(request.COOKIES), site_id=site.pk if site else None
        )

    def signed_cookie(self, key: str, *, salt: str = "", max_age=None) -> str | None:
        """The value of a cookie set with `set_signed_cookie(key, …, salt=salt)`, or None
        when it is missing, forged or older than `max_age` (as request.get_signed_cookie)."""
        holder = HttpRequest()  # Django's own reading of signed cookies, on these cookies
        holder.COOKIES = dict(self.cookies)
        return holder.get_signed_cookie(key, default=None, salt=salt, max_age=max_age)
