"""The consent records in the Wagtail admin ("Compliance" menu, "Consent records"): a
read-only list, filterable by policy version, source and GPC, with how many choices of each
kind were made for the current policy version, and a page per record. Records come only from
visitors' choices: no add, edit or delete view."""

import django_filters
from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views.generic import IndexView

from apothecary.compliance.admin_base import COMPLIANCE_MENU_HOOK
from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet

from .models import ConsentRecord, ConsentSource


def created_display(record: ConsentRecord) -> str:
    return timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M")


def user_display(record: ConsentRecord) -> str:
    return "Signed-in customer" if record.user_id else "Visitor"


def choice_counts(version: str) -> list[dict]:
    """[{"categories": "necessary, marketing", "count": 3}, …] for one policy version, the
    most frequent first."""
    rows = (
        ConsentRecord.objects.filter(policy_version=version)
        .values("categories")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    return [
        {"categories": ", ".join(row["categories"]) or "necessary", "count": row["count"]}
        for row in rows
    ]


class ConsentFilterSet(WagtailFilterSet):
    policy_version = django_filters.ChoiceFilter(choices=[], empty_label="All")
    source = django_filters.ChoiceFilter(choices=ConsentSource.choices, empty_label="All")
    gpc = django_filters.BooleanFilter(label="Global Privacy Control")

    class Meta:
        model = ConsentRecord
        fields = ["policy_version", "source", "gpc"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = ConsentRecord.objects.order_by("policy_version").values_list(
            "policy_version", flat=True
        )
        self.filters["policy_version"].extra["choices"] = [(v, v) for v in versions.distinct()]


class ConsentIndexView(IndexView):
    any_permission_required = ["view"]
    default_ordering = "-created_at"
    template_name = "consent/admin/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policy_version"] = settings.CONSENT_POLICY_VERSION
        context["choice_counts"] = choice_counts(settings.CONSENT_POLICY_VERSION)
        return context

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "created_at",
                label="Given",
                accessor=created_display,
                get_url=self.get_inspect_url,
                sort_key="created_at",
            ),
            Column("policy_version", label="Policy", sort_key="policy_version"),
            Column("categories", label="Accepted", accessor="categories_display"),
            BooleanColumn("gpc", label="GPC"),
            Column("source", label="How", accessor="get_source_display", sort_key="source"),
            Column("user", label="Who", accessor=user_display),
        ]


class ConsentRecordViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = ConsentRecord
    name = "consent_records"
    url_prefix = "consent-records"
    icon = "tick-inverse"
    menu_label = "Consent records"
    menu_order = 300
    menu_hook = COMPLIANCE_MENU_HOOK
    index_view_class = ConsentIndexView
    inspect_view_enabled = True
    inspect_view_fields = ["id", "created_at", "policy_version", "categories", "gpc", "source"]
    filterset_class = ConsentFilterSet
    item_regex = r"(?P<pk>[0-9a-fA-F-]{32,36})"
    list_per_page = 50


@hooks.register("register_admin_viewset")
def register_consent_records():
    return ConsentRecordViewSet()
