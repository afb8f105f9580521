"""The words a person agrees to when they sign up, by version.

The form shows the current version and sends its name back; the consent record keeps the
version and the text as shown (with the brand's name in it). A page cached before a change
still sends the version it showed, so a version is never removed from WORDINGS once used:
add a new one and point CURRENT_VERSION at it."""

WORDINGS = {
    "2026-12": (
        "Send me the {brand} newsletter: new products, offers and articles, a few times a "
        "month at most. I can unsubscribe at any time with the link in every email."
    ),
}
CURRENT_VERSION = "2026-12"


def wording(version: str, *, brand: str) -> str:
    """The text of `version` as shown on the brand's pages; KeyError for an unknown one."""
    return WORDINGS[version].format(brand=brand or "shop")
