"""allauth's sign-up form with the names the account keeps (allauth asks for the email address
and the password twice, checked by AUTH_PASSWORD_VALIDATORS), and its password-reset form;
both carry the spam guard of the site's other public forms (a honeypot and the fill time)."""

from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from apothecary.core.antispam import SpamGuardMixin
from apothecary.core.text import UserTextField

PASSWORD_HELP = (
    "At least 8 characters (as long as you like), not a common password, not only digits "
    "and not close to your name or email address."
)


class SignupForm(SpamGuardMixin, AllauthSignupForm):
    min_fill_seconds = 3

    first_name = UserTextField(
        label="First name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = UserTextField(
        label="Last name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password1" in self.fields:
            self.fields["password1"].help_text = PASSWORD_HELP

    def save(self, request):
        user = super().save(request)
        user.first_name = self.cleaned_data.get("first_name", "")
        user.last_name = self.cleaned_data.get("last_name", "")
        user.save(update_fields=["first_name", "last_name"])
        return user


class ResetPasswordForm(SpamGuardMixin, AllauthResetPasswordForm):
    """One address to type: two seconds is slower than a script, quicker than a person."""

    min_fill_seconds = 2
