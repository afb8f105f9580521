"""The Content-Security-Policy in real Chromium: the public pages, the same pages with the
editor's userbar, and the Wagtail admin (dashboard, page editor, its preview panel) load with
no violation reported, while an inline script injected into a public page is refused."""

import pytest

from apothecary.blog.models import BlogPostPage
from apothecary.catalog.models import ProductPage
from apothecary.demo.seeding import ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Reports every violation of the page's policy into window.__cspViolations, from the start.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watch(context):
    """Record CSP violations (events in every frame, and the console's reports)."""
    context.add_init_script(WATCH)
    page = context.new_page()
    page.console_messages_seen = []
    page.on(
        "console",
        lambda message: (
            page.console_messages_seen.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def violations(page) -> list[str]:
    found = list(page.console_messages_seen)
    for frame in page.frames:
        try:
            found += frame.evaluate("window.__cspViolations || []")
        except Exception:  # noqa: BLE001 - a frame that went away reports nothing
            pass
    return found


def sign_in(page, live_server):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(DEFAULT_ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


def public_urls():
    return [
        "/",
        ProductPage.objects.live().first().url,
        BlogPostPage.objects.live().first().url,
        "/blog/",
        "/cart/",
        "/search/?q=b12",
        "/no-such-page/",
    ]


def test_public_pages_load_without_a_csp_violation(browser, live_server):
    context = browser.new_context()
    page = watch(context)
    for url in public_urls():
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], url
    context.close()


def test_an_injected_inline_script_is_refused_on_a_public_page(browser, live_server):
    context = browser.new_context()
    page = watch(context)
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")

    # What an injection would write into the page: an inline script without the nonce.
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__injected = true";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("window.__injected === true") is False
    assert any("script-src" in violation for violation in violations(page))
    context.close()


def test_the_admin_and_its_page_editor_and_preview_work_under_their_policy(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = watch(context)
    sign_in(page, live_server)
    page.wait_for_load_state("networkidle")
    assert violations(page) == [], "dashboard"

    post = BlogPostPage.objects.live().first()
    page.goto(f"{live_server.url}/admin/pages/{post.pk}/edit/")
    page.wait_for_load_state("networkidle")
    # The editor's scripts ran: Draftail drew the body's rich text.
    assert page.locator(".Draftail-Editor").count() >= 1
    assert violations(page) == [], "page editor"

    page.get_by_role("button", name="Toggle preview").click()
    # Wagtail loads the preview in a second frame, then swaps it in: wait for the swap.
    page.wait_for_function(
        "document.querySelectorAll(\"iframe[title='Preview']\").length === 1"
        " && document.querySelector(\"iframe[title='Preview']\").src.includes('/preview/')"
    )
    frame = page.frame_locator("iframe[title='Preview']")
    # The panel is drawn scaled down and Playwright may count its text as hidden: read it.
    frame.locator("h1").first.wait_for(state="attached")
    assert frame.locator("h1").first.text_content().strip() == post.title
    page.wait_for_load_state("networkidle")
    assert violations(page) == [], "preview panel"

    # The public page, signed in: the editor's userbar loads under the public policy.
    page.goto(live_server.url + post.url)
    page.wait_for_load_state("networkidle")
    assert page.locator("wagtail-userbar").count() == 1
    assert violations(page) == [], "public page with the userbar"
    context.close()
