"""StreamField blocks of the ground floor: a menu link (the navigation settings)."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks

# What a menu link may point at: a path of this site, a web address, an email or a phone.
# Anything else (javascript:, data:, vbscript: …) would run or show content the site did not.
SAFE_LINK_PREFIXES = ("/", "#", "?", "http://", "https://", "mailto:", "tel:")


def is_safe_link(url: str) -> bool:
    """True for a relative path or an http(s), mailto or tel address; False for javascript:,
    data: and other schemes, whatever their case or the spaces and controls around them."""
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f").lower()
    return cleaned.startswith(SAFE_LINK_PREFIXES) and not cleaned.startswith("//")


class NavigationLinkBlock(blocks.StructBlock):
    """A menu entry: a page of the site, or an outside address, and the words to show."""

    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(
        required=False, max_length=300, help_text="Use instead of a page, e.g. /site-map/."
    )

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ErrorList([ValidationError("Choose a page or a URL.")])}
            )
        if value.get("url") and not is_safe_link(value["url"]):
            message = "Use a path such as /site-map/ or an http(s), mailto: or tel: address."
            raise blocks.StructBlockValidationError(
                block_errors={"url": ErrorList([ValidationError(message)])}
            )
        return value

    class Meta:
        icon = "link"
        template = "components/nav_link.html"
