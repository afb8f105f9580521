"""The consent form: the banner's and the /consent/ page's buttons and checkboxes."""

from django import forms
from django.conf import settings

from apothecary.core import consent

from .models import ConsentSource

ACCEPT, REJECT, SAVE = "accept", "reject", "save"


def optional_categories() -> list[tuple[str, str]]:
    return [
        (key, label)
        for key, label, _description in settings.CONSENT_CATEGORIES
        if key != consent.NECESSARY
    ]


class ConsentForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[(ACCEPT, "Accept all"), (REJECT, "Reject all"), (SAVE, "Save my choices")],
        error_messages={"required": "Choose Accept all, Reject all or Save my choices."},
    )
    categories = forms.MultipleChoiceField(required=False, choices=optional_categories)
    next = forms.CharField(required=False, max_length=2000)
    source = forms.ChoiceField(
        required=False,
        choices=[(ConsentSource.BANNER, "banner"), (ConsentSource.SETTINGS, "settings")],
    )

    def accepted(self) -> list[str]:
        """The optional categories this answer accepts."""
        choice = self.cleaned_data["choice"]
        if choice == ACCEPT:
            return consent.optional_category_keys()
        if choice == REJECT:
            return []
        return list(self.cleaned_data["categories"])
