from functools import lru_cache

import pycountry
from django import forms

from apothecary.core.antispam import SpamGuardMixin
from apothecary.core.geography import country_name
from apothecary.core.text import UserTextField

from .models import NAME_MAX, TEXT_MAX, TEXT_MIN, TITLE_MAX

RATING_CHOICES = [
    (5, "5 stars: excellent"),
    (4, "4 stars: good"),
    (3, "3 stars: average"),
    (2, "2 stars: poor"),
    (1, "1 star: very poor"),
]


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    return [("", "Rather not say")] + sorted(
        ((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries), key=lambda c: c[1]
    )


class ReviewForm(SpamGuardMixin, forms.Form):
    """What a reviewer writes. Plain text, escaped where shown; only the invisible
    bidirectional controls are removed (core.text)."""

    min_fill_seconds = 5

    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5 stars."},
    )
    title = UserTextField(
        label="Title of your review",
        max_length=TITLE_MAX,
        help_text=f"Up to {TITLE_MAX} characters.",
        error_messages={"required": "Give your review a title."},
    )
    text = UserTextField(
        label="Your review",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "minlength": TEXT_MIN}),
        help_text=(
            f"{TEXT_MIN} to {TEXT_MAX} characters of plain text. Tell others how you use it, "
            "how it feels, what you like and what you do not. Please do not describe medical "
            "conditions or results: we cannot publish health claims."
        ),
        error_messages={"required": "Write your review."},
    )
    display_name = UserTextField(
        label="Name to show",
        max_length=NAME_MAX,
        help_text="Your first name and the initial of your last name work well, e.g. Maria K.",
        error_messages={"required": "Tell us the name to show with your review."},
    )
    country = forms.ChoiceField(label="Country", required=False, choices=())
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send you a link to confirm your review. It is never shown or shared.",
    )

    field_order = ["rating", "title", "text", "display_name", "country", "email"]

    def __init__(self, *args, with_email=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        if not with_email:  # the review request's link already says who is writing
            del self.fields["email"]

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) < TEXT_MIN:  # after trimming the spaces around it
            raise forms.ValidationError(
                f"Write at least {TEXT_MIN} characters (you wrote {len(text)})."
            )
        return text


class ReviewFilterForm(forms.Form):
    """The reviews page's GET parameters. Each invalid value is ignored on its own."""

    product = forms.ChoiceField(label="Product", required=False, choices=())
    stars = forms.TypedChoiceField(
        label="Stars",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "All ratings")]
        + [(n, f"{n} star{'s' if n > 1 else ''}") for n in (5, 4, 3, 2, 1)],
    )
    verified = forms.BooleanField(label="Verified buyers only", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("newest", "Newest first"),
            ("highest", "Highest rated first"),
            ("lowest", "Lowest rated first"),
        ],
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "All products")] + [
            (str(p.pk), p.title) for p in products
        ]
