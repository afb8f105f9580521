"""A reader's walk through the content site, in real Chromium."""

import pytest
from playwright.sync_api import expect

from apothecary.blog.models import BlogPostPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width,height,name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_reader_follows_menu_to_blog_tag_post_and_searches(
    browser, live_server, screenshot_dir, width, height, name
):
    post = (
        BlogPostPage.objects.live()
        .filter(tagged_items__tag__slug="what-is-b12-deficiency")
        .order_by("-date")
        .first()
    )
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(live_server.url + "/")
    assert page.title().endswith("| B12 Patch")
    page.screenshot(path=screenshot_dir / f"home-{name}.png", full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Blog").click()
    page.wait_for_url("**/blog/")
    assert page.locator("h1").inner_text() == "Blog"
    page.screenshot(path=screenshot_dir / f"blog-{name}.png", full_page=True)

    page.get_by_role("link", name="What is B12 deficiency").first.click()
    page.wait_for_url("**/blog/tag/what-is-b12-deficiency/")
    assert page.locator("h1").inner_text() == "Posts tagged \u2018What is B12 deficiency\u2019"
    page.screenshot(path=screenshot_dir / f"tag-{name}.png", full_page=True)

    page.get_by_role("link", name=post.title, exact=True).first.click()
    page.wait_for_url(f"**{post.url}")
    assert page.locator("h1").inner_text() == post.title
    page.screenshot(path=screenshot_dir / f"post-{name}.png", full_page=True)

    word = "intrinsic" if "intrinsic" in post.intro.lower() else post.title.split()[-1]
    page.get_by_label("Search the site").fill(word)
    page.get_by_label("Search the site").press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_role("link", name=post.title, exact=True).count() >= 1
    page.screenshot(path=screenshot_dir / f"search-{name}.png", full_page=True)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    origin = live_server.url
    assert [
        url for url in requests if not url.startswith(origin) and not url.startswith("data:")
    ] == []
    context.close()


def test_faq_answers_open_without_javascript(browser, live_server, screenshot_dir):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/faq/")
    first = page.locator("details.faq-item").first
    assert first.get_attribute("open") is None

    first.locator("summary").click()

    assert first.get_attribute("open") == ""
    expect(first.locator(".rich-text")).to_be_visible()
    page.screenshot(path=screenshot_dir / "faq-phone-nojs.png", full_page=True)
    context.close()
