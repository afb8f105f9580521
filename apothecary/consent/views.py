"""POST /consent/: record a choice, set the cookie, and go back (303) to the page it was made
on (or answer JSON to the banner's script). GET /consent/: the "Cookie settings" page, with
the visitor's current choice and the full form.

The banner sits on cached public pages, so its form carries no CSRF token: the view is
csrf_exempt and same_origin_only (the browser's Origin/Referer must name this site), like
/cart/add/. A forged cross-site POST could at worst set a visitor's choice, and is refused."""

import logging

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apothecary.core import consent, ratelimit
from apothecary.core.http import same_origin_only

from .forms import ConsentForm
from .models import ConsentRecord, ConsentSource
from .services import consent_record, cookie_value

logger = logging.getLogger(__name__)


def safe_next(request, raw: str) -> str:
    """`raw` when it is a path on this site ("/…", not "//…", no backslash, no control
    character, no scheme or host), "/" otherwise."""
    raw = (raw or "").strip()
    if (
        not raw.startswith("/")
        or raw.startswith("//")
        or "\\" in raw
        or any(ord(char) < 0x20 or ord(char) == 0x7F for char in raw)
        or not url_has_allowed_host_and_scheme(
            raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return "/"
    return raw


def _wants_json(request) -> bool:
    return request.accepts("application/json") and not request.accepts("text/html")


def _record_for(choice) -> ConsentRecord | None:
    if choice is None:
        return None
    return ConsentRecord.objects.filter(pk=choice.record_id).first()


def _page(request, *, form=None, saved=False, too_many="", status=200):
    choice = consent.current_choice(request)
    accepted = set(choice.categories) if choice else {consent.NECESSARY}
    labels = {key: label for key, label, _description in settings.CONSENT_CATEGORIES}
    context = {
        "form": form,
        "allowed": ", ".join(labels[key].lower() for key in labels if key in accepted),
        "choice": choice,
        "record": _record_for(choice),
        "saved": saved and choice is not None,
        "gpc": consent.gpc(request),
        "too_many": too_many,
        "max_age_days": settings.CONSENT_COOKIE_MAX_AGE // 86400,
        "categories": [
            {"key": key, "label": label, "description": description, "on": key in accepted}
            for key, label, description in settings.CONSENT_CATEGORIES
        ],
    }
    return TemplateResponse(request, "consent/settings.html", context, status=status)


def _refused(request, form, status):
    if _wants_json(request):
        errors = [message for messages in form.errors.values() for message in messages]
        return JsonResponse({"error": " ".join(errors) or "Refused."}, status=status)
    return _page(request, form=form, status=status)


def _too_many(request):
    message = "Too many cookie choices from your address. Please wait a few minutes."
    if _wants_json(request):
        response = JsonResponse({"error": message}, status=429)
    else:
        response = _page(request, too_many=message, status=429)
    response["Retry-After"] = str(settings.CONSENT_LIMIT_WINDOW)
    return response


@csrf_exempt  # the banner is on cached public pages; same_origin_only checks where it came from
@same_origin_only
@require_http_methods(["GET", "POST"])
def choice(request):
    if request.method == "GET":
        return _page(request, saved=request.GET.get("saved") == "1")
    try:
        allowed = ratelimit.hit(
            scope="consent",
            key=ratelimit.client_ip(request),
            limit=settings.CONSENT_LIMIT_PER_IP,
            window_seconds=settings.CONSENT_LIMIT_WINDOW,
        )
    except ratelimit.RateLimitUnavailable:
        return ratelimit.unavailable_response(request)
    if not allowed:
        return _too_many(request)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        logger.info("consent refused: %s", form.errors.as_text().replace("\n", " "))
        return _refused(request, form, status=400)
    wants_json = _wants_json(request)
    source = ConsentSource.JS if wants_json else form.cleaned_data["source"] or "banner"
    record = consent_record(
        categories=form.accepted(),
        source=source,
        gpc=consent.gpc(request),
        user=getattr(request, "user", None),
    )
    if wants_json:
        response = JsonResponse(
            {
                "version": record.policy_version,
                "categories": record.categories,
                "gpc": record.gpc,
            }
        )
    else:
        response = HttpResponseRedirect(safe_next(request, form.cleaned_data["next"]))
        response.status_code = 303
    response.set_cookie(
        settings.CONSENT_COOKIE_NAME,
        cookie_value(record),
        max_age=settings.CONSENT_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # the page's script reads the version to hide the banner
    )
    return response
