"""Applications: the affiliates waiting for a decision, the one waiting longest on top.
Deciding happens on the affiliate's page (admin.affiliates)."""

from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column, TitleColumn

from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet

from ..models import Affiliate, AffiliateStatus
from .common import AffiliatesIndexView, index_urlpatterns, time_column, viewset_permissions


class ApplicationIndexView(AffiliatesIndexView):
    """Applications waiting for a decision, oldest first: the one waiting longest on top."""

    any_permission_required = ["view", "change"]
    page_title = "Applications"
    default_ordering = "applied_at"
    affiliate_url_name = "admin_affiliates:inspect"

    def get_base_queryset(self):
        return super().get_base_queryset().filter(status=AffiliateStatus.PENDING)

    def get_affiliate_url(self, instance):
        return reverse(self.affiliate_url_name, args=[instance.pk])

    @cached_property
    def columns(self):
        return [
            TitleColumn("name", label="Name", get_url=self.get_affiliate_url, sort_key="name"),
            Column("email", label="Email"),
            Column("website", label="Where they promote"),
            Column("promotion", label="How", accessor=lambda a: a.promotion[:120]),
            time_column("applied_at", "Applied"),
        ]


class ApplicationViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    """A second list of affiliates, for the pending ones; deciding happens on the affiliate's
    page, so its permissions, URL finder and other views are the Affiliates section's."""

    model = Affiliate
    name = "affiliate_applications"
    url_prefix = "affiliates/applications"
    icon = "user"
    menu_label = "Applications"
    index_view_class = ApplicationIndexView
    search_fields = ["name", "email", "code"]

    def register_admin_url_finder(self):
        pass  # AffiliateViewSet's

    def get_permissions_to_register(self):
        return viewset_permissions(self).none()  # AffiliateViewSet registers them

    def get_urlpatterns(self):
        return index_urlpatterns(self)  # no page of its own: its rows open the affiliate's
