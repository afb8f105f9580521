"""The Content-Security-Policy header: a strict, nonce-based policy for the public site and a
looser one for the admin, chosen by path.

settings.CONTENT_SECURITY_POLICY is the public policy (django-csp 4's format). Paths under
settings.CSP_ADMIN_URL_PREFIXES get settings.CSP_ADMIN_DIRECTIVES instead, built without the
nonce: Wagtail's admin writes inline scripts that carry none, and a nonce in script-src would
make browsers ignore the 'unsafe-inline' those scripts need. A view may still choose its own
policy with django-csp's decorators, and a response that already has the header (Wagtail's
document and image views send default-src 'none') keeps it.

A preview in the admin renders the public page through a dummy request (Wagtail's
make_preview_request, flagged request.is_dummy) that runs this middleware too: it keeps the
public policy, so that the preview shows what the visitors' browsers will allow, except that
the admin's preview panel may frame it."""

from dataclasses import asdict

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CSP_ADMIN_URL_PREFIXES))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "is_dummy", False) and getattr(response, "_csp_replace", None) is None:
            response._csp_replace = {"frame-ancestors": ["'self'"]}
        if not is_admin_path(request.path_info) or HEADER in response:
            return super().process_response(request, response)
        parts = self.get_policy_parts(request=request, response=response)
        if parts.config is None and not getattr(response, "_csp_exempt", False):
            parts.config = settings.CSP_ADMIN_DIRECTIVES
            parts.nonce = None
            response[HEADER] = build_policy(**asdict(parts))
        return super().process_response(request, response)
