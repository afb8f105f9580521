"""The client's address: REMOTE_ADDR, or the Nth entry from the right of X-Forwarded-For behind
TRUSTED_PROXY_COUNT proxies; and nothing else in the project reads it."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from apothecary.core.ratelimit import client_ip

PROXY = "10.0.0.2"  # the nearest proxy: what REMOTE_ADDR is behind it


def request_from(remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_with_no_trusted_proxy_a_spoofed_forwarded_for_is_ignored():
    request = request_from("198.51.100.9", forwarded="203.0.113.66")

    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "198.51.100.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_right_most_entry_is_the_client():
    # The client sent "1.2.3.4" itself; the proxy appended the address it was reached from.
    request = request_from(forwarded="1.2.3.4, 203.0.113.7")

    assert client_ip(request) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_a_single_entry_is_the_client():
    assert client_ip(request_from(forwarded="203.0.113.7")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client():
    # client → load balancer (appends the client) → nginx (appends the load balancer) → app
    request = request_from(forwarded="6.6.6.6, 203.0.113.7, 10.0.0.1")

    assert client_ip(request) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_two_visitors_behind_the_same_proxy_have_two_addresses():
    first = request_from(PROXY, forwarded="203.0.113.7")
    second = request_from(PROXY, forwarded="198.51.100.20")

    assert {client_ip(first), client_ip(second)} == {"203.0.113.7", "198.51.100.20"}


@pytest.mark.parametrize(
    "header",
    [
        "not-an-address",
        "203.0.113.7, <script>",
        "203.0.113.7, 999.1.1.1",
        "203.0.113.7, ",
        "unknown",
        "203.0.113.7\r\nX-Evil: 1",
    ],
)
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_garbage_header_falls_back_to_remote_addr_and_is_logged(header, caplog):
    with caplog.at_level(logging.WARNING, logger="apothecary.core.ratelimit"):
        assert client_ip(request_from(PROXY, forwarded=header)) == PROXY

    (record,) = caplog.records
    assert "using REMOTE_ADDR" in record.getMessage()
    assert "\n" not in record.getMessage() and "\r" not in record.getMessage()


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_header_shorter_than_the_proxy_chain_falls_back_to_remote_addr():
    # The request did not come through both proxies: its one entry may be anyone's claim.
    assert client_ip(request_from(PROXY, forwarded="203.0.113.7")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_without_a_header_behind_proxies_the_address_is_remote_addr(caplog):
    with caplog.at_level(logging.INFO, logger="apothecary.core.ratelimit"):
        assert client_ip(request_from(PROXY)) == PROXY
    assert caplog.records == []


@pytest.mark.parametrize(
    "entry, address",
    [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("  203.0.113.7  ", "203.0.113.7"),
    ],
)
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_ports_brackets_and_spelling_of_an_entry_are_normalised(entry, address):
    assert client_ip(request_from(forwarded=f"1.1.1.1,{entry}")) == address


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_visitor_a_service_is_told_about_has_the_client_address(rf, db):
    from apothecary.core.http import Visitor

    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    assert Visitor.of(request).ip == "203.0.113.7"


def test_nothing_but_client_ip_reads_the_address_from_the_request():
    """Every rate limit, click hash and fraud flag goes through core.ratelimit.client_ip."""
    root = Path(__file__).resolve().parents[2] / "apothecary"
    readers = re.compile(r"REMOTE_ADDR|X_FORWARDED_FOR|X-Forwarded-For|\.headers\[.x-forwarded")
    found = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.parent.name != "settings" and readers.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["core/ratelimit.py"]


@pytest.mark.skipif(
    "axes" not in settings.INSTALLED_APPS, reason="django-axes is installed with the login throttle"
)
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_login_throttle_reads_the_same_address():
    from axes.helpers import get_client_ip_address

    request = request_from(PROXY, forwarded="6.6.6.6, 203.0.113.7")

    assert get_client_ip_address(request) == "203.0.113.7"
