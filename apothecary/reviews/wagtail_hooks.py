"""Reviews in the Wagtail admin ("Store" menu): a list filtered by status, rating and verified,
with checkboxes to approve or reject many at once, and the detail page of a review where staff
write the brand's reply and approve or reject it (admin_views).

Reviews are never added or edited through a model form: what the writer wrote stays theirs."""

import django_filters
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, BooleanColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView

from apothecary.catalog.selectors import PRODUCT_JSON_LD_HOOK
from apothecary.catalog.wagtail_hooks import STORE_MENU_HOOK
from apothecary.core.admin.exports import SafeSpreadsheetExportMixin
from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet

from .admin_views import ReviewActionView, ReviewBulkView, ReviewDetailView
from .models import Review, ReviewStatus
from .selectors import product_review_json_ld

BULK_FORM_ID = "review-bulk-form"


class ReviewFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=ReviewStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    rating = django_filters.MultipleChoiceFilter(
        label="Stars",
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in (5, 4, 3, 2, 1)],
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    verified = django_filters.ChoiceFilter(
        label="Verified buyer",
        choices=[("yes", "Verified buyers"), ("no", "Not verified")],
        method="filter_verified",
        empty_label="All",
    )

    class Meta:
        model = Review
        fields = ["status", "rating", "verified", "product"]

    def filter_verified(self, queryset, name, value):
        if value == "yes":
            return queryset.verified()
        if value == "no":
            return queryset.exclude(pk__in=Review.objects.verified().values("pk"))
        return queryset


class SelectColumn(BaseColumn):
    """A checkbox per row, tied to the bulk form below the list by its `form` attribute (so
    the list can be refreshed by the filters without losing the form)."""

    cell_template_name = "reviews/admin/select_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        return {**super().get_cell_context_data(instance, parent_context), "form_id": BULK_FORM_ID}


def written_display(review: Review) -> str:
    return timezone.localtime(review.created_at).strftime("%Y-%m-%d %H:%M")


class ReviewIndexView(SafeSpreadsheetExportMixin, IndexView):
    template_name = "reviews/admin/index.html"
    any_permission_required = ["change"]
    default_ordering = "-created_at"
    bulk_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("product")

    def get_inspect_url(self, instance):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        return [
            SelectColumn("select", label="Select"),
            TitleColumn("title", label="Title", get_url=self.get_inspect_url, sort_key="title"),
            Column("product", label="Product", accessor="product.title"),
            Column("rating", label="Stars", accessor=lambda r: f"{r.rating}/5", sort_key="rating"),
            Column("display_name", label="Name"),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda r: r.status == ReviewStatus.PENDING,  # waiting for a moderator
            ),
            BooleanColumn("verified", label="Verified buyer", accessor="verified"),
            Column("created_at", label="Written", accessor=written_display, sort_key="created_at"),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk_url"] = reverse(self.bulk_url_name)
        context["bulk_form_id"] = BULK_FORM_ID
        return context


class ReviewViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = Review
    name = "store_reviews"
    url_prefix = "reviews"
    icon = "pick"
    menu_label = "Reviews"
    menu_order = 130  # after Orders, Returns and the Inbox
    menu_hook = STORE_MENU_HOOK
    index_view_class = ReviewIndexView
    inspect_view_enabled = True
    inspect_view_class = ReviewDetailView
    filterset_class = ReviewFilterSet
    search_fields = ["title", "text", "display_name", "email"]
    # The listed reviews (filtered and searched), with their text; not the writer's email.
    list_export = [
        "created_at",
        "product.title",
        "rating",
        "title",
        "text",
        "display_name",
        "country",
        "get_status_display",
        "verified",
    ]
    export_headings = {
        "created_at": "Written",
        "product.title": "Product",
        "rating": "Stars",
        "display_name": "Name",
        "get_status_display": "Status",
        "verified": "Verified buyer",
    }
    export_filename = "reviews"

    # Reviews change only by actions: no generic add/edit/delete/history/usage views.
    extra_views = ("action", "bulk")
    action_view_class = ReviewActionView
    bulk_view_class = ReviewBulkView

    def get_permissions_to_register(self):
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=["change_review", "view_review"])
        )


@hooks.register("register_admin_viewset")
def register_review_viewset():
    return ReviewViewSet()


# The product's ratings in its JSON-LD (catalog.selectors.product_json_ld asks its hook).
hooks.register(PRODUCT_JSON_LD_HOOK, product_review_json_ld)
