"""The structured data (JSON-LD) of a medical review.

One rule for every page type: a page that names a medical reviewer gets one more JSON-LD
object, a schema.org `MedicalWebPage` describing the page as a document (its address, who
reviewed it and when). The page's own object (BlogPosting, Product, FAQPage …) is left as it
is and keeps describing the content: a Product is not a web page, and typing a BlogPosting as
two types at once would make every page type's method know about reviews. A page without a
reviewer gets no MedicalWebPage at all: a medical page with nobody named on it is the claim
search engines look for, and we do not make it."""

import datetime

from django.utils import timezone

from apothecary.core import seo


def medical_web_page(page, request) -> dict | None:
    """The MedicalWebPage object of `page`, or None when it names no reviewer."""
    if getattr(page, "medical_reviewer_id", None) is None:
        return None
    reviewer = page.medical_reviewer
    url = seo.absolute_url(request, page)
    person = {"@type": "Person", "name": reviewer.name}
    if reviewer.credentials:
        person["honorificSuffix"] = reviewer.credentials
    if reviewer.profile_url:
        person["url"] = reviewer.profile_url
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": f"{url}#webpage",
        "name": page.seo_title or page.title,
        "url": url,
        "reviewedBy": person,
    }
    description = page.get_description() if hasattr(page, "get_description") else ""
    if description:
        data["description"] = description
    if page.last_reviewed:
        data["lastReviewed"] = page.last_reviewed.isoformat()
    updated = last_updated(page)
    if updated:
        data["dateModified"] = updated.isoformat()
    return data


def _local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value if isinstance(value, datetime.date) else None


def last_updated(page):
    """The date a reader is told the page was last updated: the day its words last changed
    (`content_updated_at`, which a publication touching only the promote or settings tabs does
    not move; `last_published_at` for a page that has none yet). A dated page (a post) already
    shows its own date, so it says "Last updated" only when its words changed after it was
    first published and on a later day than its date: an imported 2012 post says nothing until
    an editor changes what it says."""
    changed_at = getattr(page, "content_updated_at", None) or getattr(
        page, "last_published_at", None
    )
    changed = _local_date(changed_at)
    if changed is None:
        return None
    own_date = _local_date(getattr(page, "date", None))
    if own_date is None:
        return changed
    first_published_at = getattr(page, "first_published_at", None)
    if first_published_at is not None and changed_at <= first_published_at:
        return None
    return changed if changed > own_date else None
