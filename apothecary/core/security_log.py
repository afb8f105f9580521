"""Refusals logged with who was refused: every 401, 403 and 429 answer, and the Wagtail
admin's "no permission" redirect, on the "apothecary.security" logger (the log format gives
the UTC time). What a person typed stays out of it: the method, the path and the account."""

import logging

from .ratelimit import client_ip

logger = logging.getLogger("apothecary.security")
REFUSALS = {401: "unauthorised", 403: "forbidden", 429: "rate limited"}
# Wagtail's permission_denied() redirects to the admin's home with this message.
WAGTAIL_DENIED = "Sorry, you do not have permission to access this area."


def _wagtail_denied(request, response) -> bool:
    if response.status_code != 302:
        return False
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", ())
    return any(str(message).strip() == WAGTAIL_DENIED for message in queued)


class RefusalLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = REFUSALS.get(response.status_code)
        if kind is None and _wagtail_denied(request, response):
            kind = "permission denied"
        if kind is not None:
            user = getattr(request, "user", None)
            who = (
                f"{user.get_username()} (user {user.pk})"
                if user is not None and user.is_authenticated
                else "anonymous"
            )
            logger.warning(
                "refused %s %s: %s (%s) for %s from %s",
                request.method,
                request.path,
                response.status_code,
                kind,
                who,
                client_ip(request),
            )
        return response
