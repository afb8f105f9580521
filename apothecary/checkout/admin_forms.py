"""The shipping zone's admin form."""

from wagtail.admin.forms import WagtailAdminModelForm


class ShippingZoneForm(WagtailAdminModelForm):
    """Each region tax row is checked against the zone as submitted (its countries as typed in
    the same form), not the one saved before: modelcluster leaves a new row without a zone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("region_taxes")
        if formset is not None:
            for form in formset.forms:
                form.instance.zone = self.instance
