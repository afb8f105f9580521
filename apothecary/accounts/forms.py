from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from apothecary.core.text import UserTextField

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
