"""StreamField blocks of the ground floor: a menu link (the navigation settings)."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks


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
        return value

    class Meta:
        icon = "link"
        template = "components/nav_link.html"
