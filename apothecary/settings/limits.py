"""Client addresses, rate limits and a cache or database that may be down.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import MIDDLEWARE

# -- Client addresses, rate limits and a cache that may be down ------------------------------
# The client's address (core.ratelimit.client_ip, read by every rate limit, click hash and
# fraud flag): REMOTE_ADDR, unless the app stands behind this many proxies that each append
# the address they were reached from to X-Forwarded-For (nginx: proxy_add_x_forwarded_for).
# Then it is the Nth entry from the right; what the client itself sent is never trusted.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is a number of proxies: 0 or more.")
# django-axes (the login throttle) reads the same address (AXES_CLIENT_IP_CALLABLE, logins).
# Orders placed (checkout's Place order) per visitor address and per email address per hour.
ORDER_PLACE_LIMIT_PER_IP = int(os.environ.get("ORDER_PLACE_LIMIT_PER_IP", "20"))
ORDER_PLACE_LIMIT_PER_EMAIL = int(os.environ.get("ORDER_PLACE_LIMIT_PER_EMAIL", "5"))
# A rate-limited form whose limit cannot be counted (the cache is down) answers 503.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "apothecary.core.ratelimit.RateLimitUnavailableMiddleware",
)
# A connection the database drops mid-request answers 503 (core.outages), not 500.
MIDDLEWARE.append("apothecary.core.outages.DatabaseUnavailableMiddleware")
