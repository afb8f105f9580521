"""The admin's document form (settings.WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

from wagtail.documents.forms import BaseDocumentForm


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, saying once why a file was refused.

    When the file field refuses an upload (too big), the model's own check of the extension
    still runs on the empty file left in its place and adds "File extension “” is not
    allowed" below the real reason. The form is invalid either way: skip the model's checks."""

    def _post_clean(self):
        if self.has_error("file"):
            return
        super()._post_clean()
