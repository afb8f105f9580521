"""The order detail page's "Edit details" action: the shipping address, the phone and the
staff note, while the order has not shipped and is neither cancelled nor refunded
(services.order_edit, which writes each change to the history and tells the customer).

Its form carries services.edit_state as `seen`: sent back after someone changed the order, it
gets 409 and nothing changes."""

import re

from django import forms

from apothecary.core import geography
from apothecary.core.admin.actions import ActionForm, AdminAction

from . import services
from .models import Order

PHONE = re.compile(r"^\+?[0-9 ()./-]{5,40}$")


def _field(model_field: str, label: str, *, required=True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=Order._meta.get_field(model_field).max_length,
        required=required,
        error_messages={"required": f"Enter the {label.lower()}."},
        **kwargs,
    )


class EditDetailsForm(ActionForm):
    shipping_name = _field("shipping_name", "Name")
    shipping_line1 = _field("shipping_line1", "Address")
    shipping_line2 = _field("shipping_line2", "Address line 2", required=False)
    shipping_city = _field("shipping_city", "City")
    shipping_region = _field("shipping_region", "State or region", required=False)
    shipping_postcode = _field("shipping_postcode", "Postcode")
    phone = _field("phone", "Phone", required=False)
    staff_note = _field(
        "staff_note",
        "Staff note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For staff only; the customer never sees it.",
    )

    def __init__(self, *args, instance: Order, **kwargs):
        initial = kwargs.setdefault("initial", {})
        for name in services.EDITABLE_FIELDS:
            initial.setdefault(name, getattr(instance, name))
        super().__init__(*args, instance=instance, **kwargs)
        self.note = (
            f"Ships to {geography.country_name(instance.shipping_country)}: the country, the "
            "shipping price and the tax stay as paid."
        )

    def clean(self):
        cleaned = super().clean()
        for name in services.EDITABLE_FIELDS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        return cleaned

    def clean_shipping_region(self):
        value = self.cleaned_data["shipping_region"].strip()
        known = geography.regions(self.instance.shipping_country)
        if not known or not value:
            return value
        text = value.upper()
        for code, name in known.items():
            if text in (code.upper(), name.upper()):
                return code
        raise forms.ValidationError(
            f"Enter a state or region of {geography.country_name(self.instance.shipping_country)}"
            " by its code (e.g. NY) or its full name."
        )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                "Enter a phone number with digits, spaces and + ( ) - only, e.g. +1 555 010 0199."
            )
        return phone


def _edit(order, data, actor):
    return services.order_edit(
        order=order,
        changes={name: data[name] for name in services.EDITABLE_FIELDS},
        actor=actor,
        seen=data["seen"],
    )


EDIT_ACTION = AdminAction(
    name="edit",
    label="Edit details",
    perform=_edit,
    done="Order {obj.number}: details saved.",
    form_class=EditDetailsForm,
    applies=lambda order: services.edit_refusal(order) is None,
    state=services.edit_state,
    explains="Until the order ships. Each change goes to the history; the customer is emailed "
    "when the address or phone changes.",
)
