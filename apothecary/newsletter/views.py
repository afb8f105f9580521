"""The newsletter's pages: sign-up (the footer's form posts here too), "check your inbox",
the confirmation link and the unsubscribe link. Views parse and call services.py."""

import logging

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Site

from apothecary.core.http import same_origin_only
from apothecary.core.ratelimit import RETRY_AFTER_SECONDS, RateLimitUnavailable, client_ip

from . import services
from .forms import SignupForm
from .models import Subscriber
from .services import ONE_CLICK, LinkGone, LinkInvalid, SignupRefused

logger = logging.getLogger(__name__)
UNAVAILABLE = (
    "We cannot take sign-ups just now. Please try again in a minute; your address is still below."
)


def _page(request, template: str, context: dict | None = None, *, status: int = 200):
    # newsletter_page: the footer leaves out its own sign-up form on these pages.
    return render(request, template, {"newsletter_page": True, **(context or {})}, status=status)


@csrf_exempt  # the footer's form is on cached public pages; same_origin_only checks the origin
@same_origin_only
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.method != "POST":
        return _page(request, "newsletter/signup.html", {"form": SignupForm()})
    form = SignupForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.subscribe(
                email=data["email"],
                wording_version=data["wording"],
                source=data["source"],
                source_page=data["page"],
                site=Site.find_for_request(request),
                ip=client_ip(request),
            )
        except SignupRefused as refusal:
            form.add_error(None, refusal.message)
            status = refusal.status
        except RateLimitUnavailable:
            form.add_error(None, UNAVAILABLE)
            status = 503
        else:
            return redirect("newsletter:check_inbox")
    logger.warning(
        "newsletter sign-up refused (%s): %s", status, ", ".join(sorted(form.errors)) or "-"
    )
    form.prepare_retry()
    response = _page(request, "newsletter/signup.html", {"form": form}, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@require_GET
def check_inbox(request):
    return _page(request, "newsletter/check_inbox.html")


def _link_gone(request, reason: str):
    return _page(
        request,
        "newsletter/link_gone.html",
        {"reason": reason, "signup_form": SignupForm()},
        status=410,
    )


def _link_invalid(request):
    return _page(request, "newsletter/link_invalid.html", status=404)


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET: a button to confirm (mail scanners open links; only a person presses it).
    POST: confirmed, consent recorded."""
    try:
        if request.method == "POST":
            subscriber = services.confirm(token=token)
            return _page(request, "newsletter/confirmed.html", {"subscriber": subscriber})
        subscriber = services.subscriber_for_link(token)
    except LinkGone as gone:
        logger.info("newsletter: confirmation link %s", gone)
        return _link_gone(request, str(gone))
    except LinkInvalid:
        logger.info("newsletter: confirmation link not ours")
        return _link_invalid(request)
    return _page(request, "newsletter/confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: mail clients POST here from their servers; the token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: the page with an unsubscribe button. POST (that button, or a mail client's
    one-click): unsubscribed at once, no confirmation."""
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == ONE_CLICK.partition("=")[2]
        subscriber = services.unsubscribe(
            token=token, source="email-one-click" if one_click else "unsubscribe-page"
        )
        if subscriber is None:
            return _link_invalid(request)
        return _page(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    subscriber = Subscriber.objects.filter(unsubscribe_token=token).first()
    if subscriber is None:
        return _link_invalid(request)
    return _page(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
