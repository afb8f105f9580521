"""Parsing what a shopper sends to the cart: ids and quantities, checked, never prices."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from apothecary.catalog.models import Variant
from apothecary.catalog.pricing import purchase_info

MAX_ID = 2**63 - 1  # larger numbers are no id of ours (and overflow some databases)


def quantity_field(**kwargs) -> forms.IntegerField:
    limit = settings.CART_MAX_QUANTITY_PER_LINE
    message = f"Choose a quantity from 1 to {limit}."
    return forms.IntegerField(
        min_value=1,
        max_value=limit,
        error_messages={
            "required": f"Enter a quantity from 1 to {limit}.",
            "invalid": f"Enter a quantity from 1 to {limit}, as a whole number.",
            "min_value": message,
            "max_value": message,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "quantity-input"}),
        **kwargs,
    )


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": "Choose a pack to add.",
            "invalid": "That pack does not exist.",
            "min_value": "That pack does not exist.",
            "max_value": "That pack does not exist.",
        },
    )
    quantity = quantity_field()

    def __init__(self, data=None, **kwargs):
        if data is not None and "quantity" not in data:  # a one-click "Add to cart" button
            data = data.copy()
            data["quantity"] = "1"
        super().__init__(data, **kwargs)

    def clean_variant(self) -> Variant:
        variant = (
            Variant.objects.select_related("product")
            .filter(pk=self.cleaned_data["variant"])
            .first()
        )
        if variant is None:
            raise ValidationError("That pack does not exist.")
        info = purchase_info(variant)
        if not info.available:
            raise ValidationError(f"{variant.product.title}, {variant.name}: {info.reason}")
        return variant

    def first_error(self) -> str:
        for errors in self.errors.values():
            return errors[0]
        return ""


class CartUpdateForm(forms.Form):
    """The cart page's form: a quantity per line (named quantity-<pack id>)."""

    def __init__(self, data=None, *, lines, **kwargs):
        super().__init__(data, **kwargs)
        self.lines = {line.variant.pk: line for line in lines}
        for line in lines:
            self.fields[self.field_name(line.variant)] = quantity_field(
                label=f"Quantity of {line.product.title}, {line.variant.name}",
                initial=line.quantity,
            )

    @staticmethod
    def field_name(variant) -> str:
        return f"quantity-{variant.pk}"

    def clean(self):
        cleaned = super().clean()
        unknown = [
            key for key in self.data if key.startswith("quantity-") and key not in self.fields
        ]
        if unknown:
            raise ValidationError(
                "Some of these packs are not in your cart (any more). Nothing was changed: "
                "check the quantities and update the cart again."
            )
        return cleaned

    def quantities(self) -> dict[Variant, int]:
        """The lines whose quantity changed, with the new quantity."""
        return {
            line.variant: self.cleaned_data[name]
            for variant_id, line in self.lines.items()
            if (name := f"quantity-{variant_id}") in self.cleaned_data
            and self.cleaned_data[name] != line.quantity
        }

    def rows(self):
        """(cart view line, its bound quantity field) pairs, for the template."""
        return [(line, self[self.field_name(line.variant)]) for line in self.lines.values()]


class CartRemoveForm(forms.Form):
    remove = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": "Choose a pack to remove.",
            "invalid": "That pack is not in your cart.",
            "min_value": "That pack is not in your cart.",
            "max_value": "That pack is not in your cart.",
        },
    )

    def __init__(self, data=None, *, lines, **kwargs):
        super().__init__(data, **kwargs)
        self.lines = {line.variant.pk: line for line in lines}

    def clean_remove(self):
        line = self.lines.get(self.cleaned_data["remove"])
        if line is None:
            raise ValidationError("That pack is not in your cart (any more).")
        return line.variant
