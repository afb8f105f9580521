"""Script in any field comes back as text: escaped on the product page, the reviews page, its
JSON-LD, the write form when refused, and the admin list and detail."""

import json

import pytest
from django.core import mail

from apothecary.reviews.models import Review, ReviewStatus
from apothecary.reviews.services import confirm_token, review_edit
from tests.helpers import parse_page
from tests.store import make_product

from .builders import PAYLOADS, form_data

pytestmark = pytest.mark.django_db

ESCAPED = {
    "<script>alert(1)</script>": "&lt;script&gt;alert(1)&lt;/script&gt;",
    '"><img src=x onerror=alert(1)>': "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    "javascript:alert(1)": "javascript:alert(1)",
}
RAW = ["<script>alert(1)", "<img src=x", 'href="javascript:', "onerror=alert(1)>"]


def assert_escaped(html: str, payload: str) -> None:
    assert ESCAPED[payload] in html, payload
    for raw in RAW:
        assert raw not in html, (payload, raw)


def write_through_the_site(client, product, capture, payload, field, n):
    fields = {
        "title": payload,
        "text": f"{payload} is what I typed, as plain text, in review {n}.",
        "display_name": payload,
    }
    data = form_data(email=f"xss{n}@example.com", **{field: fields[field]})
    with capture(execute=True):
        response = client.post(f"/reviews/write/{product.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    review = Review.objects.get(email=f"xss{n}@example.com")
    client.post(f"/reviews/confirm/{confirm_token(review)}/")
    return review


@pytest.mark.parametrize("field", ["title", "text", "display_name"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_are_escaped_on_every_page(
    client, django_user_model, field, payload, django_capture_on_commit_callbacks
):
    product = make_product(title="Escaped Patch")
    review = write_through_the_site(
        client, product, django_capture_on_commit_callbacks, payload, field, 1
    )
    moderator = django_user_model.objects.create_superuser(email="x@example.com", password="pw")
    client.force_login(moderator)
    client.post(f"/admin/reviews/{review.pk}/approve/", {"approve-seen": "pending"})
    review_edit(review=review, brand_reply=f"Reply: {payload}", incentivized=False)
    admin_list = client.get("/admin/reviews/", {"product": product.pk}).content.decode()
    admin_detail = client.get(f"/admin/reviews/{review.pk}/").content.decode()
    client.logout()

    product_page = client.get(product.url)
    reviews_page = client.get(f"/reviews/?product={product.pk}")

    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert getattr(review, field).startswith(payload)  # stored as typed: nothing stripped
    for html in (product_page.content.decode(), reviews_page.content.decode(), admin_detail):
        assert_escaped(html, payload)
    if field != "text":  # the list shows title and name, not the text
        assert_escaped(admin_list, payload)
    ld = next(b for b in parse_page(product_page).json_ld if b["@type"] == "Product")
    assert payload in json.dumps(ld["review"], ensure_ascii=False)  # the data is intact


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_refused_form_echoes_every_field_escaped(client, payload):
    product = make_product(title="Refused Patch")
    data = form_data(
        title=payload,
        text=payload[:10],  # too short: refused
        display_name=payload,
        email=payload,
        country=payload,
        rating=payload,
    )

    response = client.post(f"/reviews/write/{product.pk}/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert_escaped(html, payload)
    assert not Review.objects.filter(product=product).exists()
    assert mail.outbox == []


def test_the_brand_reply_and_links_are_plain_text(client):
    product = make_product(title="Linkless Patch")
    review = Review.objects.create(
        product=product,
        rating=4,
        title="See https://example.com/deal",
        text="Visit www.example.com or https://example.com/deal for more.",
        display_name="Link Person",
        email="l@example.com",
        status=ReviewStatus.APPROVED,
        text_hash="l",
    )
    review_edit(review=review, brand_reply="Write to https://example.com/help", incentivized=False)

    html = client.get(product.url).content.decode()

    assert "https://example.com/deal for more." in html
    assert 'href="https://example.com' not in html
    assert 'href="http://www.example.com' not in html
