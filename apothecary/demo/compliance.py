"""The demo's medical reviewer and the pages she is named on (reviewers.toml).

She is invented, and says so on every page that names her. Review dates are counted back from
the day of seeding, so that "Medical review due" always has one stale review to show (a post
reviewed more than a year ago) next to recent ones, whenever the demo is built."""

import datetime

from django.utils import timezone

from apothecary.compliance.models import MedicalReviewer

from . import content


def reviewer_spec() -> dict:
    """The reviewer of reviewers.toml: name, credentials and bio."""
    return content.read("reviewers")["reviewer"]


def seed_medical_review(pages_by_slug: dict, report) -> None:
    """Creates the reviewer if missing and names her on the demo pages built in this run (or
    on all of them, the first time she is created): a page an editor has seen since keeps
    whatever review the editor gave it, none included."""
    spec = content.read("reviewers")
    reviewer = MedicalReviewer.objects.filter(name=spec["reviewer"]["name"]).first()
    created = reviewer is None
    if created:
        reviewer = MedicalReviewer.objects.create(**spec["reviewer"])
        report.created.append(f"medical reviewer {reviewer.name}")
    new_paths = set(report.created)
    today = timezone.localdate()
    for reviewed in spec["reviewed"]:
        page = pages_by_slug.get(reviewed["slug"])
        if page is None or not (created or page.url_path in new_paths):
            continue
        if page.medical_reviewer_id is not None or page.last_reviewed is not None:
            continue
        page.medical_reviewer = reviewer
        page.last_reviewed = today - datetime.timedelta(days=reviewed["days_ago"])
        page.save_revision().publish()
