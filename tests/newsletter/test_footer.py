"""The footer's form on cached public pages: the same HTML for every visitor, no CSRF token,
no per-visitor clock; it signs a person up from any page."""

import re

import pytest
from django.test import Client

from apothecary.newsletter.models import Subscriber

from .helpers import confirmation_emails

pytestmark = pytest.mark.django_db
NONCE = re.compile(r' nonce="[^"]*"')
FOOTER_FORM = re.compile(r'<section class="footer-newsletter".*?</section>', re.DOTALL)


def footer_form(response) -> str:
    assert response.status_code == 200
    return FOOTER_FORM.search(response.content.decode()).group(0)


def without_nonce(response) -> str:
    return NONCE.sub("", response.content.decode())


def test_two_visitors_get_the_same_footer_and_page():
    first, second = Client(), Client()
    second.get("/newsletter/")  # a visitor with a history: a session, a CSRF cookie
    second.post("/cart/add/", {"variant": 0}, headers={"Origin": "http://testserver"})
    one, other = first.get("/"), second.get("/")
    assert footer_form(one) == footer_form(other)
    # The whole page too, but for the CSP nonce (per response, by design of the CSP).
    assert without_nonce(one) == without_nonce(other)
    assert "csrfmiddlewaretoken" not in footer_form(one)
    assert 'name="started"' not in footer_form(one)
    assert "public" in one["Cache-Control"]


def test_the_footer_form_is_on_content_pages_with_their_path():
    form = footer_form(Client().get("/blog/"))
    assert 'action="/newsletter/"' in form
    assert 'name="page" value="/blog/"' in form
    assert 'name="source" value="footer"' in form
    assert "Send me the B12 Patch newsletter" in form


def test_signing_up_from_the_footer_of_a_page():
    form = footer_form(Client().get("/blog/"))
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    response = Client(headers={"Origin": "http://testserver"}).post(
        "/newsletter/", {**fields, "email": "reader@example.com", "website": ""}
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(email="reader@example.com")
    assert (subscriber.source, subscriber.source_page) == ("footer", "/blog/")
    assert confirmation_emails("reader@example.com")
