"""Headers, cookies, the Content-Security-Policy, uploads and rich text.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os
from urllib.parse import urlparse

from csp.constants import NONCE

from .base import (
    CSRF_COOKIE_SECURE,
    INSTALLED_APPS,
    MEDIA_URL,
    MIDDLEWARE,
    PAYMENT_VARIANTS,
    SESSION_COOKIE_SECURE,
    STRIPE_SECRET_KEY,
    env_list,
)

# -- Headers, cookies, errors and uploads ----------------------------------------------------
# Cookies: Secure in production, and there the session and CSRF cookies carry the __Host-
# prefix (the browser then insists on Secure, Path=/ and no Domain, so that no sibling
# subdomain can set or shadow them). Lax: sent on top-level navigations from other sites
# (links in emails, the payment provider's return), not on their POSTs or frames.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: forms carry the token, the Wagtail admin reads it
# from its own config.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Flash messages ("Added … to your cart") live in the session: no third cookie to protect.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# No other site's window keeps a handle on ours (window.opener), e.g. after a link to us.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4). Public pages: scripts and <style> elements only from
# our origin or carrying the request's nonce (request.csp_nonce), never inline otherwise, so an
# injected <script>, on…= handler or javascript: link does not run; no framing at all.
# core.security.ContentSecurityPolicyMiddleware gives the admin (CSP_ADMIN_URL_PREFIXES) the
# looser policy below: Wagtail's admin writes inline scripts and styles and evaluates code.
_media = urlparse(MEDIA_URL)
_media_origin = [f"{_media.scheme}://{_media.netloc}"] if _media.netloc else []
_payment_forms = ["https://checkout.stripe.com"] if STRIPE_SECRET_KEY else []
if "paypal" in PAYMENT_VARIANTS:
    _payment_forms += ["https://www.paypal.com", "https://www.sandbox.paypal.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        # style="…" attributes (a rating bar's width) are no script; <style> needs the nonce.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_media_origin],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # Pay pages post to the payment provider's hosted page when one is configured.
        "form-action": ["'self'", *_payment_forms, *env_list("CSP_FORM_ACTION_EXTRA")],
        "frame-ancestors": ["'none'"],
    }
}
CSP_ADMIN_URL_PREFIXES = ["/admin/", "/django-admin/"]
# The admin's own needs (Wagtail 8): inline <script> in widgets and panels, eval in its
# bundles, inline styles, data:/blob: images in the image editor; its preview panel frames our
# own pages, hence frame-ancestors 'self' (and X-Frame-Options SAMEORIGIN from its views).
CSP_ADMIN_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *_media_origin],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "apothecary.core.security.ContentSecurityPolicyMiddleware",
)

# Uploads (Wagtail images and documents): sizes in bytes, formats by extension. No SVG (it can
# carry script) nor HTML for either; documents are always served by Django's view, which checks
# private collections, as attachments (nothing opens inline) under CSP default-src 'none'.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024**2))
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("WAGTAILDOCS_MAX_UPLOAD_SIZE", 10 * 1024**2))
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "apothecary.core.uploads.DocumentForm"
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True

# Rich text: Wagtail's Draftail editor, which refuses form data that is not its own JSON with a
# clean conversion instead of a 500 (core.richtext).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "apothecary.core.richtext.SafeDraftailRichTextArea"}
}
