"""The demo's contact page and contact settings (used by core.seeding; the page's copy is the
"contact" entry of core.demo.pages)."""

import json

from .models import ContactPage, ContactSettings

STAFF_EMAIL = "hello@b12patch.example"
SUBJECTS = (
    "Question about an order",
    "Question about the patch",
    "Returns and refunds",
    "Wholesale",
    "Press",
    "Affiliate program",
    "Something else",
)
FORM_HEADING = "Send us a message"
THANK_YOU_HEADING = "Thank you, we have your message"
THANK_YOU_TEXT = (
    "<p>A member of our team will reply by email, usually within one business day (Monday to "
    "Friday, 9 am to 5 pm Eastern Time). Messages sent at the weekend are answered on the next "
    "business day.</p>"
)


def contact_page(spec: dict, *, body: str) -> ContactPage:
    """An unsaved ContactPage from the demo spec; `body` is its StreamField JSON."""
    return ContactPage(
        title=spec["title"],
        slug=spec["slug"],
        intro=spec.get("intro", ""),
        search_description=spec.get("search_description", ""),
        show_health_disclaimer=spec.get("show_health_disclaimer", False),
        body=body,
        form_heading=FORM_HEADING,
        thank_you_heading=THANK_YOU_HEADING,
        thank_you_text=THANK_YOU_TEXT,
    )


def seed_contact_settings(site, report) -> None:
    """The staff address and subjects, unless an editor has set them already."""
    contact = ContactSettings.for_site(site)
    if contact.staff_email or contact.subjects:
        return
    contact.staff_email = STAFF_EMAIL
    contact.subjects = json.dumps([{"type": "subject", "value": s} for s in SUBJECTS])
    contact.save()
    report.created.append("contact settings")


def reset_contact_settings() -> None:
    ContactSettings.objects.all().delete()
