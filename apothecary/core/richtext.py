"""The admin's rich text widget (settings.WAGTAILADMIN_RICH_TEXT_EDITORS): Wagtail's Draftail,
safe against form data that did not come from Draftail."""

import logging

from bs4 import BeautifulSoup  # Wagtail's own HTML parser (a dependency of wagtail)
from django.utils.html import format_html
from wagtail.admin.rich_text import DraftailRichTextArea

logger = logging.getLogger(__name__)


class SafeDraftailRichTextArea(DraftailRichTextArea):
    """Draftail posts its content as JSON (contentstate), converted to the stored HTML through
    the editor's whitelist (only the field's features; javascript: links dropped). A crafted
    POST with HTML or broken JSON in its place made Wagtail's converter raise, and the editor
    answer 500. Such a value is read as HTML instead, made well-formed, and goes through the
    same whitelist; what even that cannot read is kept as plain, escaped text."""

    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, KeyError, AttributeError):
            raw = data.get(name) or ""
        logger.warning("Rich text %r was not Draftail's JSON: cleaned as HTML", name)
        html = str(BeautifulSoup(raw, "html.parser"))
        try:
            return self.converter.to_database_format(self.converter.from_database_format(html))
        except Exception:  # noqa: BLE001 - any parse failure: the text, escaped, is safe
            return format_html("<p>{}</p>", BeautifulSoup(raw, "html.parser").get_text())
