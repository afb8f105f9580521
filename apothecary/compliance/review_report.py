"""Which health pages are due a medical review: never reviewed, or reviewed too long ago.

The rule, in one place so the report, its CSV and the tests agree:

- A *health page* is a live page that shows the health disclaimer (`show_health_disclaimer`),
  and every live blog post and product page whatever that box says: posts and product pages
  are where health statements are made, so an editor unticking a box must not hide them.
- A page *has been reviewed* when it names a reviewer **and** a last-reviewed date. A date
  without a reviewer, or a reviewer without a date, counts as never reviewed: neither says
  who checked the page and when.
- A review is *due* when the page has never been reviewed, or its last review is more than
  `MAX_AGE_DAYS` old.

Rows come most overdue first. Pages never reviewed lead (a health page nobody has checked is
the bigger risk, however new it is), longest live first; then stale reviews, oldest first.
For a page never reviewed, "days overdue" counts from its first publication (it was due the
day it went live); for a stale one, from its last review plus `MAX_AGE_DAYS`.

Medical review fields live on each concrete page model (the site's base page type is abstract),
so the pages are read one query per page type that has live pages, never one per page. A page
type takes part when it has the fields (`medical_reviewer`, `last_reviewed`,
`show_health_disclaimer`), found in Wagtail's registry of page models: this library needs no
import of the apps that define them."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, get_page_models

from .models import MedicalReviewer

# A review older than this is due again. A constant rather than a setting: the lead owns
# the settings, and twelve months is the editorial policy the issue asks for.
MAX_AGE_DAYS = 365

# Page types that are health pages whatever their "show health disclaimer" box says, besides
# those that always show the disclaimer (they declare `always_shows_health_disclaimer`, as
# product pages do).
ALWAYS_HEALTH_PAGES = ("blog.BlogPostPage",)
# The fields a page type needs to be in the report.
REVIEW_FIELDS = ("medical_reviewer", "last_reviewed", "show_health_disclaimer")
# Never reviewed, by the rule above: no reviewer, or no date.
NEVER_REVIEWED = Q(medical_reviewer__isnull=True) | Q(last_reviewed__isnull=True)


@dataclass(frozen=True)
class DueReview:
    page: Page  # the specific page, with its reviewer
    type_label: str
    reviewer: MedicalReviewer | None
    last_reviewed: datetime.date | None  # None when never reviewed (see the module's rule)
    due_since: datetime.date
    days_overdue: int

    @property
    def never_reviewed(self) -> bool:
        return self.last_reviewed is None


def _has_fields(model, names) -> bool:
    try:
        for name in names:
            model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def health_page_models() -> list[type[Page]]:
    """The page types with medical review fields, in the registry's order."""
    return [model for model in get_page_models() if _has_fields(model, REVIEW_FIELDS)]


def _always_health(model) -> bool:
    return (
        getattr(model, "always_shows_health_disclaimer", False)
        or model._meta.label in ALWAYS_HEALTH_PAGES
    )


def pages_due_for_review(
    *,
    today: datetime.date | None = None,
    within: QuerySet | None = None,
    narrow: Callable[[QuerySet], QuerySet] | None = None,
) -> list[DueReview]:
    """Every health page due a medical review, most overdue first.

    `within` narrows the pages to a queryset of `Page` (e.g. those the user may edit); it is
    used as a subquery, so it adds no query of its own. `narrow` is applied to each page
    type's queryset (e.g. the report's filters, on `medical_reviewer` or `content_type`)."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=MAX_AGE_DAYS)
    live = Page.objects.live()
    if within is not None:
        live = live.filter(pk__in=within.values("pk"))
    type_ids = set(live.order_by().values_list("content_type_id", flat=True).distinct())
    due = NEVER_REVIEWED | Q(last_reviewed__lt=cutoff)
    rows = []
    for model in health_page_models():
        content_type = ContentType.objects.get_for_model(model)  # cached after the first call
        if content_type.pk not in type_ids:
            continue
        pages = model.objects.filter(content_type=content_type, live=True).filter(due)
        if not _always_health(model):
            pages = pages.filter(show_health_disclaimer=True)
        if within is not None:
            pages = pages.filter(pk__in=within.values("pk"))
        if narrow is not None:
            pages = narrow(pages)
        pages = pages.select_related("medical_reviewer").only(
            "id",
            "title",
            "content_type_id",
            "first_published_at",
            "last_reviewed",
            "medical_reviewer__name",
            "medical_reviewer__credentials",
        )
        label = str(model._meta.verbose_name).capitalize()
        rows.extend(_row(page, label, today) for page in pages)
    rows.sort(key=lambda row: (not row.never_reviewed, -row.days_overdue, row.page.title))
    return rows


def _row(page, label: str, today: datetime.date) -> DueReview:
    reviewed = page.medical_reviewer_id is not None and page.last_reviewed is not None
    if reviewed:
        due_since = page.last_reviewed + datetime.timedelta(days=MAX_AGE_DAYS)
    elif page.first_published_at is not None:
        due_since = timezone.localdate(page.first_published_at)
    else:
        due_since = today
    return DueReview(
        page=page,
        type_label=label,
        reviewer=page.medical_reviewer,
        last_reviewed=page.last_reviewed if reviewed else None,
        due_since=due_since,
        days_overdue=max((today - due_since).days, 0),
    )
