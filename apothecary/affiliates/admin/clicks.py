"""Clicks: read-only, facts recorded by the tracking; visitors appear by their hashed IP."""

import django_filters
from django.utils.functional import cached_property
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column

from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet

from ..models import Click
from .common import (
    AffiliatesIndexView,
    codenames,
    index_urlpatterns,
    ip_hash_display,
    time_column,
)


class ClickFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label="Between", widget=DateRangePickerWidget)

    class Meta:
        model = Click
        fields = ["affiliate", "flagged", "created_at"]


class ClickIndexView(AffiliatesIndexView):
    any_permission_required = ["view"]
    default_ordering = "-created_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("affiliate")

    @cached_property
    def columns(self):
        return [
            time_column("created_at", "When"),
            Column("affiliate", label="Affiliate", accessor=lambda c: c.affiliate.code),
            Column(
                "ip_hash",
                label="Visitor (hashed IP)",
                accessor=lambda c: ip_hash_display(c.ip_hash),
            ),
            Column("landing_url", label="Landing page"),
            Column("referrer", label="Came from"),
            Column(
                "flagged",
                label="Flagged",
                accessor=lambda c: f"Flagged: {c.flag_reason}" if c.flagged else "",
                sort_key="flagged",
            ),
        ]


class ClickViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = Click
    name = "affiliate_clicks"
    url_prefix = "affiliates/clicks"
    icon = "link"
    menu_label = "Clicks"
    index_view_class = ClickIndexView
    list_per_page = 100
    filterset_class = ClickFilterSet

    def get_permissions_to_register(self):
        return codenames(self, "view")

    def get_urlpatterns(self):
        return index_urlpatterns(self)
