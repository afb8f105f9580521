"""The affiliate program's forms: applying (from the landing page), changing the referral code,
and making a referral link to a page of this site. Each holds its own validation; writes are
membership.py's."""

import logging
import re
import time
from urllib.parse import urlsplit

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.exceptions import ValidationError

from apothecary.core.antispam import SALT, SpamGuardMixin
from apothecary.core.text import UserTextField

from .membership import code_is_taken, normalise_code
from .models import CODE_PATTERN, Affiliate, PayoutMethod, code_validator

logger = logging.getLogger(__name__)

SPAM_GUARD_FIELDS = frozenset({"website", "started"})
CODE_HELP = (
    "What follows ?ref= in your links: 3 to 32 lower-case letters, digits and hyphens. "
    "Leave it empty and we make one from your name."
)
CODE_TAKEN = "This code is taken. Please choose another."
# "javascript:…", "mailto:…": a scheme not followed by // or by a port number.
OTHER_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):(?!//)(?!\d)", re.IGNORECASE)


def _clean_code(value: str, *, exclude_pk: int | None = None) -> str:
    code = normalise_code(value)
    if not code:
        return code
    code_validator(code)
    if code_is_taken(code, exclude_pk=exclude_pk):
        raise ValidationError(CODE_TAKEN, code="taken")
    return code


class ApplicationForm(SpamGuardMixin, forms.Form):
    """The sign-up form. A visitor without an account also chooses a password (the account is
    made with the application); a signed-in customer applies with their account, name and
    email filled in. SpamGuardMixin's hidden trap field is called `website`, so the applicant's
    own website is `channels` here."""

    name = UserTextField(
        label="Your name",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Where we send our decision, program news and payout notices.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="For your new account: you sign in with your email address and this "
        "password to see your dashboard. At least 8 characters, not only digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password for your account."},
    )
    channels = UserTextField(
        label="Website or social handles",
        max_length=500,
        help_text="Where you will share links, e.g. https://yourblog.example, @yourname on "
        "Instagram, your podcast's name.",
        widget=forms.TextInput(attrs={"autocomplete": "url"}),
        error_messages={"required": "Tell us where you will promote us."},
    )
    promotion = UserTextField(
        label="How will you promote us?",
        max_length=2000,
        help_text="A few sentences: your audience, and the kind of posts, videos or emails "
        "you have in mind.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Tell us how you will promote us.",
            "max_length": "Please keep it under %(limit_value)d characters (it has "
            "%(show_value)d).",
        },
    )
    payout_method = forms.ChoiceField(
        label="How should we pay you?",
        choices=PayoutMethod.choices,
        initial=PayoutMethod.PAYPAL,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should pay you."},
    )
    paypal_email = forms.EmailField(
        label="PayPal email address",
        required=False,
        max_length=254,
        help_text="Needed for PayPal payouts.",
        error_messages={"invalid": "Enter the PayPal email address like name@example.com."},
    )
    bank_details = UserTextField(
        label="Bank details",
        required=False,
        max_length=1000,
        help_text="Needed for bank transfers: account holder, bank name, IBAN or account and "
        "routing number.",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    code = forms.CharField(
        label="Your referral code",
        required=False,
        max_length=32,
        help_text=CODE_HELP,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    accept_terms = forms.BooleanField(
        label="I accept the program's terms and will disclose, wherever I share a link or "
        "code, that I earn a commission.",
        error_messages={"required": "Accept the program's terms to apply."},
    )

    field_order = [
        "name",
        "email",
        "password",
        "channels",
        "promotion",
        "payout_method",
        "paypal_email",
        "bank_details",
        "code",
        "accept_terms",
    ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:
            del self.fields["password"]
            if not self.is_bound:
                self.initial.setdefault("name", self.user.get_full_name())
                self.initial.setdefault("email", self.user.email)
        self.fields["code"].widget.attrs["pattern"] = CODE_PATTERN.strip("^$")

    @property
    def creates_account(self) -> bool:
        return self.user is None

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if any(ord(c) < 32 for c in name):
            raise ValidationError("Write your name on one line.", code="control")
        return name

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if self.creates_account:
            User = get_user_model()
            if User.objects.filter(email__iexact=email).exists():
                raise ValidationError(
                    "An account with this email address already exists. Sign in first, then "
                    "apply with your account.",
                    code="account_exists",
                )
        return email

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])

    def clean(self):
        cleaned = self.cleaned_data
        method = cleaned.get("payout_method")
        if method == PayoutMethod.PAYPAL and not cleaned.get("paypal_email"):
            if "paypal_email" not in self.errors:
                self.add_error("paypal_email", "Enter the PayPal email address we should pay.")
        if method == PayoutMethod.BANK and not (cleaned.get("bank_details") or "").strip():
            self.add_error("bank_details", "Enter the bank details we should pay.")
        if self.creates_account and cleaned.get("password"):
            User = get_user_model()
            candidate = User(email=cleaned.get("email", ""), first_name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(cleaned["password"], candidate)
            except ValidationError as error:
                self.add_error("password", error)
        if any(name in self.errors for name in self.fields if name not in SPAM_GUARD_FIELDS):
            # A person told what is missing is not also told they were too fast: the trap
            # and the clock are checked once the fields are right.
            return cleaned
        return super().clean()

    def application_data(self) -> dict:
        """membership.affiliate_apply's arguments from the valid form."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "website": data["channels"],
            "promotion": data["promotion"].replace("\r\n", "\n"),
            "payout_method": data["payout_method"],
            "paypal_email": data.get("paypal_email") or "",
            "bank_details": (data.get("bank_details") or "").replace("\r\n", "\n"),
            "code": data.get("code") or "",
        }

    def account_names(self) -> dict:
        first, _, last = self.cleaned_data["name"].partition(" ")
        return {"first_name": first, "last_name": last}

    def prepare_retry(self) -> None:
        """After a refusal the form comes back as typed (never the password), with a fresh
        fill-time clock and the hidden trap field empty."""
        data = self.data.copy()
        data["started"] = signing.dumps(time.time(), salt=SALT)
        data["website"] = ""
        data.pop("password", None)
        self.data = data


class CodeForm(forms.Form):
    code = forms.CharField(
        label="New referral code",
        max_length=32,
        help_text="3 to 32 lower-case letters, digits and hyphens. Links with your current "
        "code stop working once you change it, and someone else may later take it: update "
        "the links you have shared.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"required": "Enter the code you want."},
    )

    def __init__(self, *args, affiliate: Affiliate, **kwargs):
        super().__init__(*args, **kwargs)
        self.affiliate = affiliate
        self.fields["code"].widget.attrs["pattern"] = CODE_PATTERN.strip("^$")

    def clean_code(self):
        code = _clean_code(self.cleaned_data["code"], exclude_pk=self.affiliate.pk)
        if code == self.affiliate.code:
            raise ValidationError("This is already your code.", code="same")
        return code


class LinkForm(forms.Form):
    """A page of this site, typed as a path (/blog/) or copied from the address bar
    (https://host/blog/); `clean_url` returns its path, query and fragment."""

    url = forms.CharField(
        label="Page to link to",
        max_length=500,
        help_text="Copy the address of any page of this site from your browser, or type its "
        "path, e.g. /order/.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}
        ),
        error_messages={"required": "Enter the address of a page of this site."},
    )

    def __init__(self, *args, hosts: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.hosts = {h.lower() for h in hosts if h}

    def clean_url(self):
        value = self.cleaned_data["url"].strip()
        if any(c.isspace() for c in value):
            raise ValidationError("A web address has no spaces in it.", code="space")
        scheme = OTHER_SCHEME.match(value)
        if scheme and scheme.group(1).lower() not in {"http", "https"}:
            raise ValidationError(
                "Enter a web address starting with https:// or a path like /order/.",
                code="scheme",
            )
        if value.startswith("//"):
            value = "https:" + value
        elif "://" not in value and not value.startswith("/"):
            # "example.com/blog/" or "localhost:8000/blog/" is a host; "blog/" is a path.
            first = value.split("/", 1)[0]
            is_host = "." in first or ":" in first or first.lower() in self.hosts
            value = ("https://" + value) if is_host else "/" + value
        parts = urlsplit(value)
        if parts.scheme.lower() not in {"", "http", "https"}:
            raise ValidationError(
                "Enter a web address starting with https:// or a path like /order/.",
                code="scheme",
            )
        if parts.netloc:
            host = (parts.hostname or "").lower()
            if host not in self.hosts:
                shown = sorted(self.hosts)[0] if self.hosts else "this site"
                raise ValidationError(
                    f"Links can only lead to pages of this site ({shown}); {host or value} is "
                    "another site.",
                    code="host",
                )
        path = parts.path or "/"
        target = path
        if parts.query:
            target += "?" + parts.query
        if parts.fragment:
            target += "#" + parts.fragment
        return target
