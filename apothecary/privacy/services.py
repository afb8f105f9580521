"""Privacy's writes: a guest's emailed request, the rate limits of every request, and the
daily retention run."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apothecary.core.outbox import queue_email, render_html, render_text
from apothecary.core.ratelimit import client_ip, hit

from . import links, registry
from .models import LinkPurpose

logger = logging.getLogger(__name__)

SUBJECTS = {
    LinkPurpose.EXPORT: "Your link to download your data",
    LinkPurpose.ERASE: "Confirm the deletion of your data",
}


def allowed(request, *, scope: str, person_key: str = "") -> bool:
    """Count one request by its network address and (when known) its person; False past
    PRIVACY_REQUEST_LIMIT in the window (the view answers 429). Raises RateLimitUnavailable
    when the cache cannot count (the view answers 503)."""
    limit, window = settings.PRIVACY_REQUEST_LIMIT, settings.PRIVACY_REQUEST_WINDOW_SECONDS
    by_ip = hit(
        scope=f"privacy-{scope}-ip", key=client_ip(request), limit=limit, window_seconds=window
    )
    by_person = not person_key or hit(
        scope=f"privacy-{scope}-person", key=person_key.lower(), limit=limit, window_seconds=window
    )
    return by_ip and by_person


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


@transaction.atomic
def request_by_email(*, email: str, purpose: str, brand: str) -> None:
    """Email a one-use link for `purpose` to `email`. The same whether or not we hold
    anything for the address: the page never tells who is a customer."""
    email = email.strip().lower()
    token = links.email_link_token(email=email, purpose=purpose)
    context = {
        "brand": brand,
        "purpose": purpose,
        "url": base_url() + reverse("privacy:link", args=[purpose, token]),
        "hours": settings.PRIVACY_EMAIL_LINK_SECONDS // 3600,
    }
    queue_email(
        key=f"privacy:{purpose}:{token[-40:]}",
        kind=f"privacy_{purpose}",
        to=email,
        subject=f"{SUBJECTS[purpose]} ({brand})",
        text=render_text("privacy/email/link.txt", context),
        html=render_html("privacy/email/link.html", context),
    )
    logger.info("privacy: %s link emailed", purpose)


def apply_retention(*, now=None) -> dict[str, dict[str, int]]:
    """Run every retention rule (each app's, registry.register_retention), each in its own
    transaction; returns {rule: {what: count}}. Safe to run again: nothing more is found."""
    now = now or timezone.now()
    results = {}
    for name, rule in sorted(registry.retention_rules().items()):
        with transaction.atomic():
            results[name] = rule(now)
    with transaction.atomic():
        results["privacy_links"] = {"used or expired links deleted": links.delete_old_links(now)}
    logger.info("privacy: retention applied: %s", results)
    return results


def unregistered_periods() -> list[str]:
    """Retention periods of the settings that no app applies yet (e.g. consent_records until
    the consent app registers its rule)."""
    names = {name.split(":")[0] for name in registry.retention_rules()}
    return sorted(set(settings.PRIVACY_RETENTION_DAYS) - names)


def period_text(days: int) -> str:
    """A retention period as the privacy policy writes it: "30 days", "1 year", "7 years"."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"
