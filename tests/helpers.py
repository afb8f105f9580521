"""Small readers of what a page shows (JSON-LD blocks, links, meta tags), and what a browser
sends with the site's forms (consent, the spam guard)."""

import json
import re
import time
from html.parser import HTMLParser

from django.core import signing

from apothecary.core import antispam


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.json_ld, self.links, self.meta, self.canonical = [], [], {}, None
        self._in_ld = False
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld, self._buffer = True, []
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")

    def handle_data(self, data):
        if self._in_ld:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_ld:
            self.json_ld.append(json.loads("".join(self._buffer)))
            self._in_ld = False


def parse_page(response):
    parser = _PageParser()
    parser.feed(response.content.decode())
    return parser


def json_ld_types(response) -> list[str]:
    return [block["@type"] for block in parse_page(response).json_ld]


def nav_links(response, label: str) -> list[tuple[str, str]]:
    """(text, href) of the links inside <nav aria-label="label">."""
    html = response.content.decode()
    match = re.search(rf'<nav[^>]*aria-label="{label}"[^>]*>(.*?)</nav>', html, re.S)
    assert match, f"no <nav aria-label={label!r}>"
    return [
        (re.sub(r"<[^>]+>", "", text).strip(), href)
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', match.group(1), re.S)
    ]


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def give_consent(client, *categories: str):
    """Give the test client's visitor a consent cookie for the current policy version, as the
    banner's choice would: the optional `categories` named (all of them when none are), e.g.
    give_consent(client, "marketing") before following a referral link. Returns the client."""
    import uuid

    from django.conf import settings

    from apothecary.core import consent

    accepted = categories or consent.optional_category_keys()
    value = consent.encode(
        version=settings.CONSENT_POLICY_VERSION, record_id=uuid.uuid4(), categories=accepted
    )
    client.cookies[settings.CONSENT_COOKIE_NAME] = value
    return client


def started(seconds_ago: float = 30) -> str:
    """A spam-guarded form's signed start time (core.antispam), as if opened `seconds_ago`."""
    return signing.dumps(time.time() - seconds_ago, salt=antispam.SALT)


def spam_guard(seconds_ago: float = 30) -> dict[str, str]:
    """The spam guard's fields as a person's browser sends them: an empty honeypot and the
    form's start time, `seconds_ago`."""
    return {"website": "", "started": started(seconds_ago)}
