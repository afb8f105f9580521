"""Launch test 21: an editor's rich text and StreamField, posted straight to Wagtail's page
editor (crafted form data, no Draftail widget in the way) with javascript: links, <script>,
event handlers and raw HTML: the published page holds nothing that runs.

"Nothing that runs" is read from the published HTML: every <script> is ours (from our origin,
or inline with the request's CSP nonce, and then JSON-LD that keeps the payload escaped); no
on…= attribute; no href, src, action or formaction with a javascript:, vbscript: or data:
address; and the page's policy would refuse an injected inline script anyway."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.blocks import StructBlockValidationError
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from apothecary.blog.models import BlogIndexPage, BlogPostPage
from apothecary.core.blocks import NavigationLinkBlock
from apothecary.core.templatetags.core_tags import nav_link_url
from apothecary.pages.models import HomePage, StandardPage
from tests.conftest import make_post, publish

pytestmark = pytest.mark.django_db

LINKS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]
TEXT = '<script>alert("text")</script><img src=x onerror=alert(2)>'
RAW_HTML = (
    '<p><a href="javascript:alert(3)">raw</a><script>alert(4)</script>'
    '<img src="x" onerror="alert(5)"><svg onload="alert(6)"></svg>'
    '<iframe src="javascript:alert(7)"></iframe></p>'
)


def contentstate(text: str, urls: list[str]) -> str:
    """Draftail's form value: one paragraph of `text`, each url a LINK over its first letter."""
    text = (text + " ") * 1 + "x" * len(urls)
    start = len(text) - len(urls)
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "aaaaa",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [
                        {"offset": start + i, "length": 1, "key": i} for i in range(len(urls))
                    ],
                    "data": {},
                }
            ],
            "entityMap": {
                str(i): {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}}
                for i, url in enumerate(urls)
            },
        }
    )


HOSTILE_RICH_TEXT = [contentstate(TEXT, LINKS), RAW_HTML]


def hostile_body():
    """A StreamField with the hostile payload in each kind of block that takes text."""
    items = []
    for value in HOSTILE_RICH_TEXT:
        items.append(("paragraph", value))
        items.append(("callout", {"tone": "info", "title": TEXT, "text": value}))
    items.append(("heading", {"text": TEXT, "level": "h2"}))
    items.append(("bullet_list", {"items": streamfield([("item", TEXT)]), "ordered": ""}))
    return streamfield(items)


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser(
        email="editor@example.com", password="an-editor-password-1"
    )
    client.force_login(user)
    return client


def promote_and_settings(page) -> dict:
    return {
        "slug": page.slug,
        "seo_title": "",
        "search_description": "",
        "show_health_disclaimer": "",
        "last_reviewed": "",
        "go_live_at": "",
        "expire_at": "",
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }


def publish_through_the_editor(client, page, fields: dict):
    data = nested_form_data({"title": page.title, **promote_and_settings(page), **fields})
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    form = response.context["form"] if response.context and "form" in response.context else None
    assert response.status_code == 302, form.errors if form is not None else response
    page.refresh_from_db()
    assert not page.has_unpublished_changes


class _Executable(HTMLParser):
    """What in a page could run: scripts, handlers, script-bearing addresses."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.problems: list[str] = []
        self._in_script: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRIBUTES and value is not None:
                squashed = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
                if squashed.startswith(("javascript:", "vbscript:", "data:text")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in {"iframe", "object", "embed", "svg", "base"}:
            self.problems.append(f"<{tag}>")
        if tag == "script":
            self._in_script, self._text = attributes, []

    def handle_data(self, data):
        if self._in_script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._text)))
            self._in_script = None


def assert_nothing_executable(response):
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]

    page = _Executable()
    page.feed(response.content.decode())
    assert page.problems == []
    for attributes, text in page.scripts:
        if "src" in attributes:
            assert attributes["src"].startswith("/static/"), attributes
            continue
        assert attributes.get("nonce") == nonce, attributes
        assert attributes.get("type") == "application/ld+json", attributes
        assert "<" not in text, text  # JSON-LD keeps every < escaped: nothing closes it
        json.loads(text)


def test_a_standard_page_body_with_hostile_rich_text_publishes_inert(editor, client):
    home = HomePage.objects.get()
    page = publish(home, StandardPage(title="Hostile copy", slug="hostile-copy", intro=TEXT))

    publish_through_the_editor(editor, page, {"intro": TEXT, "body": hostile_body()})

    page = StandardPage.objects.get(pk=page.pk)
    assert len(page.body) == 6  # the blocks were kept: only what could run is gone
    client.logout()
    assert_nothing_executable(client.get(page.url))


def test_a_blog_post_body_with_hostile_rich_text_publishes_inert(editor, client):
    post = make_post(BlogIndexPage.objects.get(), title="Hostile post")

    publish_through_the_editor(
        editor,
        post,
        {
            "date": "2024-06-01",
            "author": TEXT,
            "tags": "",
            "intro": TEXT,
            "header_image_alt": TEXT,
            "body": hostile_body(),
            "related_links": inline_formset([]),
            "references": inline_formset([]),
        },
    )

    post = BlogPostPage.objects.get(pk=post.pk)
    assert post.author == TEXT  # stored as typed; escaped when shown
    client.logout()
    response = client.get(post.url)
    assert_nothing_executable(response)
    assert "&lt;script&gt;alert(&quot;text&quot;)&lt;/script&gt;" in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE_RICH_TEXT, ids=["contentstate", "raw-html"])
def test_a_rich_text_field_of_the_home_page_with_hostile_links_publishes_inert(
    editor, client, value
):
    home = HomePage.objects.get()
    fields = {
        "hero_heading": home.hero_heading,
        "hero_text": home.hero_text,
        "hero_image_alt": home.hero_image_alt,
        "hero_cta_label": home.hero_cta_label,
        "product_heading": home.product_heading,
        "product_text": value,
        "product_link_label": home.product_link_label,
        "about_heading": home.about_heading or "About",
        "about_text": value,
        "latest_posts_heading": home.latest_posts_heading,
        "latest_posts_count": str(home.latest_posts_count),
    }
    for name in ("hero_image", "hero_cta_page", "product_page", "about_page"):
        fields[name] = str(getattr(home, f"{name}_id") or "")

    publish_through_the_editor(editor, home, fields)

    client.logout()
    response = client.get(Page.objects.get(pk=home.pk).url)
    assert_nothing_executable(response)


@pytest.mark.parametrize(
    "html",
    [
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href=" JAVASCRIPT:alert(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<iframe src="/"></iframe>',
        "<p>fine</p><script>alert(1)</script>",
    ],
)
def test_the_check_finds_what_would_run(html):
    page = _Executable()
    page.feed(html)

    assert page.problems or [a for a, _ in page.scripts if "nonce" not in a]


@pytest.mark.parametrize("url", LINKS + ["  JAVASCRIPT:alert(1)", "\x01javascript:alert(1)"])
def test_a_menu_link_to_a_script_address_is_refused_and_never_shown(url):
    block = NavigationLinkBlock()
    value = block.to_python({"label": "Deals", "page": None, "url": url})

    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    assert "url" in refused.value.block_errors
    # A link stored before the check (or written by a script) is left out of the menu.
    assert nav_link_url({}, value) == ""


@pytest.mark.parametrize("url", ["/site-map/", "https://example.org/", "mailto:hi@example.org"])
def test_a_menu_link_to_a_page_address_is_kept(url):
    block = NavigationLinkBlock()
    value = block.clean(block.to_python({"label": "Go", "page": None, "url": url}))

    assert nav_link_url({}, value) == url
