"""What allauth does our way: its emails are outbox rows (core.outbox, delivered after commit,
retried), its links are made on the configured base URL (never the request's Host header),
subjects start with the brand's name, the client address is the one every rate limit reads
(core.ratelimit.client_ip), and where a person lands after signing in may be said by an app
above (accounts.hooks: affiliates land on their dashboard)."""

import logging
import uuid
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from apothecary.core.models import BrandSettings
from apothecary.core.outbox import queue_email
from apothecary.core.ratelimit import client_ip

from .hooks import login_destination

logger = logging.getLogger(__name__)


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def brand_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return BrandSettings.for_site(site).brand_name if site else "Apothecary"


class AccountAdapter(DefaultAccountAdapter):
    def new_user(self, request):
        """An account allauth's sign-up makes: allauth records its address itself
        (receivers.record_email_address leaves it alone)."""
        user = super().new_user(request)
        user._allauth_signup = True
        return user

    def get_login_redirect_url(self, request) -> str:
        """Where a person lands after signing in without a `?next=` (allauth reads that
        first): an app above may say (accounts.hooks), else the account page."""
        return login_destination(request) or super().get_login_redirect_url(request)

    def format_email_subject(self, subject: str) -> str:
        return f"{brand_name()}: {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's message, rendered by allauth, queued in the outbox instead of sent."""
        context = {"brand_name": brand_name(), "base_url": base_url(), **context}
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, mimetype in getattr(message, "alternatives", []) if "html" in mimetype),
            "",
        )
        kind = template_prefix.rsplit("/", 1)[-1]
        text = message.body if message.content_subtype == "plain" else ""
        if message.content_subtype == "html":
            html = message.body
        queue_email(
            key=f"account:{kind}:{uuid.uuid4().hex}",
            kind=f"account_{kind}"[:50],
            to=list(message.to),
            subject=message.subject,
            text=text,
            html=html,
        )
        logger.info("account email %s queued", kind)

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return base_url() + path.replace("UID-KEY", quote(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        path = reverse("account_confirm_email", kwargs={"key": emailconfirmation.key})
        return base_url() + path

    def get_client_ip(self, request) -> str:
        return client_ip(request)
