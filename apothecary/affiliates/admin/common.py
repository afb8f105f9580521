"""What the affiliates admin modules share: how times, amounts and hashed IPs read in the
lists, the permissions a viewset offers on the group form, and the base of the lists."""

from django import forms
from django.urls import path, reverse
from django.utils import timezone
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from apothecary.core.money import format_money


def when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def money(amount, currency) -> str:
    return format_money(amount, currency)


def ip_hash_display(value: str) -> str:
    """A hash is enough to tell visitors apart; its first characters are enough to read."""
    return f"{value[:10]}…" if value else ""


def time_column(name: str, label: str) -> Column:
    """A sortable column of the local date and time in field `name`."""
    return Column(name, label=label, accessor=lambda obj: when(getattr(obj, name)), sort_key=name)


def reason_field(label: str, help_text: str, *, max_length: int, rows: int) -> forms.CharField:
    """The text box of a decision's reason or note, on an action form."""
    return forms.CharField(
        max_length=max_length,
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def viewset_permissions(viewset):
    """Every permission Wagtail's ModelViewSet would offer for the viewset's model."""
    return ModelViewSet.get_permissions_to_register(viewset)


def codenames(viewset, *actions):
    """The model's permissions to show on the group form, among add/change/delete/view."""
    model = viewset.model._meta.model_name
    return viewset_permissions(viewset).filter(codename__in=[f"{a}_{model}" for a in actions])


def index_urlpatterns(viewset) -> list:
    """The routes of a list and of its results (what filters and search reload)."""
    return [
        path("", viewset.index_view, name="index"),
        path("results/", viewset.index_results_view, name="index_results"),
    ]


class AffiliatesIndexView(IndexView):
    """A list whose rows open the object's page (the viewset already checked that the user
    may see it) and have no "more" menu: every change happens on that page."""

    def get_inspect_url(self, instance):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return []
