"""Spam guards for public forms: a honeypot field people never see, and a signed timestamp
that tells how fast the form was filled in."""

import logging
import time

from django import forms
from django.core import signing

logger = logging.getLogger(__name__)
SALT = "apothecary.antispam.form-started"


class SpamGuardMixin(forms.Form):
    """Add to a form; give it `min_fill_seconds`. Refused submissions get a clear error that
    keeps what the person typed (the form comes back bound)."""

    min_fill_seconds = 3
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=SALT)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            logger.warning("spam guard: honeypot filled on %s", type(self).__name__)
            raise forms.ValidationError("Your message looks automated. Please try again.")
        try:
            started = signing.loads(cleaned.get("started") or "", salt=SALT, max_age=86400)
        except signing.BadSignature:
            logger.info("spam guard: missing or stale form timestamp on %s", type(self).__name__)
            raise forms.ValidationError(
                "This form expired. Please check your text and send it again."
            ) from None
        if time.time() - float(started) < self.min_fill_seconds:
            logger.warning("spam guard: %s sent too fast", type(self).__name__)
            raise forms.ValidationError(
                "That was quicker than a person can type. Please wait a moment and send again."
            )
        return cleaned

    def refresh_started(self):
        """After a refused submission, start the clock again for the next attempt."""
        data = self.data.copy()
        data["started"] = signing.dumps(time.time(), salt=SALT)
        self.data = data
