"""User text: the bidirectional controls are removed by every form field people type into."""

import pytest

from apothecary.accounts.forms import SignupForm
from apothecary.affiliates.forms import ApplicationForm
from apothecary.checkout.forms import CheckoutDetailsForm
from apothecary.contact.forms import ContactForm
from apothecary.core.text import BIDI_CONTROLS, UserTextField, strip_bidi_controls
from apothecary.reviews.forms import ReviewForm

ALL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_every_bidirectional_control_is_removed_and_nothing_else():
    text = "Ada \u202eLovelace\u202c, café 東京 — ok\u200d👍"

    assert set(ALL) == BIDI_CONTROLS
    assert strip_bidi_controls(ALL) == ""
    assert strip_bidi_controls(text) == "Ada Lovelace, café 東京 — ok\u200d👍"


def test_the_field_strips_then_trims_and_a_value_of_only_controls_is_missing():
    field = UserTextField(max_length=5)

    assert field.clean(" \u202e abc \u2066") == "abc"
    assert field.clean("12345\u202e\u202e") == "12345"  # the length counts what is kept
    with pytest.raises(Exception, match="required"):
        field.clean("\u202e\u2069")


@pytest.mark.parametrize(
    ("form_class", "name"),
    [
        (ReviewForm, "title"),
        (ReviewForm, "text"),
        (ReviewForm, "display_name"),
        (ContactForm, "name"),
        (ContactForm, "message"),
        (CheckoutDetailsForm, "shipping_name"),
        (CheckoutDetailsForm, "shipping_line1"),
        (CheckoutDetailsForm, "shipping_city"),
        (CheckoutDetailsForm, "billing_name"),
        (ApplicationForm, "name"),
        (ApplicationForm, "promotion"),
        (SignupForm, "first_name"),
        (SignupForm, "last_name"),
    ],
)
def test_user_text_fields_of_the_forms_strip_the_controls(form_class, name):
    field = form_class.base_fields[name]

    assert field.clean("Ada \u202eRekab\u202c Street, a review long enough") == (
        "Ada Rekab Street, a review long enough"
    )
