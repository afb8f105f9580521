"""The demo's contact page and contact settings (contact.toml; the page's copy is the
"contact" entry of pages.toml)."""

import json

from apothecary.contact.models import ContactPage, ContactSettings

from . import content


def contact_page(spec: dict, *, body: str) -> ContactPage:
    """An unsaved ContactPage from the page's spec; `body` is its StreamField JSON."""
    form = content.read("contact")
    return ContactPage(
        title=spec["title"],
        slug=spec["slug"],
        intro=spec.get("intro", ""),
        search_description=spec.get("search_description", ""),
        show_health_disclaimer=spec.get("show_health_disclaimer", False),
        body=body,
        form_heading=form["form_heading"],
        thank_you_heading=form["thank_you_heading"],
        thank_you_text=form["thank_you_text"],
    )


def seed_contact_settings(site, report) -> None:
    """The staff address, subjects and saved replies, unless an editor has set them already."""
    spec = content.read("contact")
    contact = ContactSettings.for_site(site)
    if contact.staff_email or contact.subjects:
        return
    contact.staff_email = spec["staff_email"]
    contact.subjects = json.dumps([{"type": "subject", "value": s} for s in spec["subjects"]])
    contact.saved_replies = json.dumps(
        [{"type": "reply", "value": reply} for reply in spec.get("saved_replies", [])]
    )
    contact.save()
    report.created.append("contact settings")


def reset_contact_settings() -> None:
    ContactSettings.objects.all().delete()
