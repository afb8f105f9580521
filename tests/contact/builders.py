"""Contact form posts and stored messages for tests."""

import uuid

from django.test import override_settings
from wagtail.models import Site

from apothecary.contact.models import ContactMessage
from apothecary.contact.services import message_submit
from tests.helpers import started

URL = "/contact/"
THANKS_URL = "/contact/thanks/"
SUBJECT = "Question about the patch"  # one of the demo's subjects
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def filled_form(client, **fields) -> dict:
    """What a person sends after opening the page and filling the form in for half a minute:
    the page's own submission key, the fields below unless `fields` says otherwise."""
    form = client.get(URL).context["form"]
    data = {
        "name": "Ada Reader",
        "email": "ada@example.com",
        "subject": SUBJECT,
        "order_number": "",
        "message": "Can I wear the patch while swimming?\r\nThanks!",  # a browser sends CRLF
        "website": "",
        "started": started(),
        "submission_key": str(form.initial["submission_key"]),
    }
    data.update(fields)
    return data


def make_message(
    *,
    name="Ada Reader",
    email="ada@example.com",
    subject=SUBJECT,
    text="Can I wear the patch while swimming?",
    order_number="",
) -> ContactMessage:
    """A message stored as the form stores it (its emails are queued, not sent: the test's
    transaction never commits), whatever the rate limits."""
    with override_settings(CONTACT_LIMIT_PER_IP=10**6, CONTACT_LIMIT_PER_EMAIL=10**6):
        return message_submit(
            name=name,
            email=email,
            subject=subject,
            order_number=order_number,
            text=text,
            submission_key=uuid.uuid4(),
            site=Site.objects.get(is_default_site=True),
            ip="10.1.1.1",
        )
