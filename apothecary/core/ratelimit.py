"""Who is asking, and how often: the client's address (the one place that reads it), fixed-window
rate limits kept in the cache (Redis in production, so every app server shares the count), and
the clear 503 a rate-limited form answers when the cache cannot count.

The limits fail closed: when the cache cannot count an attempt, `hit` raises
RateLimitUnavailable rather than letting it through. Only POSTs call `hit`; pages that are read
never need it, so a dead cache costs them nothing."""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60  # what the 503 tells the browser (Retry-After) and the person
UNAVAILABLE_TEMPLATE = "core/unavailable.html"


class RateLimitUnavailable(Exception):
    """The cache that counts attempts cannot be reached: the attempt is refused (fail closed).
    Views that can keep what was typed catch it; RateLimitUnavailableMiddleware answers any
    other with the 503 page."""


def _address(value: str) -> str | None:
    """The IP address in one X-Forwarded-For entry (a port or IPv6 brackets allowed), in its
    canonical form; None when the entry is not an address."""
    value = value.strip()
    if value.startswith("["):  # "[2001:db8::1]:443"
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the person behind the request, for rate limits, click hashes and fraud
    flags. Every caller reads it here.

    With TRUSTED_PROXY_COUNT = 0 (the default) that is REMOTE_ADDR: an X-Forwarded-For header
    is the client's own claim, ignored. Behind N trusted proxies, each appends the address it
    was reached from, so the client is the Nth entry from the right of X-Forwarded-For (entries
    further left are whatever the client sent). A header too short or an entry that is not an
    address falls back to REMOTE_ADDR (the nearest proxy), logged."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    header = meta.get("HTTP_X_FORWARDED_FOR", "")
    entries = header.split(",") if header else []
    if len(entries) >= proxies:
        address = _address(entries[-proxies])
        if address is not None:
            return address
    if not header:  # not through the proxies (a health check, a direct request)
        logger.debug("client address: no X-Forwarded-For; using REMOTE_ADDR")
        return remote
    logger.warning(
        "client address: X-Forwarded-For %r has no address %s from the right (%s trusted "
        "proxies); using REMOTE_ADDR",
        header[:200],
        proxies,
        proxies,
    )
    return remote


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False when `key` has used up its `limit` in the current window.
    Raises RateLimitUnavailable when the cache cannot count (the attempt must be refused)."""
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}"
    try:
        cache.add(cache_key, 0, timeout=window_seconds)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr (or the add was not stored)
            if not cache.add(cache_key, 1, timeout=window_seconds):
                count = cache.incr(cache_key)
            else:
                count = 1
    except Exception as error:  # the cache is down: nothing can be counted
        logger.warning("rate limit %s: the cache cannot count (%s); refused", scope, error)
        raise RateLimitUnavailable(scope) from error
    if count > limit:
        # Logged once per key and window: a flood must not become a flood of log lines.
        if count == limit + 1:
            logger.warning("rate limit %s reached (%s attempts)", scope, count)
        else:
            logger.debug("rate limit %s: attempt %s refused", scope, count)
        return False
    return True


def unavailable_response(request, *, status: int = 503):
    """The site's page for "we cannot take this form for a minute", with Retry-After."""
    response = render(
        request,
        UNAVAILABLE_TEMPLATE,
        {"retry_after_minutes": max(1, RETRY_AFTER_SECONDS // 60)},
        status=status,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class RateLimitUnavailableMiddleware:
    """Answer RateLimitUnavailable, from any view, with the 503 page instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimitUnavailable):
            return None
        logger.warning(
            "%s %s refused with 503: rate limit %s cannot be counted",
            request.method,
            request.path,
            exception,
        )
        return unavailable_response(request)
