"""Every write of the newsletter: signing up (double opt-in), confirming, unsubscribing, and
queueing a marketing email to a subscriber with its one-click unsubscribe.

Signing up answers the same whatever the address's state (no enumeration): a new, pending or
unsubscribed address gets a confirmation email with a fresh link; a confirmed one gets
nothing, and nothing changes. The per-email rate limit bounds how many confirmation emails a
stranger can make us send to one address."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from apothecary.core.models import BrandSettings
from apothecary.core.outbox import OutgoingEmail, queue_email, render_html, render_text
from apothecary.core.ratelimit import hit

from . import consent
from .models import ConsentEvent, NewsletterConsent, Subscriber, SubscriberStatus

logger = logging.getLogger(__name__)
CONFIRM_SALT = "apothecary.newsletter.confirm"
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058: the body of the mail client's POST


class SignupRefused(Exception):
    """A sign-up not taken; `message` tells the person why (their address stays typed)."""

    def __init__(self, message: str, *, status: int = 429):
        super().__init__(message)
        self.message = message
        self.status = status


class LinkGone(Exception):
    """A confirmation link that worked once, or could have: expired, used or replaced (410)."""


class LinkInvalid(Exception):
    """A confirmation link we never made (a mistyped or altered address: 404)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def brand_name(site: Site | None) -> str:
    site = site or Site.objects.filter(is_default_site=True).first()
    return BrandSettings.for_site(site).brand_name if site else ""


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "n": subscriber.confirm_nonce}, salt=CONFIRM_SALT)


def confirm_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:confirm", args=[confirm_token(subscriber)]))


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:unsubscribe", args=[subscriber.unsubscribe_token]))


def _check_limits(*, email: str, ip: str) -> None:
    window = settings.NEWSLETTER_LIMIT_WINDOW_SECONDS
    if not hit(
        scope="newsletter-ip", key=ip, limit=settings.NEWSLETTER_LIMIT_PER_IP, window_seconds=window
    ):
        raise SignupRefused(
            "We have had many sign-ups from your connection in the last hour. Please try again "
            "in an hour; your address is still below."
        )
    if not hit(
        scope="newsletter-email",
        key=email,
        limit=settings.NEWSLETTER_LIMIT_PER_EMAIL,
        window_seconds=window,
    ):
        raise SignupRefused(
            "This address was sent several times in the last hour. Please look for our email "
            "in your inbox (and spam folder), or try again in an hour."
        )


@transaction.atomic
def subscribe(
    *,
    email: str,
    wording_version: str,
    source: str,
    source_page: str,
    site: Site | None,
    ip: str,
    now=None,
) -> Subscriber:
    """Ask `email` to confirm its subscription (see the module's text). Raises SignupRefused
    (429) past a rate limit, RateLimitUnavailable when the limits cannot be counted, and
    KeyError for a wording version that does not exist (the form checks it first)."""
    email = normalise_email(email)
    _check_limits(email=email, ip=ip)
    now = now or timezone.now()
    text = consent.wording(wording_version, brand=brand_name(site))
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(
                    email=email,
                    requested_at=now,
                    consent_version=wording_version,
                    consent_text=text,
                    source=source,
                    source_page=source_page,
                    site=site,
                )
        except IntegrityError:  # the same address sent twice at once: the other one won
            subscriber = Subscriber.objects.select_for_update().get(email=email)
    if subscriber.status == SubscriberStatus.CONFIRMED:
        logger.info("newsletter: sign-up of confirmed subscriber %s; nothing sent", subscriber.pk)
        return subscriber
    subscriber.status = SubscriberStatus.PENDING
    subscriber.requested_at = now
    subscriber.confirm_nonce = secrets.token_hex(16)
    subscriber.consent_version = wording_version
    subscriber.consent_text = text
    subscriber.source = source
    subscriber.source_page = source_page
    subscriber.site = site
    subscriber.save()
    _queue_confirmation(subscriber)
    logger.info("newsletter: subscriber %s asked to confirm (from %s)", subscriber.pk, source)
    return subscriber


def _queue_confirmation(subscriber: Subscriber) -> None:
    hours = settings.NEWSLETTER_CONFIRM_MAX_AGE_SECONDS // 3600
    context = {
        "brand_name": brand_name(subscriber.site),
        "confirm_url": confirm_url(subscriber),
        "valid_for": f"{hours} hours" if hours < 48 else f"{hours // 24} days",
        "consent_text": subscriber.consent_text,
    }
    queue_email(
        key=f"newsletter:confirm:{subscriber.pk}:{subscriber.confirm_nonce}",
        kind="newsletter_confirm",
        to=subscriber.email,
        subject=f"Please confirm your subscription to the {context['brand_name']} newsletter",
        text=render_text("newsletter/email/confirm.txt", context),
        html=render_html("newsletter/email/confirm.html", context),
    )


def subscriber_for_link(token: str) -> Subscriber:
    """The pending subscriber a confirmation link confirms. Raises LinkInvalid for a link we
    did not make, LinkGone for one expired, used or replaced by a newer sign-up."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        raise LinkGone("expired") from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict) or not data.get("n"):
        raise LinkInvalid
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None or subscriber.confirm_nonce != data["n"]:
        raise LinkGone("used")
    return subscriber


@transaction.atomic
def confirm(*, token: str, now=None) -> Subscriber:
    """Confirm the subscription the link names, and record the consent. Raises as
    subscriber_for_link; a second use of the link is LinkGone."""
    subscriber = subscriber_for_link(token)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    subscriber_for_link(token)  # again, under the lock: a parallel click may have used it
    now = now or timezone.now()
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = now
    subscriber.confirm_nonce = ""
    subscriber.save(update_fields=["status", "confirmed_at", "confirm_nonce"])
    NewsletterConsent.objects.create(
        subscriber=subscriber,
        event=ConsentEvent.GIVEN,
        at=now,
        wording_version=subscriber.consent_version,
        wording=subscriber.consent_text,
        requested_at=subscriber.requested_at,
        source=subscriber.source,
        source_page=subscriber.source_page,
    )
    logger.info("newsletter: subscriber %s confirmed", subscriber.pk)
    return subscriber


@transaction.atomic
def unsubscribe(*, token: str, source: str, now=None) -> Subscriber | None:
    """Take the address of this unsubscribe token off the list; None when no subscriber has
    it. Idempotent: an address already off the list is left as it is."""
    subscriber = Subscriber.objects.select_for_update().filter(unsubscribe_token=token).first()
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return subscriber
    now = now or timezone.now()
    was_confirmed = subscriber.status == SubscriberStatus.CONFIRMED
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at = now
    subscriber.confirm_nonce = ""  # a confirmation link still in the inbox no longer works
    subscriber.save(update_fields=["status", "unsubscribed_at", "confirm_nonce"])
    if was_confirmed:
        NewsletterConsent.objects.create(
            subscriber=subscriber, event=ConsentEvent.WITHDRAWN, at=now, source=source
        )
    logger.info("newsletter: subscriber %s unsubscribed (%s)", subscriber.pk, source)
    return subscriber


def delete_unconfirmed(*, now=None) -> int:
    """Delete the addresses that asked but never confirmed, NEWSLETTER_PENDING_RETENTION_DAYS
    after their last sign-up (nobody agreed to be kept); those with a consent record (who
    were once subscribed, then signed up again) stay, as unsubscribed. Returns how many were
    deleted. For the daily retention run."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NEWSLETTER_PENDING_RETENTION_DAYS)
    stale = Subscriber.objects.filter(status=SubscriberStatus.PENDING, requested_at__lt=cutoff)
    with transaction.atomic():
        stale.filter(consents__isnull=False).update(
            status=SubscriberStatus.UNSUBSCRIBED, confirm_nonce=""
        )
        deleted, _ = stale.filter(consents__isnull=True).delete()
    if deleted:
        logger.info("newsletter: %s unconfirmed sign-ups deleted", deleted)
    return deleted


@dataclass(frozen=True)
class MarketingEmail:
    subject: str
    text: str
    html: str = ""


def queue_marketing_email(
    *, subscriber: Subscriber, campaign: str, email: MarketingEmail
) -> OutgoingEmail | None:
    """Queue one marketing email (e.g. a campaign's) to a confirmed subscriber, once per
    campaign and subscriber, inside the caller's transaction. It always carries the one-click
    unsubscribe headers (RFC 8058) and an unsubscribe link at the end of its text and HTML.
    None when the subscriber is not confirmed, or this campaign was queued to them before."""
    if subscriber.status != SubscriberStatus.CONFIRMED:
        logger.info(
            "newsletter: %s not sent to subscriber %s: not confirmed", campaign, subscriber.pk
        )
        return None
    url = unsubscribe_url(subscriber)
    context = {"unsubscribe_url": url, "brand_name": brand_name(subscriber.site)}
    text = email.text.rstrip() + "\n\n" + render_text("newsletter/email/footer.txt", context)
    html = ""
    if email.html:
        footer = render_html("newsletter/email/footer.html", context)
        head, body_end, tail = email.html.rpartition("</body>")
        html = f"{head}{footer}{body_end}{tail}" if body_end else email.html + footer
    return queue_email(
        key=f"newsletter:{campaign}:{subscriber.pk}",
        kind="newsletter",
        to=subscriber.email,
        subject=email.subject,
        text=text,
        html=html,
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK},
    )
