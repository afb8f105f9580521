"""Reads of approved reviews: the rating summary (count, average, histogram), the newest
reviews of a product, the product's JSON-LD additions and the reviews page's list.

The product page and its JSON-LD read the same ProductReviews object (kept on the page
instance for the request), so the count and average they show are always equal."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count
from django.http import Http404
from django.urls import reverse

from apothecary.catalog.models import ProductPage

from .forms import ReviewFilterForm
from .models import Review

STARS = (5, 4, 3, 2, 1)
TENTH = Decimal("0.1")
PRODUCT_PAGE_LATEST = 5


@dataclass
class StarRow:
    stars: int
    count: int
    percent: int


@dataclass
class RatingSummary:
    count: int = 0
    average: Decimal | None = None  # to one decimal, rounded half-up
    rows: list[StarRow] = field(default_factory=list)  # 5 stars down to 1


def rating_summary(queryset) -> RatingSummary:
    """Count, average and histogram of `queryset` (approved reviews) in one GROUP BY query."""
    by_stars = dict(
        queryset.order_by().values_list("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    count = sum(by_stars.values())
    if not count:
        return RatingSummary(rows=[StarRow(stars, 0, 0) for stars in STARS])
    total = sum(stars * n for stars, n in by_stars.items())
    average = (Decimal(total) / Decimal(count)).quantize(TENTH, rounding=ROUND_HALF_UP)
    rows = [
        StarRow(
            stars,
            by_stars.get(stars, 0),
            int((Decimal(by_stars.get(stars, 0) * 100) / count).quantize(1, ROUND_HALF_UP)),
        )
        for stars in STARS
    ]
    return RatingSummary(count=count, average=average, rows=rows)


def reviews_page_url(request=None) -> str | None:
    from .models import ReviewsPage

    page = ReviewsPage.objects.live().first()
    return page.get_url(request=request) if page else None


@dataclass
class ProductReviews:
    summary: RatingSummary
    latest: list[Review]
    write_url: str
    all_url: str | None  # the reviews page, filtered to the product


def product_reviews(product, request=None) -> ProductReviews:
    """The product's approved reviews as its page shows them (three queries, at most)."""
    cached = getattr(product, "_approved_reviews", None)
    if cached is not None:
        return cached
    approved = Review.objects.approved().filter(product=product)
    summary = rating_summary(approved)
    latest = []
    all_url = None
    if summary.count:
        latest = list(approved.with_purchase()[:PRODUCT_PAGE_LATEST])
        base = reviews_page_url(request)
        all_url = f"{base}?{urlencode({'product': product.pk})}" if base else None
    result = ProductReviews(
        summary=summary,
        latest=latest,
        write_url=reverse("reviews:write", args=[product.pk]),
        all_url=all_url,
    )
    product._approved_reviews = result
    return result


def review_json_ld(review: Review) -> dict:
    return {
        "@type": "Review",
        "name": review.title,
        "reviewBody": review.text,
        "datePublished": review.created_at.date().isoformat(),
        "author": {"@type": "Person", "name": review.display_name},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": review.rating,
            "bestRating": 5,
            "worstRating": 1,
        },
    }


def product_review_json_ld(product, request=None) -> dict:
    """AggregateRating and the newest Review items, from approved reviews only; nothing when
    the product has none (a rating of zero reviews is not valid structured data)."""
    reviews = product_reviews(product, request)
    if not reviews.summary.count:
        return {}
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": str(reviews.summary.average),
            "reviewCount": reviews.summary.count,
            "bestRating": 5,
            "worstRating": 1,
        },
        "review": [review_json_ld(review) for review in reviews.latest],
    }


# The reviews page.

SORTS = {
    "newest": ("Newest first", ("-created_at", "-pk")),
    "highest": ("Highest rated first", ("-rating", "-created_at", "-pk")),
    "lowest": ("Lowest rated first", ("rating", "-created_at", "-pk")),
}


def reviews_page_context(request) -> dict:
    """The filter form (junk values are ignored), the summary, one page of reviews (a bad or
    out-of-range page number is a 404), and the products one can review."""
    products = list(ProductPage.objects.live().order_by("path"))
    form = ReviewFilterForm(request.GET, products=products)
    form.is_valid()  # each invalid value is dropped and its default used
    chosen = form.cleaned_data
    sort = chosen.get("sort") or "newest"
    approved = Review.objects.approved()
    product = next((p for p in products if str(p.pk) == chosen.get("product")), None)
    if product is not None:
        approved = approved.filter(product=product)
    summary = rating_summary(approved)
    listed = approved
    if chosen.get("stars"):
        listed = listed.filter(rating=chosen["stars"])
    if chosen.get("verified"):
        listed = listed.verified()
    listed = listed.with_purchase().select_related("product").order_by(*SORTS[sort][1])
    paginator = Paginator(listed, settings.REVIEWS_PAGE_SIZE)
    try:
        page_obj = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page of reviews.") from None
    query = {
        key: value
        for key, value in (
            ("product", product.pk if product else None),
            ("sort", sort if sort != "newest" else None),
            ("stars", chosen.get("stars")),
            ("verified", "1" if chosen.get("verified") else None),
        )
        if value
    }
    return {
        # Shown unbound, with what was understood: a junk value is not echoed back.
        "filter_form": ReviewFilterForm(
            initial={**chosen, "sort": sort, "product": str(product.pk) if product else ""},
            products=products,
        ),
        "summary": summary,
        "reviews": list(page_obj.object_list),
        "page_obj": page_obj,
        "extra_query": urlencode(query),
        "is_filtered": bool(chosen.get("stars") or chosen.get("verified")),
        "chosen_product": product,
        "products": products,
        "show_product": len(products) > 1 and product is None,
    }
