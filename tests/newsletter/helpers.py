import re

from django.test import Client

from apothecary.core.outbox import OutgoingEmail
from apothecary.newsletter.models import Subscriber

SIGNUP = "/newsletter/"
ORIGIN = "http://testserver"
CONFIRM_LINK = re.compile(r"http://[^\s\"]+/newsletter/confirm/([^/\s\"]+)/")


def browser(**kwargs) -> Client:
    """A visitor whose browser sends an Origin header with its POSTs, as browsers do."""
    return Client(headers={"Origin": ORIGIN}, **kwargs)


def sign_up(client, email="ada@example.com", **data):
    fields = {"email": email, "wording": "2026-12", "source": "footer", "page": "/", **data}
    return client.post(SIGNUP, fields)


def confirmation_emails(email="ada@example.com"):
    return list(OutgoingEmail.objects.filter(kind="newsletter_confirm", to=email).order_by("pk"))


def confirm_path(outgoing: OutgoingEmail) -> str:
    token = CONFIRM_LINK.search(outgoing.text).group(1)
    return f"/newsletter/confirm/{token}/"


def subscribed(client, email="ada@example.com") -> Subscriber:
    """Sign `email` up and confirm it, as a person does."""
    sign_up(client, email)
    client.post(confirm_path(confirmation_emails(email)[-1]))
    return Subscriber.objects.get(email=email)
