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


def last_updated(page):
    """The date a reader is told the page was last updated: the day it was last published, or
    a post's own date when that is later (a post can be dated ahead of its publication)."""
    dates = []
    if getattr(page, "last_published_at", None):
        dates.append(timezone.localdate(page.last_published_at))
    own_date = getattr(page, "date", None)
    if isinstance(own_date, datetime.datetime):
        own_date = timezone.localdate(own_date)
    if isinstance(own_date, datetime.date):
        dates.append(own_date)
    return max(dates) if dates else None
