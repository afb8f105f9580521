"""Writing a review (from the product page, or from the link of a review request), confirming
it, and the pages that say what happens next. Every route here is never cached (urls.py).

A refused submission (spam guard, rate limit, duplicate, invalid field) comes back as the form,
filled as it was sent, with a clear message and a 4xx; each refusal is logged."""

import logging

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from apothecary.catalog.models import ProductPage
from apothecary.core.ratelimit import client_ip, hit

from . import services
from .forms import ReviewForm

logger = logging.getLogger(__name__)

HOUR, DAY = 3600, 86400


def _ip_allowed(request) -> bool:
    return hit(
        scope="review-write-ip",
        key=client_ip(request),
        limit=settings.REVIEW_LIMIT_PER_IP,
        window_seconds=HOUR,
    )


def _email_allowed(email: str) -> bool:
    return hit(
        scope="review-write-email",
        key=email.strip().lower(),
        limit=settings.REVIEW_LIMIT_PER_EMAIL,
        window_seconds=DAY,
    )


def _refuse(form, message: str | None, why: str, product) -> None:
    logger.warning("review refused for product %s: %s", product.pk, why)
    if message:
        form.add_error(None, message)
    if hasattr(form, "refresh_started"):
        form.refresh_started()


def _handle(request, form, product, *, review_request=None):
    """Validate and save; returns (review or None, HTTP status)."""
    if not _ip_allowed(request):
        _refuse(
            form,
            "You have sent several reviews in a short time. Please wait an hour and try again; "
            "your text is kept below.",
            "rate limit per IP",
            product,
        )
        return None, 429
    if not form.is_valid():
        fields = ", ".join(sorted(form.errors)) or "form"
        _refuse(form, None, f"invalid ({fields})", product)
        return None, 400
    data = form.cleaned_data
    email = review_request.email if review_request else data["email"]
    if not _email_allowed(email):
        _refuse(
            form,
            "This email address has sent several reviews today. Please try again tomorrow; "
            "your text is kept below.",
            "rate limit per email",
            product,
        )
        return None, 429
    try:
        review = services.review_submit(
            product=product,
            rating=data["rating"],
            title=data["title"],
            text=data["text"],
            display_name=data["display_name"],
            country=data.get("country", ""),
            email=email,
            user=request.user if request.user.is_authenticated else None,
            review_request=review_request,
        )
    except services.ReviewError as error:
        _refuse(form, str(error), type(error).__name__, product)
        return None, error.status
    return review, 201


def write(request, product_id: int):
    """Anyone may write a review; it waits for the emailed link to be followed, then for a
    moderator."""
    product = get_object_or_404(ProductPage.objects.live().public(), pk=product_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        review, status = _handle(request, form, product)
        if review is not None:
            return redirect("reviews:sent", product_id=product.pk)
    return TemplateResponse(
        request,
        "reviews/write.html",
        {"form": form, "product": product, "verified": False},
        status=status,
    )


def sent(request, product_id: int):
    product = get_object_or_404(ProductPage.objects.live().public(), pk=product_id)
    return TemplateResponse(request, "reviews/sent.html", {"product": product})


def _link_refused(request, error: services.ReviewLinkError, *, title: str):
    return TemplateResponse(
        request,
        "reviews/link_refused.html",
        {"message": str(error), "title": title, "expired": error.status == 410},
        status=error.status,
    )


def confirm(request, token: str):
    """The link from the confirmation email: a page with one button (email scanners open
    links, they do not press buttons); pressing it sends the review to moderation."""
    try:
        review = services.review_for_confirm_token(token)
    except services.ReviewLinkError as error:
        return _link_refused(request, error, title="We could not confirm this review")
    if request.method == "POST":
        services.review_confirm(review=review)
        return redirect("reviews:thanks")
    return TemplateResponse(request, "reviews/confirm.html", {"review": review})


def request_review(request, token: str):
    """The link from a review request: the form, tied to the order line bought; the review is
    verified. The link works once."""
    try:
        review_request = services.review_request_for_token(token)
    except services.ReviewLinkError as error:
        return _link_refused(request, error, title="This review link cannot be used")
    line = review_request.order_line
    product = services.verified_product(line)
    if product is None:  # checked by review_request_for_token; kept for type checkers
        raise Http404("No such product.")
    name = line.order.shipping_name.split()
    suggested = f"{name[0]} {name[-1][0]}." if len(name) > 1 else (name[0] if name else "")
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        with_email=False,
        initial={"display_name": suggested},
    )
    status = 200
    if request.method == "POST":
        review, status = _handle(request, form, product, review_request=review_request)
        if review is not None:
            return redirect("reviews:thanks")
    return TemplateResponse(
        request,
        "reviews/write.html",
        {"form": form, "product": product, "verified": True, "line": line},
        status=status,
    )


def thanks(request):
    return TemplateResponse(request, "reviews/thanks.html", {})
