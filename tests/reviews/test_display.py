"""Showing reviews: the product page's summary and newest reviews, its JSON-LD, and the
reviews page (paginated, sorted, filtered). Only approved reviews are shown or counted."""

import re

import pytest
from wagtail.models import Page

from apothecary.reviews.models import Review, ReviewsPage, ReviewStatus
from apothecary.reviews.services import review_edit
from tests.helpers import parse_page
from tests.store import make_product

from .builders import delivered_order, make_review

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """What the page says in words: tags and pictures for the eyes only (aria-hidden) gone."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    html = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>[^<]*</span>', " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def product_ld(response) -> dict:
    return next(b for b in parse_page(response).json_ld if b["@type"] == "Product")


@pytest.fixture
def product():
    return make_product(title="Shown Patch")


@pytest.fixture
def reviews_page():
    return ReviewsPage.objects.get(slug="reviews")


def with_every_status(product):
    """Approved 5, 4 and 4 stars; and one review in each other status, all 1 star."""
    approved = [make_review(product, rating=r, title=f"Approved {r}") for r in (5, 4, 4)]
    for status in (ReviewStatus.PENDING, ReviewStatus.REJECTED, ReviewStatus.UNCONFIRMED):
        make_review(product, status=status, rating=1, title=f"Hidden {status}")
    return approved


def test_the_product_page_counts_and_shows_only_approved_reviews(client, product):
    with_every_status(product)

    response = client.get(product.url)

    page = text(response)
    assert "4.3 out of 5 · 3 reviews" in page
    assert "4.3 out of 5, from 3 reviews" in page
    assert "5 stars 1 (33%)" in page
    assert "4 stars 2 (67%)" in page
    assert "3 stars 0 (0%)" in page
    assert "1 star 0 (0%)" in page
    assert "Approved 5" in page and page.count("Approved 4") == 2
    assert "Hidden" not in page


def test_page_and_json_ld_give_the_same_count_and_average(client, product):
    with_every_status(product)

    response = client.get(product.url)

    data = product_ld(response)
    match = re.search(r"([\d.]+) out of 5, from (\d+) reviews", text(response))
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4.3",
        "reviewCount": 3,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert (match.group(1), int(match.group(2))) == (
        data["aggregateRating"]["ratingValue"],
        data["aggregateRating"]["reviewCount"],
    )
    assert sorted(r["name"] for r in data["review"]) == ["Approved 4", "Approved 4", "Approved 5"]
    assert data["review"][0]["reviewRating"]["ratingValue"] in (4, 5)
    assert data["offers"][0]["@type"] == "Offer"  # the catalog's part is still there


def test_a_product_without_approved_reviews_has_no_rating_anywhere(client, product):
    make_review(product, status=ReviewStatus.PENDING, rating=5)

    response = client.get(product.url)

    data = product_ld(response)
    assert "aggregateRating" not in data and "review" not in data
    assert "No reviews yet." in text(response)
    assert "Write the first review" in text(response)
    assert '<div id="reviews-summary" class="reviews-summary"></div>' in response.content.decode()


def test_the_average_is_rounded_half_up_to_one_decimal(client, product):
    for rating in (5, 5, 4, 4):  # 4.5
        make_review(product, rating=rating)
    make_review(product, rating=4)  # 22 / 5 = 4.4
    make_review(product, rating=5)
    make_review(product, rating=4)
    make_review(product, rating=5)  # 36 / 8 = 4.5

    response = client.get(product.url)

    assert product_ld(response)["aggregateRating"]["ratingValue"] == "4.5"
    assert "4.5 out of 5, from 8 reviews" in text(response)


def test_the_product_page_shows_the_newest_five_and_links_to_all(client, product, reviews_page):
    for n in range(7):
        make_review(product, title=f"Number {n}")

    response = client.get(product.url)

    page = text(response)
    assert "The newest 5 of 7 reviews." in page
    assert [f"Number {n}" in page for n in range(7)] == [False, False] + [True] * 5
    assert f'href="/reviews/?product={product.pk}"' in response.content.decode()
    assert "Read all 7 reviews" in page


def test_badges_and_the_brand_reply_are_shown(client, product):
    line = delivered_order(variants=[product.variants.get()]).lines.get()
    verified = make_review(product, title="Bought it")
    Review.objects.filter(pk=verified.pk).update(order_line=line, email=line.order.email)
    incentivized = make_review(product, title="Got it free")
    review_edit(review=incentivized, brand_reply="Thanks!\nThe team", incentivized=True)

    html = client.get(product.url).content.decode()

    assert "Verified buyer: 30 patches" in html
    assert "Incentivized: the writer received something for this review" in html
    assert "Reply from B12 Patch" in html
    assert "Thanks!<br>The team" in html
    assert html.count("Verified buyer") == 1


@pytest.mark.parametrize("count", [3, 30])
def test_the_product_page_runs_a_bounded_number_of_queries(
    client, product, django_assert_max_num_queries, count
):
    for n in range(count):
        make_review(product, rating=n % 5 + 1)
    client.get(product.url)  # warm the site caches, as a running server has them

    with django_assert_max_num_queries(19):
        response = client.get(product.url)

    assert f"from {count} reviews" in text(response)


def test_the_reviews_page_lists_approved_reviews_paginated(client, product, reviews_page, settings):
    settings.REVIEWS_PAGE_SIZE = 10
    for n in range(23):
        make_review(product, title=f"Listed {n:02d}")
    make_review(product, status=ReviewStatus.PENDING, title="Listed pending")

    first = client.get(f"/reviews/?product={product.pk}")
    third = client.get(f"/reviews/?product={product.pk}&page=3")

    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=300"
    assert "Showing 1–10 of 23 reviews." in text(first)
    assert "Listed 22" in text(first) and "Listed 12" not in text(first)
    assert f'href="?product={product.pk}&amp;page=2"' in first.content.decode()
    assert "Showing 21–23 of 23 reviews." in text(third)
    assert "Listed 00" in text(third)
    assert "Listed pending" not in text(first) + text(third)


def test_the_reviews_page_sorts_and_filters(client, product, reviews_page):
    line = delivered_order(variants=[product.variants.get()]).lines.get()
    for rating in (3, 5, 1, 4, 2):
        make_review(product, rating=rating, title=f"Stars {rating}")
    Review.objects.filter(product=product, rating=4).update(order_line=line, email=line.order.email)
    base = f"/reviews/?product={product.pk}"

    def titles(query):
        return re.findall(r"Stars (\d)", text(client.get(base + query)))

    assert titles("") == ["2", "4", "1", "5", "3"]  # newest first
    assert titles("&sort=highest") == ["5", "4", "3", "2", "1"]
    assert titles("&sort=lowest") == ["1", "2", "3", "4", "5"]
    assert titles("&stars=5") == ["5"]
    assert titles("&verified=1") == ["4"]
    assert titles("&stars=2&verified=1") == []
    assert "No reviews match these choices." in text(client.get(base + "&stars=2&verified=1"))


@pytest.mark.parametrize(
    "query",
    [
        "sort=evil",
        "stars=9",
        "stars=<script>alert(1)</script>",
        "verified=maybe",
        "product=abc",
        "product=999999",
        "sort=highest&sort=lowest",
        "page=1&junk=%00",
    ],
)
def test_junk_parameters_on_the_reviews_page_are_ignored(client, product, reviews_page, query):
    make_review(product, title="Still here")

    response = client.get(f"/reviews/?{query}")

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=999", "page=-1"])
def test_a_page_number_that_does_not_exist_is_a_404(client, reviews_page, query):
    assert client.get(f"/reviews/?{query}").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_reviews_page_runs_a_bounded_number_of_queries(
    client, product, reviews_page, django_assert_max_num_queries, count
):
    line = delivered_order(variants=[product.variants.get()]).lines.get()
    for n in range(count):
        make_review(product, rating=n % 5 + 1)
    first = Review.objects.filter(product=product).order_by("pk").first()
    Review.objects.filter(pk=first.pk).update(order_line=line, email=line.order.email)
    client.get("/reviews/")

    with django_assert_max_num_queries(15):
        response = client.get(f"/reviews/?product={product.pk}&sort=lowest")
    with django_assert_max_num_queries(15):
        client.get("/reviews/?verified=1&stars=4")

    assert f"of {count} reviews" in text(response)


def test_the_reviews_page_replaces_the_placeholder_and_keeps_its_copy(client, reviews_page):
    response = client.get("/reviews/")

    page = text(response)
    assert Page.objects.get(slug="reviews").specific_class is ReviewsPage
    assert "Customer Reviews" in page
    assert "How moderation works" in page
    assert "Average rating" in page
    assert "Write a review" in page
