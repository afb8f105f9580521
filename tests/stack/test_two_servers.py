"""Two app servers, one truth: the stack of `make prod`, exercised as shoppers, an editor and
an operator would, on PostgreSQL and Redis, with nothing shared between the app servers but
the database and the cache.

Server A and server B are the two gunicorn processes, reached on their own ports; "the site"
is nginx in front of both. The tests run in file order: the last kills server A.
"""

import json
import os
import re
import signal
import time
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from apothecary.demo.seeding import ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD
from bench.checkout import PAID_MARK, Shopper, forms_of

pytestmark = pytest.mark.stack

DEMO_PAGES = [
    "/",
    "/products/b12-patch/",
    "/order/",
    "/blog/",
    "/blog/vitamin-b12-and-bone-health/",
]


def visitor(base: str, cookies: dict | None = None) -> Shopper:
    """A browser without JavaScript on one server; visitors given the same `cookies` dict are
    one person moving between servers (cookies belong to the host, not the port)."""
    shopper = Shopper(base, 0, [0.0, 0.0])
    if cookies is not None:
        shopper.cookies = cookies
    return shopper


def wait_for(check, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"after {seconds:.0f} s: {what}")


def status_of(url: str) -> int | None:
    """The status code, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("img", "source"):
            if a.get("src"):
                self.sources.add(a["src"])
            for candidate in (a.get("srcset") or "").split(","):
                if candidate.strip():
                    self.sources.add(candidate.strip().split()[0])


def test_every_image_of_the_demo_loads_through_nginx(stack):
    post = stack.shell(
        "from apothecary.blog.models import BlogPostPage; "
        "print(BlogPostPage.objects.live().filter(header_image__isnull=False).first().url)"
    )
    # page, and whether it shows images (the order page and the blog index have none)
    pages = [(p, p in {"/", "/products/b12-patch/"}) for p in DEMO_PAGES] + [(post, True)]
    checked = set()
    for path, shows_images in pages:
        with urllib.request.urlopen(stack.nginx + path, timeout=10) as response:
            assert response.status == 200, path
            parser = Images()
            parser.feed(response.read().decode())
        assert parser.sources or not shows_images, f"no image on {path}"
        for source in sorted(parser.sources):
            url = urljoin(stack.nginx + path, source)
            assert status_of(url) == 200, f"{url} (on {path})"
            checked.add(url)
    assert len(checked) >= 3


def test_a_cart_filled_on_a_is_checked_out_on_b_and_paid_through_b(stack):
    cookies: dict[str, str] = {}
    a, b = visitor(stack.a, cookies), visitor(stack.b, cookies)

    _, html = a.request("order page on A", "GET", "/order/", expect=200)
    add = next(f for f in forms_of(html) if f["action"].endswith("/cart/add/"))
    a.request("add on A", "POST", "/cart/add/", add["fields"], expect=302)
    _, cart = b.request("cart on B", "GET", "/cart/", expect=200)
    assert "Remove" in cart or "Quantity" in cart, "B shows the cart A filled"

    _, html = b.request("details on B", "GET", "/checkout/", expect=200)
    details = b.form("details", html, lambda f: any(n == "email" for n, _ in f["fields"]), "form")
    data = dict(details["fields"])
    data.update(
        email="two-servers@example.com",
        shipping_name="Ada Two",
        shipping_line1="1 Example Street",
        shipping_city="Chicago",
        shipping_region="IL",
        shipping_postcode="60601",
        shipping_country="US",
        billing_same="on",
        shipping_rate=data.get("shipping_rate") or details["radios"]["shipping_rate"][0],
    )
    response, _ = b.request(
        "details sent to B", "POST", "/checkout/", list(data.items()), expect=302
    )
    review = b.redirect_path("details", response, "/checkout/", "/checkout/review/")

    # The order is placed through A, from the review page B showed.
    _, html = b.request("review on B", "GET", review, expect=200)
    place = b.form("review", html, lambda f: f["action"].endswith("/checkout/place/"), "form")
    response, _ = a.request("place on A", "POST", "/checkout/place/", place["fields"], expect=302)
    pay = a.redirect_path("place", response, "/checkout/place/", "/payments/pay/")
    token = pay.rstrip("/").rsplit("/", 1)[-1]

    # The provider's callback is handled by B: the dummy provider's simulated 3-D Secure
    # step posts its result to django-payments' per-payment process URL, where a provider's
    # notification arrives.
    _, html = a.request("pay page on A", "GET", pay, expect=200)
    form = a.form("pay", html, lambda f: any(n == "status" for n, _ in f["fields"]), "form")
    fields = dict(
        form["fields"],
        status="input",
        gateway_response="3ds-redirect",
        verification_result="confirmed",
    )
    _, html = a.request("pay on A", "POST", a.action(form, pay), list(fields.items()), expect=200)
    check = a.form("3-D Secure", html, lambda f: "/payments/process/" in f["action"], "form")
    fields = dict(check["fields"], verification_result="confirmed")
    response, _ = b.request(
        "callback on B", "POST", check["action"], list(fields.items()), expect=302
    )
    done = urlsplit(response.getheader("Location")).path
    assert done == f"/checkout/done/{token}/"

    _, html = a.request("confirmation on A", "GET", done, expect=200)
    assert PAID_MARK in html
    order = json.loads(
        stack.shell(
            "import json; from apothecary.orders.models import Order; "
            f"o = Order.objects.get(token='{token}'); "
            "print(json.dumps({'status': o.status, 'email': o.email, "
            "'payments': o.payments.filter(status='confirmed').count()}))"
        )
    )
    assert order == {"status": "paid", "email": "two-servers@example.com", "payments": 1}


def sign_in_as_admin(base: str) -> Shopper:
    admin = visitor(base, {})
    _, html = admin.request("login page", "GET", "/account/login/", expect=200)
    form = admin.form("login", html, lambda f: any(n == "login" for n, _ in f["fields"]), "form")
    fields = dict(form["fields"], login=ADMIN_EMAIL, password=DEFAULT_ADMIN_PASSWORD)
    admin.request("sign in", "POST", "/account/login/", list(fields.items()), expect=302)
    admin.request("admin", "GET", "/admin/", expect=200)
    return admin


def test_a_page_unpublished_and_published_through_a_is_fresh_on_b(stack):
    path = "/blog/vitamin-b12-and-bone-health/"
    page_id = stack.shell(
        f"from wagtail.models import Page; print(Page.objects.get(url_path__endswith='{path}').pk)"
    )
    assert status_of(stack.b + path) == 200
    admin = sign_in_as_admin(stack.a)

    _, html = admin.request(
        "unpublish page", "GET", f"/admin/pages/{page_id}/unpublish/", expect=200
    )
    form = admin.form("unpublish", html, lambda f: "unpublish" in f["action"], "form")
    admin.request("unpublish", "POST", form["action"], form["fields"], expect=302)
    assert status_of(stack.b + path) == 404

    bulk = f"/admin/bulk/wagtailcore/page/publish/?id={page_id}"
    _, html = admin.request("publish page", "GET", bulk, expect=200)
    form = admin.form("publish", html, lambda f: "publish" in f["action"], "form")
    admin.request("publish", "POST", form["action"] or bulk, form["fields"], expect=302)
    assert status_of(stack.b + path) == 200


def test_a_scheduled_page_goes_live_with_nobody_running_a_command(stack):
    path = "/blog/vitamin-b12-and-bone-health/"
    live = stack.shell(
        "from datetime import timedelta; from django.utils import timezone; "
        "from wagtail.models import Page; "
        f"page = Page.objects.get(url_path__endswith='{path}').specific; page.unpublish(); "
        "page.refresh_from_db(); page.title = 'Scheduled: ' + page.title; "
        "page.go_live_at = timezone.now() + timedelta(seconds=15); "
        "page.save_revision().publish(); page.refresh_from_db(); print(page.live)"
    )
    assert live == "False"
    assert status_of(stack.b + path) == 404

    def live_on_b():
        with urllib.request.urlopen(stack.b + path, timeout=10) as response:
            return "Scheduled: " in response.read().decode()

    def published():
        return status_of(stack.b + path) == 200 and live_on_b()

    wait_for(published, seconds=150, what="the scheduler published the page")


def test_an_email_queued_by_a_is_sent_once_by_the_worker(stack):
    address = "stack-reader@example.com"
    a = visitor(stack.a, {})
    _, html = a.request("blog on A", "GET", "/blog/", expect=200)
    signup = next(f for f in forms_of(html) if f["action"].endswith("/newsletter/"))
    fields = dict(signup["fields"], email=address)
    a.request("sign up on A", "POST", "/newsletter/", list(fields.items()), expect=302)

    mail = stack.dir / "mail"

    def messages():
        return [p for p in mail.glob("*.log") if address in p.read_text(errors="replace")]

    wait_for(messages, seconds=60, what=f"the worker sent the confirmation to {address}")
    time.sleep(3)  # a second worker run, or a retry, would add a second message
    sent = messages()
    assert len(sent) == 1
    assert re.search(r"/newsletter/confirm/\S+/", sent[0].read_text())
    row = stack.shell(
        "from apothecary.core.outbox import OutgoingEmail; "
        f"e = OutgoingEmail.objects.get(to__icontains='{address}'); print(e.status, e.attempts)"
    )
    assert row == "sent 1"


def test_killing_one_app_server_leaves_the_site_answering(stack):
    records = stack.records()
    os.killpg(records["app-1"]["pid"], signal.SIGKILL)
    wait_for(lambda: status_of(stack.a + "/healthz/") != 200, seconds=10, what="A is down")
    for path in DEMO_PAGES * 4:
        assert status_of(stack.nginx + path) == 200, path
    assert status_of(stack.nginx + "/readyz/") == 200
