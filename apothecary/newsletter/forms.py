"""The sign-up form, the same in the footer of every page and on the newsletter page.

Spam guard: the footer is part of cached pages, whose HTML must be the same for every visitor
and may be minutes old, so the form carries no per-visitor value: no CSRF token (the view is
checked by Origin instead) and not SpamGuardMixin's signed start time, which would be the same
for everyone and stale in a cached copy. What guards it instead: the honeypot field, rate
limits per visitor address and per email address, and the double opt-in itself (nothing is
sent to an address but one confirmation email, and nobody is on the list who did not click)."""

import logging

from django import forms

from apothecary.core.antispam import SpamGuardMixin

from . import consent
from .models import SignupSource

logger = logging.getLogger(__name__)


class HoneypotOnlyMixin(SpamGuardMixin):
    """SpamGuardMixin's hidden trap field, without its fill-time clock (see the module)."""

    started = None  # removes the mixin's timestamp field

    def clean(self):
        cleaned = forms.Form.clean(self)
        if cleaned.get("website"):
            logger.warning("spam guard: honeypot filled on %s", type(self).__name__)
            raise forms.ValidationError(
                "This looks automated, so it was not sent. Please try again.", code="honeypot"
            )
        return cleaned


class DescribedByConsent(forms.BoundField):
    """The email field, described by its error (Django's own) and the consent wording under
    it (_form.html's "newsletter-consent")."""

    @property
    def aria_describedby(self):
        return " ".join(filter(None, [super().aria_describedby, "newsletter-consent"]))


class SignupForm(HoneypotOnlyMixin, forms.Form):
    email = forms.EmailField(
        bound_field_class=DescribedByConsent,
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
            "max_length": "An email address has at most %(limit_value)d characters.",
        },
    )
    wording = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    source = forms.ChoiceField(
        required=False, choices=SignupSource.choices, widget=forms.HiddenInput
    )
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["email"]

    def __init__(self, *args, source: str = SignupSource.PAGE, **kwargs):
        kwargs.setdefault("auto_id", "newsletter-%s")
        super().__init__(*args, **kwargs)
        self.initial.update({"wording": consent.CURRENT_VERSION, "source": source})

    def clean_wording(self):
        version = self.cleaned_data["wording"] or consent.CURRENT_VERSION
        if version not in consent.WORDINGS:
            logger.info("newsletter form: unknown wording version %r", version[:20])
            raise forms.ValidationError(
                "This form has changed since the page was loaded. Please read it and send it "
                "again.",
                code="wording",
            )
        return version

    def clean_source(self):
        return self.cleaned_data["source"] or SignupSource.PAGE

    def clean_page(self):
        page = self.cleaned_data["page"].strip()
        # A path on this site only; anything else is not recorded.
        ours = page.startswith("/") and not page.startswith("//") and len(page) <= 200
        return page if ours else ""

    def prepare_retry(self) -> None:
        """After a refusal: back as typed, with the trap field emptied and the current
        wording shown (and sent) again."""
        data = self.data.copy()
        data["website"] = ""
        data["wording"] = consent.CURRENT_VERSION
        self.data = data
