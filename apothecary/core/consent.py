"""Cookie consent: may we set a cookie of this category for this visitor?

When the site asks for consent (settings.CONSENT_REQUIRED), the visitor's choice is kept in
the cookie settings.CONSENT_COOKIE_NAME as a comma-separated list of the categories they
accepted, e.g. "necessary,marketing". Code that sets an optional cookie (the referral cookie
is "marketing") asks `allows` first; the banner that writes the choice belongs to privacy/."""

from django.conf import settings


def allows(request, category: str) -> bool:
    """True when no consent is asked for, or when the visitor's consent cookie lists
    `category` (case and spaces do not matter); False otherwise, and for a missing cookie."""
    if not settings.CONSENT_REQUIRED:
        return True
    raw = request.COOKIES.get(settings.CONSENT_COOKIE_NAME, "")
    accepted = {part.strip().lower() for part in raw.split(",") if part.strip()}
    return category.strip().lower() in accepted
