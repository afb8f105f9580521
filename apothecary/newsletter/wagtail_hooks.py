"""The newsletter's list in the Wagtail admin ("Store" menu, "Newsletter"): every address
with its status and times, searchable and filtered by status, a page per subscriber, and a
CSV export of the confirmed subscribers in the columns an email service imports (email,
confirmed_at, consent_version). Read-only: subscribers change only through their own links."""

import django_filters
from django import forms
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView

from apothecary.core.admin.exports import SafeSpreadsheetExportMixin
from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet

from .models import Subscriber, SubscriberStatus

# catalog.wagtail_hooks.STORE_MENU_HOOK, named here: newsletter and catalog share a floor and
# import each other neither.
STORE_MENU_HOOK = "register_store_menu_item"


class SubscriberFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=SubscriberStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )

    class Meta:
        model = Subscriber
        fields = ["status"]


class SubscriberIndexView(SafeSpreadsheetExportMixin, IndexView):
    default_ordering = "-requested_at"
    export_filename = "newsletter-confirmed-subscribers"

    @cached_property
    def columns(self):
        return [
            TitleColumn("email", label="Email", get_url=self.get_inspect_url, sort_key="email"),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda subscriber: subscriber.status == SubscriberStatus.CONFIRMED,
            ),
            DateColumn("requested_at", label="Signed up", sort_key="requested_at"),
            DateColumn("confirmed_at", label="Confirmed", sort_key="confirmed_at"),
            DateColumn("unsubscribed_at", label="Unsubscribed", sort_key="unsubscribed_at"),
            Column("consent_version", label="Wording"),
            Column("get_source_display", label="Form"),
        ]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """Only confirmed subscribers are exported (within the list's search and filters):
        the file is for importing into an email service."""
        queryset = queryset.filter(status=SubscriberStatus.CONFIRMED).order_by("confirmed_at", "pk")
        return super().as_spreadsheet(queryset, spreadsheet_format)


class SubscriberViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = Subscriber
    name = "newsletter_subscribers"
    url_prefix = "newsletter"
    icon = "mail"
    menu_label = "Newsletter"
    menu_order = 500  # last in the Store menu, after the discount codes
    menu_hook = STORE_MENU_HOOK
    index_view_class = SubscriberIndexView
    filterset_class = SubscriberFilterSet
    search_fields = ["email"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "email",
        "status",
        "requested_at",
        "confirmed_at",
        "unsubscribed_at",
        "consent_version",
        "consent_text",
        "source",
        "source_page",
        "site",
    ]
    list_export = ["email", "confirmed_at", "consent_version"]
    export_headings = {
        "email": "email",
        "confirmed_at": "confirmed_at",
        "consent_version": "consent_version",
    }


@hooks.register("register_admin_viewset")
def register_subscriber_viewset():
    return SubscriberViewSet()
