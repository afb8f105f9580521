"""With DEBUG=0 and SERVE_MEDIA=1 (one server, no nginx) every image of the demo's pages loads
in a real browser: the app serves media itself (core.media), not Django's static() helper,
which adds no route when DEBUG is off."""

import pytest
from django.test.testcases import _MediaFilesHandler

from apothecary.blog.models import BlogPostPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every URL an <img> or a <picture>'s <source> may load: the chosen one and each candidate.
IMAGE_URLS = """() => {
  const urls = [];
  const add = (value) => { if (value) urls.push(new URL(value, document.baseURI).href); };
  for (const img of document.images) { add(img.currentSrc); add(img.getAttribute("src")); }
  for (const el of document.querySelectorAll("img[srcset], source[srcset]")) {
    for (const candidate of el.getAttribute("srcset").split(",")) {
      add(candidate.trim().split(/\\s+/)[0]);
    }
  }
  return [...new Set(urls)];
}"""


@pytest.fixture
def production_media(settings, monkeypatch):
    settings.DEBUG = False
    settings.SERVE_MEDIA = True
    # The test server would otherwise answer /media/ itself (Django's _MediaFilesHandler, in
    # front of the app in LiveServerThread), which no production server does.
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)


def test_every_image_of_the_demo_loads_with_debug_off(browser, live_server, production_media):
    post = BlogPostPage.objects.live().filter(header_image__isnull=False).first()
    # page, and whether it shows images (the order page and the blog index have none)
    pages = [
        ("/", True),
        ("/products/b12-patch/", True),
        ("/order/", False),
        ("/blog/", False),
        (post.url, True),
    ]
    context = browser.new_context()
    page = context.new_page()
    checked = {}

    for path, shows_images in pages:
        answer = page.goto(live_server.url + path)
        assert answer.status == 200, path
        page.wait_for_load_state("load")
        urls = page.evaluate(IMAGE_URLS)
        if shows_images:
            assert urls, f"no image found on {path}"
        for url in urls:
            if url.startswith("data:"):
                continue
            response = page.request.get(url)
            checked[url] = (response.status, response.headers.get("content-type", ""))

    context.close()
    failed = {url: got for url, got in checked.items() if got[0] != 200}
    assert failed == {}
    assert all(content_type.startswith("image/") for _, content_type in checked.values())
    assert len(checked) >= 3
