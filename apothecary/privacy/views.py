"""The person's pages: the signed-in customer's export and "Delete my account", and the guest's
request by email with its one-use link. Thin: the work is in export, erasure and services.
Every answer is a page: 400 for a form to correct, 410 for a spent link, 429 for a flood, 503
when the limits cannot be counted; never a 500."""

import logging

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apothecary.core.models import BrandSettings
from apothecary.core.ratelimit import (
    RETRY_AFTER_SECONDS,
    RateLimitUnavailable,
    unavailable_response,
)

from . import erasure, export, links, services
from .forms import DeleteAccountForm, GuestRequestForm
from .models import ErasureVia, LinkPurpose
from .registry import Person

logger = logging.getLogger(__name__)


def _brand(request) -> str:
    return BrandSettings.for_request(request).brand_name


def too_many(request):
    response = render(
        request,
        "privacy/too_many.html",
        {"minutes": max(1, settings.PRIVACY_REQUEST_WINDOW_SECONDS // 60)},
        status=429,
    )
    response["Retry-After"] = str(settings.PRIVACY_REQUEST_WINDOW_SECONDS)
    return response


def gone(request):
    return render(request, "privacy/link_gone.html", status=410)


def zip_response(person: Person, brand: str) -> HttpResponse:
    response = HttpResponse(export.export_zip(person, brand=brand), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(person)}"'
    response["Cache-Control"] = "no-store"
    return response


# -- the signed-in customer ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def export_request(request):
    """GET: what the export holds; POST: a download link that works for a few minutes."""
    if request.method == "POST":
        try:
            if not services.allowed(request, scope="export", person_key=str(request.user.pk)):
                return too_many(request)
        except RateLimitUnavailable:
            return unavailable_response(request)
        token = links.download_token(request.user)
        return redirect(reverse("privacy:download", args=[token]))
    return render(request, "privacy/export.html")


@login_required
def download(request, token: str):
    try:
        links.read_download_token(token, request.user)
    except links.LinkGone:
        logger.info("privacy: an expired or foreign download link was followed")
        return gone(request)
    logger.info("privacy: a customer downloaded their data")
    return zip_response(Person.for_user(request.user), _brand(request))


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    user = request.user
    affiliate = getattr(user, "affiliate", None)
    if request.method != "POST":
        form = DeleteAccountForm(user=user)
        return render(
            request, "privacy/delete_account.html", {"form": form, "affiliate": affiliate}
        )
    try:
        if not services.allowed(request, scope="erase", person_key=str(user.pk)):
            return too_many(request)
    except RateLimitUnavailable:
        return unavailable_response(request)
    form = DeleteAccountForm(request.POST, user=user, request=request)
    if not form.is_valid():
        logger.warning("privacy: account deletion refused: wrong or missing password")
        context = {"form": form, "affiliate": affiliate}
        return render(request, "privacy/delete_account.html", context, status=400)
    erasure.erase(Person.for_user(user), via=ErasureVia.SELF)
    logout(request)
    return redirect("privacy:deleted")


def deleted(request):
    return render(request, "privacy/deleted.html")


# -- the guest, by email ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def guest_request(request):
    if request.method != "POST":
        return render(request, "privacy/request.html", {"form": GuestRequestForm()})
    form = GuestRequestForm(request.POST)
    if not form.is_valid():
        form.prepare_retry()
        return render(request, "privacy/request.html", {"form": form}, status=400)
    email, purpose = form.cleaned_data["email"], form.cleaned_data["purpose"]
    try:
        if not services.allowed(request, scope="guest", person_key=email):
            return too_many(request)
    except RateLimitUnavailable:
        response = render(
            request,
            "privacy/request.html",
            {"form": form, "unavailable": True},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    services.request_by_email(email=email, purpose=purpose, brand=_brand(request))
    return redirect("privacy:request_sent")


def request_sent(request):
    hours = settings.PRIVACY_EMAIL_LINK_SECONDS // 3600
    return render(request, "privacy/request_sent.html", {"hours": hours})


@require_http_methods(["GET", "POST"])
def link(request, purpose: str, token: str):
    """GET: a page with one button (a mail scanner following the link uses nothing); POST:
    the link is used, once: the ZIP, or the erasure and its confirmation page."""
    if purpose not in LinkPurpose.values:
        return gone(request)
    try:
        if request.method != "POST":
            links.read_email_link(token, purpose=purpose)
            return render(request, "privacy/link.html", {"purpose": purpose})
        if not services.allowed(request, scope="link"):
            return too_many(request)
        email = links.use_email_link(token, purpose=purpose)
    except links.LinkGone:
        logger.info("privacy: an expired or used %s link was followed", purpose)
        return gone(request)
    except RateLimitUnavailable:
        return unavailable_response(request)
    person = Person.for_email(email)
    if purpose == LinkPurpose.EXPORT:
        logger.info("privacy: a guest downloaded their data")
        return zip_response(person, _brand(request))
    erasure.erase(person, via=ErasureVia.GUEST)
    return redirect("privacy:deleted")
