"""Builders for login tests: a customer and a staff member who sign in with a password, a
page behind a Wagtail page password, and a run of failed logins."""

import re

from django.contrib.auth import get_user_model
from wagtail.models import Page, PageViewRestriction

CUSTOMER_PASSWORD = "right-horse-battery-9"
STAFF_PASSWORD = "staple-correct-horse-7"
PAGE_PASSWORD = "open-sesame-42"

# One sign-in page (allauth's) for everyone: the admin's login and a private page's send there,
# with where to come back to.
CUSTOMER_LOGIN = "/account/login/"
ADMIN_LOGIN = "/account/login/?next=/admin/"
PRIVATE_PAGE_LOGIN = "/account/login/?next=/private/"


def make_customer(email="ada@example.com", password=CUSTOMER_PASSWORD, **fields):
    return get_user_model().objects.create_user(email=email, password=password, **fields)


def make_staff(email="boss@example.com", password=STAFF_PASSWORD):
    return get_user_model().objects.create_superuser(email=email, password=password)


def attempt(client, url, username, password, ip="203.0.113.7"):
    return client.post(url, {"login": username, "password": password}, REMOTE_ADDR=ip)


def fail_logins(client, url, username, times, ip="203.0.113.7"):
    """`times` wrong passwords for `username`; the status codes, in order."""
    return [
        attempt(client, url, username, f"wrong-guess-{n}", ip=ip).status_code for n in range(times)
    ]


def form_errors(response) -> list[str]:
    form = response.context["form"] if response.context and "form" in response.context else None
    return list(form.non_field_errors()) if form is not None else []


def visible_text(response) -> str:
    """The page's text without tags and the (per-request) CSRF token."""
    html = response.content.decode()
    html = re.sub(r"[A-Za-z0-9]{64}", "", html)  # CSRF tokens, masked anew on every page
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def password_protected_page(password=PAGE_PASSWORD):
    """A live page of the demo behind a Wagtail page password: (page, restriction)."""
    page = Page.objects.live().filter(depth__gte=3).order_by("path").first().specific
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=password
    )
    return page, restriction


def page_password_url(page, restriction) -> str:
    return f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"


def account_emails():
    """The account emails allauth queued in the outbox (core.outbox), oldest first."""
    from apothecary.core.outbox import OutgoingEmail

    return list(OutgoingEmail.objects.filter(kind__startswith="account_").order_by("pk"))


def link_in(email, marker: str) -> str:
    """The path of the first link in `email`'s text that contains `marker`."""
    from django.conf import settings

    url = next(word for word in email.text.split() if marker in word)
    return url.removeprefix(settings.WAGTAILADMIN_BASE_URL.rstrip("/"))
