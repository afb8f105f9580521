from django import forms

from apothecary.core.antispam import SpamGuardMixin

from .models import LinkPurpose


class GuestRequestForm(SpamGuardMixin, forms.Form):
    """A guest asks, by email, for their data or for its deletion."""

    min_fill_seconds = 2
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    purpose = forms.ChoiceField(
        label="What would you like?",
        choices=[
            (LinkPurpose.EXPORT, "A copy of my data"),
            (LinkPurpose.ERASE, "Delete my data"),
        ],
        initial=LinkPurpose.EXPORT,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you would like."},
    )

    def prepare_retry(self):
        self.refresh_started()


class DeleteAccountForm(forms.Form):
    """The account's password, re-entered: deletion is for the person, not their open tab."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


class StaffPersonForm(forms.Form):
    """Staff, in the admin: export or erase the data of one email address."""

    email = forms.EmailField(label="Email address", max_length=254)
    action = forms.ChoiceField(
        choices=[("export", "Download their data (ZIP)"), ("erase", "Erase their data")],
        widget=forms.RadioSelect,
        initial="export",
    )
    reason = forms.CharField(
        label="Reason (needed to erase)",
        max_length=300,
        required=False,
        help_text=(
            "E.g. 'erasure request received by email on 3 May'. Never the person's name or address."
        ),
    )
    confirm = forms.BooleanField(label="I understand an erasure cannot be undone", required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "erase":
            if not cleaned.get("reason", "").strip():
                self.add_error("reason", "Say why the data is erased.")
            if not cleaned.get("confirm"):
                self.add_error("confirm", "Tick the box to confirm the erasure.")
        return cleaned
