from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from apothecary.core.text import UserTextField

from .emails import send_password_reset_email
from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SignupForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]
        field_classes = {"first_name": UserTextField, "last_name": UserTextField}

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists: sign in.")
        return email


PASSWORD_HELP = (
    "At least 8 characters (as long as you like), not a common password, not only digits "
    "and not close to your name or email address."
)


class NewPasswordForm(SetPasswordForm):
    """Django's form (the validators of AUTH_PASSWORD_VALIDATORS) with its rules in words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HELP


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HELP


class CustomerPasswordResetForm(PasswordResetForm):
    """Django's form, except that the email goes out through a task (emails.py) that makes the
    link itself, on the configured base URL (never the request's Host header): no reset link
    is kept in the task queue. Unknown addresses send nothing, and the page says the same."""

    def save(self, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset_email.enqueue(user_id=user.pk)


class EmailChangeForm(forms.Form):
    """A new address, and the current password: whoever finds a signed-in session open still
    cannot move the account (and its password resets) to an address of theirs."""

    new_email = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_email(self):
        email = User.objects.normalize_email(self.cleaned_data["new_email"]).lower()
        if email == self.user.email:
            raise forms.ValidationError("This is already your email address.")
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("This is not your current password.")
        return password
