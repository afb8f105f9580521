"""The contact form: what a person writes, checked for length, links and the signs of a bot."""

import logging
import re
import time
import uuid

from django import forms
from django.core import signing

from apothecary.core.antispam import SALT, SpamGuardMixin
from apothecary.core.text import UserTextField

logger = logging.getLogger(__name__)

MAX_LINKS = 2  # web addresses allowed in a message; more is refused as likely spam
MAX_MESSAGE_LENGTH = 5000
# A web address as people and bots write them: with a scheme, or starting with www.
LINK = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S", re.IGNORECASE)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
EXPIRED = "This form expired. Please check your text and send it again."
SPAM_GUARD_FIELDS = frozenset({"website", "started"})


def count_links(text: str) -> int:
    return len(LINK.findall(text))


def normalise_order_number(value: str) -> str:
    return value.strip().upper().replace("-", "").replace(" ", "")


class ContactForm(SpamGuardMixin, forms.Form):
    name = UserTextField(
        label="Your name",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Enter your name.",
            "max_length": "Your name can have at most %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We reply to this address and send you a copy of your message.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address, so that we can reply.",
            "invalid": "Enter an email address like name@example.com.",
            "max_length": "An email address has at most %(limit_value)d characters.",
        },
    )
    subject = forms.ChoiceField(
        label="What is it about?",
        choices=(),
        error_messages={
            "required": "Choose what your message is about.",
            "invalid_choice": "Choose one of the subjects in the list.",
        },
    )
    order_number = forms.CharField(
        label="Order number",
        required=False,
        max_length=20,
        help_text="If you write about an order: the number from your confirmation email, e.g. "
        "7K3M9QXA. The email address above must be the one you ordered with.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "max_length": "An order number has 8 letters and digits, e.g. 7K3M9QXA.",
        },
    )
    message = UserTextField(
        label="Your message",
        max_length=MAX_MESSAGE_LENGTH,
        help_text=f"Plain text, up to {MAX_MESSAGE_LENGTH:,} characters and {MAX_LINKS} web links.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Write your message.",
            "max_length": "Your message can have at most %(limit_value)d characters "
            "(it has %(show_value)d). Please shorten it.",
        },
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": EXPIRED,
            "invalid": EXPIRED,
        },
    )

    field_order = ["name", "email", "subject", "order_number", "message"]

    def __init__(self, *args, subjects: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "Choose a subject"), *[(s, s) for s in subjects]]
        if not self.is_bound:
            self.initial["submission_key"] = uuid.uuid4()

    def clean(self):
        if any(name in self.errors for name in self.fields if name not in SPAM_GUARD_FIELDS):
            # Nothing is stored with a field wrong; the honeypot and the fill-time clock are
            # checked when it comes back right (a person who sends an empty form at once is
            # told what is missing, not that they were too fast).
            return self.cleaned_data
        return super().clean()

    def clean_name(self):
        name = self.cleaned_data["name"]
        if CONTROL_CHARACTERS.search(name):
            raise forms.ValidationError("Write your name on one line.", code="control")
        if count_links(name):
            logger.warning("contact form: refused, a web address in the name")
            raise forms.ValidationError("Please leave web addresses out of your name.", code="link")
        return name

    def clean_order_number(self):
        number = normalise_order_number(self.cleaned_data["order_number"])
        if number and (len(number) > 12 or not number.isalnum()):
            raise forms.ValidationError(
                "An order number has 8 letters and digits, e.g. 7K3M9QXA.", code="format"
            )
        return number

    def clean_message(self):
        # Browsers send line breaks as CRLF; stored and emailed as plain newlines.
        message = self.cleaned_data["message"].replace("\r\n", "\n").replace("\r", "\n")
        links = count_links(message)
        if links > MAX_LINKS:
            logger.warning("contact form: refused, %s web addresses in the message", links)
            raise forms.ValidationError(
                f"Your message has {links} web addresses; we accept at most {MAX_LINKS}, "
                "as most messages with more are spam. Please remove some and send it again.",
                code="links",
            )
        return message

    def message_data(self) -> dict:
        """The service's arguments from the valid form."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "subject": data["subject"],
            "order_number": data["order_number"],
            "text": data["message"],
            "submission_key": data["submission_key"],
        }

    def prepare_retry(self) -> None:
        """After a refusal the form comes back as typed, with a fresh fill-time clock and the
        hidden trap field empty (a person's browser may have filled it)."""
        data = self.data.copy()
        data["started"] = signing.dumps(time.time(), salt=SALT)
        data["website"] = ""
        self.data = data
