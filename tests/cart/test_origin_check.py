import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from apothecary.core.http import is_foreign_origin, same_origin_only


@same_origin_only
def view(request):
    return HttpResponse("ok")


def post(**headers):
    return RequestFactory().post("/cart/add/", **headers)


@pytest.mark.parametrize(
    ("headers", "foreign"),
    [
        ({}, True),  # neither Origin nor Referer: not a browser on our pages
        ({"HTTP_REFERER": ""}, True),
        ({"HTTP_ORIGIN": "http://testserver"}, False),
        ({"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}, False),
        ({"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-site"}, False),
        ({"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "Cross-Site"}, True),
        ({"HTTP_REFERER": "http://testserver/", "HTTP_SEC_FETCH_SITE": "cross-site"}, True),
        ({"HTTP_REFERER": "http://testserver/products/b12-patch/"}, False),
        ({"HTTP_ORIGIN": "http://testserver.evil.example"}, True),
        ({"HTTP_ORIGIN": "https://testserver"}, True),  # another scheme is another origin
        ({"HTTP_ORIGIN": "null"}, True),
        ({"HTTP_ORIGIN": "javascript:alert(1)"}, True),
        ({"HTTP_REFERER": "https://evil.example/testserver"}, True),
        ({"HTTP_REFERER": "not a url"}, True),
        # The Origin header wins over the Referer.
        ({"HTTP_ORIGIN": "https://evil.example", "HTTP_REFERER": "http://testserver/"}, True),
    ],
)
def test_is_foreign_origin(headers, foreign):
    assert is_foreign_origin(post(**headers)) is foreign


@override_settings(CSRF_TRUSTED_ORIGINS=["https://shop.example", "https://*.cdn.example"])
def test_trusted_origins_are_not_foreign():
    assert is_foreign_origin(post(HTTP_ORIGIN="https://shop.example")) is False
    assert is_foreign_origin(post(HTTP_ORIGIN="https://eu.cdn.example")) is False
    assert is_foreign_origin(post(HTTP_ORIGIN="http://shop.example")) is True


def test_same_origin_only_refuses_a_foreign_post_with_403_and_lets_get_through():
    refused = view(post(HTTP_ORIGIN="https://evil.example"))
    allowed = view(post(HTTP_ORIGIN="http://testserver"))
    read = view(RequestFactory().get("/", HTTP_ORIGIN="https://evil.example"))

    assert refused.status_code == 403
    assert refused.content == b"This form can only be sent from this site's own pages."
    assert (allowed.status_code, read.status_code) == (200, 200)
