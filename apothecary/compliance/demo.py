"""The demo's medical reviewer, and the pages she is named on.

She is invented, and says so on every page that names her: the demo must not lend a real
professional's name to copy they never read. Review dates are counted back from the day of
seeding, so that "Medical review due" always has one stale review to show (a post reviewed
more than a year ago) next to recent ones, whenever the demo is built."""

import datetime

from django.utils import timezone

from .models import MedicalReviewer

REVIEWER = {
    "name": "Maya Okafor",
    "credentials": "MD (fictional demo reviewer)",
    "bio": (
        "Maya is not a real person: she stands in for the health professional a brand asks to "
        "check its pages before they go live. In the demo she is a family doctor with an "
        "interest in nutrition in older adults and in people who eat little or no food from "
        "animals.\n\n"
        "On a real site this card says who the reviewer is, what they are qualified in, and "
        "where readers can learn more about their work."
    ),
}

# (slug, days before the seeding day): the product page, About Vitamin B12 and two posts.
# The post reviewed more than a year ago is the report's stale example.
REVIEWED_PAGES = [
    ("b12-patch", 21),
    ("about-vitamin-b12", 45),
    ("vitamin-b12-and-bone-health", 80),
    ("how-b12-is-absorbed", 410),
]


def seed_medical_review(pages_by_slug: dict, report) -> None:
    """Creates the reviewer if missing and names her on the demo pages built in this run (or
    on all of them, the first time she is created): a page an editor has seen since keeps
    whatever review the editor gave it, none included."""
    reviewer = MedicalReviewer.objects.filter(name=REVIEWER["name"]).first()
    created = reviewer is None
    if created:
        reviewer = MedicalReviewer.objects.create(**REVIEWER)
        report.created.append(f"medical reviewer {reviewer.name}")
    new_paths = set(report.created)
    today = timezone.localdate()
    for slug, days_ago in REVIEWED_PAGES:
        page = pages_by_slug.get(slug)
        if page is None or not (created or page.url_path in new_paths):
            continue
        if page.medical_reviewer_id is not None or page.last_reviewed is not None:
            continue
        page.medical_reviewer = reviewer
        page.last_reviewed = today - datetime.timedelta(days=days_ago)
        page.save_revision().publish()
