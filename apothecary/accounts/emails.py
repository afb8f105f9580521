"""A customer's account emails, plain text, each sent by a background task that reads the
account afresh and makes its own link (no link is kept in the task queue). The templates
autoescape like every template (no `autoescape off`), and say nothing a visitor typed but
an email address that Django validated."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task
from wagtail.models import Site

from apothecary.core.models import BrandSettings

from .tokens import email_change_token

logger = logging.getLogger(__name__)


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _brand_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return BrandSettings.for_site(site).brand_name if site else "Apothecary"


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    brand_name = _brand_name()
    body = render_to_string(template, {**context, "brand_name": brand_name})
    EmailMessage(
        subject=f"{brand_name}: {subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    ).send()


@task()
def send_password_reset_email(*, user_id: int) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    _send(
        to=user.email,
        subject="Reset your password",
        template="accounts/email/password_reset.txt",
        context={
            "reset_url": _base_url() + path,
            "hours": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600)),
        },
    )
    logger.info("password reset email sent to user %s", user.pk)


@task()
def send_email_change_confirmation(*, user_id: int, old_email: str, new_email: str) -> None:
    """To the new address: the link that makes it the account's (services.email_change_*)."""
    token = email_change_token(user_id=user_id, old_email=old_email, new_email=new_email)
    path = reverse("accounts:email_change_confirm", kwargs={"token": token})
    _send(
        to=new_email,
        subject="Confirm your new email address",
        template="accounts/email/email_change_confirm.txt",
        context={
            "confirm_url": _base_url() + path,
            "new_email": new_email,
            "hours": max(1, round(settings.EMAIL_CHANGE_TIMEOUT / 3600)),
        },
    )
    logger.info("email change confirmation sent for user %s", user_id)


@task()
def send_email_changed_notice(*, old_email: str, new_email: str) -> None:
    """To the old address, once the change is done: if it was not its owner, they know."""
    _send(
        to=old_email,
        subject="Your email address was changed",
        template="accounts/email/email_changed.txt",
        context={"new_email": new_email},
    )
