"""The checkout details form: contact, addresses, shipping method and discount code, each
checked against the database (where we ship, which rates fit the cart, whether the code
works). Prices are never read from it."""

import re

from django import forms
from django.core.exceptions import ValidationError

from apothecary.core import geography
from apothecary.core.text import UserTextField

from .models import ShippingZone
from .regions import match_region
from .services import AddressData, DiscountError, discount_find, rates_for

PHONE = re.compile(r"^\+?[0-9 ()./-]{5,40}$")
REGION_KIND = {"US": "state", "CA": "province or territory", "AU": "state or territory"}
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postcode", "country")


def _in_sentence(label: str) -> str:
    """'City' → 'city', but 'ZIP or postal code' stays."""
    return label if label[1:2].isupper() else label[0].lower() + label[1:]


def _text(label, max_length, *, required=True, autocomplete="", **kwargs):
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    words = _in_sentence(label)
    return UserTextField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "required": f"Enter the {words}.",
            "max_length": f"Shorten the {words} to {max_length} characters at most.",
        },
        **kwargs,
    )


def shipping_countries() -> list[tuple[str, str]]:
    """(code, name) of every country an active zone ships to, by name."""
    codes = {
        code
        for zone in ShippingZone.objects.filter(active=True)
        for code in zone.country_codes()
        if geography.is_country(code)
    }
    return sorted(((c, geography.country_name(c)) for c in codes), key=lambda pair: pair[1])


def all_countries() -> list[tuple[str, str]]:
    import pycountry

    return sorted(
        ((c.alpha_2, geography.country_name(c.alpha_2)) for c in pycountry.countries),
        key=lambda pair: pair[1],
    )


def clean_region(value: str, country: str) -> str:
    """The region's code when the country has a list of them (US states, …); else as typed."""
    known = geography.regions(country) if country else {}
    if not known:
        return value
    code = match_region(country, value)
    if code is not None:
        return code
    kind = REGION_KIND.get(country, "region")
    example = "NY" if country == "US" else next(iter(sorted(known)))
    raise ValidationError(
        f"Enter a {kind} of {geography.country_name(country)}: its code (e.g. {example}) "
        "or its full name."
    )


class CheckoutDetailsForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
        help_text="We send your receipt and delivery updates here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    shipping_name = _text("Full name", 120, autocomplete="shipping name")
    shipping_line1 = _text("Address", 200, autocomplete="shipping address-line1")
    shipping_line2 = _text(
        "Apartment, suite, etc.", 200, required=False, autocomplete="shipping address-line2"
    )
    shipping_city = _text("City", 100, autocomplete="shipping address-level2")
    shipping_region = _text(
        "State, province or region",
        100,
        required=False,
        autocomplete="shipping address-level1",
        help_text="Needed for the United States, Canada and Australia.",
    )
    shipping_postcode = _text("ZIP or postal code", 20, autocomplete="shipping postal-code")
    shipping_country = forms.CharField(
        label="Country",
        max_length=2,
        error_messages={
            "required": "Choose the country to ship to.",
            "max_length": "Choose a country from the list.",
        },
        widget=forms.Select(attrs={"autocomplete": "shipping country"}),
    )
    phone = _text(
        "Phone",
        40,
        required=False,
        autocomplete="tel",
        help_text="Only used if the carrier needs to reach you.",
    )
    billing_same = forms.BooleanField(
        label="My billing address is the same as my shipping address",
        required=False,
        initial=True,
    )
    billing_name = _text("Full name", 120, required=False, autocomplete="billing name")
    billing_line1 = _text("Address", 200, required=False, autocomplete="billing address-line1")
    billing_line2 = _text(
        "Apartment, suite, etc.", 200, required=False, autocomplete="billing address-line2"
    )
    billing_city = _text("City", 100, required=False, autocomplete="billing address-level2")
    billing_region = _text(
        "State, province or region",
        100,
        required=False,
        autocomplete="billing address-level1",
    )
    billing_postcode = _text(
        "ZIP or postal code", 20, required=False, autocomplete="billing postal-code"
    )
    billing_country = forms.CharField(
        label="Country",
        max_length=2,
        required=False,
        error_messages={"max_length": "Choose a country from the list."},
        widget=forms.Select(attrs={"autocomplete": "billing country"}),
    )
    shipping_rate = forms.ChoiceField(
        label="Shipping method",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a shipping method.",
            "invalid_choice": "Choose one of the shipping methods shown for your country.",
        },
    )
    discount_code = _text("Discount code", 40, required=False, autocomplete="off")

    def __init__(self, data=None, *, subtotal, weight_grams, **kwargs):
        super().__init__(data, **kwargs)
        self.subtotal = subtotal
        self.weight_grams = weight_grams
        self.rate = None
        self.discount = None
        self.countries = shipping_countries()
        codes = [code for code, _ in self.countries]
        self.fields["shipping_country"].widget.choices = self.countries
        self.fields["billing_country"].widget.choices = [("", "Choose a country"), *all_countries()]
        self.rate_country = self._country_for_rates(codes)
        self.rates = (
            rates_for(country=self.rate_country, weight_grams=weight_grams)
            if self.rate_country
            else []
        )
        self.fields["shipping_rate"].choices = [(str(r.pk), r.name) for r in self.rates]
        self.shipping_regions = geography.regions(self.rate_country) if self.rate_country else {}
        if self.shipping_regions:
            self.fields["shipping_region"].widget.attrs["list"] = "shipping-regions"
        if self.rates and not self.is_bound:  # the cheapest, until they choose another
            self.initial.setdefault("shipping_rate", str(self.rates[0].pk))

    def _country_for_rates(self, codes: list[str]) -> str:
        """The country whose shipping methods to offer: the one sent, else the one prefilled,
        else the United States when we ship there, else the first."""
        if self.is_bound:
            sent = (self.data.get("shipping_country") or "").strip().upper()
            return sent if sent in codes else ""
        wanted = (self.initial.get("shipping_country") or "").upper()
        if wanted in codes:
            return wanted
        if not codes:
            return ""
        chosen = "US" if "US" in codes else codes[0]
        self.initial["shipping_country"] = chosen
        return chosen

    def rate_options(self):
        """(bound radio option, ShippingRate) pairs, for the template to show prices."""
        by_pk = {str(r.pk): r for r in self.rates}
        return [(option, by_pk[str(option.data["value"])]) for option in self["shipping_rate"]]

    def clean_shipping_country(self) -> str:
        code = self.cleaned_data["shipping_country"].strip().upper()
        if code not in {c for c, _ in self.countries}:
            if len(code) == 2 and geography.is_country(code):
                raise ValidationError(f"We do not ship to {geography.country_name(code)} yet.")
            raise ValidationError("Choose a country from the list.")
        return code

    def clean_billing_country(self) -> str:
        code = self.cleaned_data["billing_country"].strip().upper()
        if code and not (len(code) == 2 and geography.is_country(code)):
            raise ValidationError("Choose a country from the list.")
        return code

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if phone and not PHONE.match(phone):
            raise ValidationError(
                "Enter a phone number with digits, spaces and + ( ) - only, e.g. +1 555 010 0199."
            )
        return phone

    def clean_discount_code(self) -> str:
        return self.cleaned_data["discount_code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        self._clean_address("shipping")
        if not cleaned.get("billing_same"):
            for name, label in (
                ("name", "full name"),
                ("line1", "address"),
                ("city", "city"),
                ("postcode", "ZIP or postal code"),
                ("country", "country"),
            ):
                if not cleaned.get(f"billing_{name}") and f"billing_{name}" not in self.errors:
                    self.add_error(f"billing_{name}", f"Enter the billing {label}.")
            self._clean_address("billing")
        if "shipping_country" in cleaned and not self.rates:
            self.add_error(
                "shipping_rate",
                f"We have no shipping method for this cart to "
                f"{geography.country_name(cleaned['shipping_country'])}. Please contact us.",
            )
        chosen = cleaned.get("shipping_rate")
        self.rate = next((r for r in self.rates if str(r.pk) == chosen), None)
        code, email = cleaned.get("discount_code"), cleaned.get("email")
        if code and email:
            try:
                self.discount = discount_find(code=code, subtotal=self.subtotal, email=email)
            except DiscountError as error:
                self.add_error("discount_code", str(error))
        return cleaned

    def _clean_address(self, prefix: str) -> None:
        country = self.cleaned_data.get(f"{prefix}_country")
        region_field = f"{prefix}_region"
        if not country or region_field not in self.cleaned_data:
            return
        region = self.cleaned_data[region_field]
        if not region and geography.regions(country):
            kind = REGION_KIND.get(country, "region")
            self.add_error(region_field, f"Enter the {kind}.")
            return
        try:
            self.cleaned_data[region_field] = clean_region(region, country)
        except ValidationError as error:
            self.add_error(region_field, error)

    def address(self, prefix: str) -> AddressData:
        return AddressData(**{f: self.cleaned_data[f"{prefix}_{f}"] for f in ADDRESS_FIELDS})

    def shipping_address(self) -> AddressData:
        return self.address("shipping")

    def billing_address(self) -> AddressData | None:
        return None if self.cleaned_data["billing_same"] else self.address("billing")

    def to_session(self) -> dict[str, str]:
        """The cleaned details as form data, to bind this form again on the next step."""
        data = {name: str(value) for name, value in self.cleaned_data.items() if value}
        data.pop("billing_same", None)
        if self.cleaned_data["billing_same"]:
            data["billing_same"] = "on"
            for name in ADDRESS_FIELDS:
                data.pop(f"billing_{name}", None)
        return data


def initial_from_order(order) -> dict[str, str]:
    """A customer's last order's contact details and addresses, to prefill the form."""
    initial = {"email": order.email, "phone": order.phone}
    for name in ADDRESS_FIELDS:
        initial[f"shipping_{name}"] = getattr(order, f"shipping_{name}")
    initial["billing_same"] = order.billing_same_as_shipping
    if not order.billing_same_as_shipping:
        for name in ADDRESS_FIELDS:
            initial[f"billing_{name}"] = getattr(order, f"billing_{name}")
    return initial
