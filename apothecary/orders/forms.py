from django import forms


class OrderLookupForm(forms.Form):
    number = forms.CharField(
        label="Order number",
        max_length=12,
        help_text="It is in your confirmation email, e.g. 7K3M9QXA.",
    )
    email = forms.EmailField(label="Email address used for the order", max_length=254)

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper().replace("-", "").replace(" ", "")


class OrderEmailForm(forms.Form):
    """The email an order was placed with: proves that its link is in its buyer's hands.
    `next` names the order's page to go back to (never an address)."""

    NEXT_PAGES = ("order", "pay", "return")

    email = forms.EmailField(label="The email address you ordered with", max_length=254)
    next = forms.ChoiceField(
        choices=[(page, page) for page in NEXT_PAGES], required=False, widget=forms.HiddenInput
    )


class ReturnRequestForm(forms.Form):
    """One quantity field per order line that can still be returned, and a reason."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        label="Why are you returning these items?",
    )

    def __init__(self, *args, order, left: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in order.lines.all():
            if left.get(line.pk, 0) <= 0:
                continue
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.product_title}, {line.variant_name}",
                min_value=0,
                max_value=left[line.pk],
                initial=0,
                required=False,
                help_text=f"Up to {left[line.pk]}.",
            )
            self.line_fields.append((line.pk, name))
        self.order_fields(["reason"] + [name for _, name in self.line_fields][::-1])

    def quantities(self) -> dict[int, int]:
        return {pk: self.cleaned_data.get(name) or 0 for pk, name in self.line_fields}
