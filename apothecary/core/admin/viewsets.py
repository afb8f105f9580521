"""The project's base viewsets.

`BaseModelViewSet` holds the defaults every back-office list shares: no copy view, not in
the reference index, searched in the database, 50 rows a page (`BaseSnippetViewSet` the same
for snippets, which stay in the reference index); a list without export columns answers its
`?export=` address with 404 (`ExportGuardMixin`). `ActionOnlyViewSetMixin` is for models
changed only by the action framework (core.admin.actions)."""

from django.urls import path, re_path, reverse
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .exports import no_export_without_columns


class ExportGuardMixin:
    """A list whose viewset or view gives no `list_export` has no export address (404)."""

    @property
    def index_view(self):
        return no_export_without_columns(super().index_view)

    @property
    def index_results_view(self):
        return no_export_without_columns(super().index_results_view)


class BaseModelViewSet(ExportGuardMixin, ModelViewSet):
    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None  # the database: these lists are not in the search index
    list_per_page = 50


class BaseSnippetViewSet(ExportGuardMixin, SnippetViewSet):
    """The same defaults for snippets, which stay in the reference index: pages choose them,
    and their usage view lists those pages."""

    copy_view_enabled = False
    search_backend_name = None
    list_per_page = 50


class ActionOnlyViewSetMixin:
    """For a ModelViewSet whose objects change only through actions: the generic views named
    in `without_views` are not offered (their URL names are None for every view), each name
    in `extra_views` is passed to every view as `<name>_url_name`, and the admin URL of an
    object (e.g. in search results or logs) is its detail page. With `action_view_class` (and
    `bulk_view_class`) the routes are the list, the detail page and the actions (and bulk/).
    Used by returns, reviews, affiliates and commissions."""

    without_views = ("add", "edit", "delete", "history", "usage")
    extra_views: tuple[str, ...] = ()
    action_view_class = None  # <pk>/<action>/: an ActionPostMixin view
    # How an object appears in its URLs: the regex of the detail view's `lookup_field`.
    item_regex = r"(?P<pk>[0-9]+)"
    lookup_field = "pk"
    bulk_view_class = None  # bulk/: the list's checkbox actions

    @property
    def action_view(self):
        return self.construct_view(self.action_view_class, **self.get_inspect_view_kwargs())

    @property
    def bulk_view(self):
        return self.construct_view(self.bulk_view_class, index_url_name=self.get_url_name("index"))

    def item_path(self, suffix: str, view, name: str):
        """A route under the object's address, e.g. item_path("packing-slip/", view, name)."""
        return re_path(rf"^{self.item_regex}/{suffix}$", view, name=name)

    def get_item_urlpatterns(self) -> list:
        """Routes under <pk>/ besides the detail page and the actions (e.g. edit/); they come
        before the catch-all action route."""
        return []

    def get_urlpatterns(self):
        """The list, the detail page and the actions: a list of such pages needs no more."""
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            *([path("bulk/", self.bulk_view, name="bulk")] if self.bulk_view_class else []),
            self.item_path("", self.inspect_view, "inspect"),
            *self.get_item_urlpatterns(),
            *(
                [self.item_path(r"(?P<action>[-a-z0-9_]+)/", self.action_view, "action")]
                if self.action_view_class
                else []
            ),
        ]

    def get_common_view_kwargs(self, **kwargs):
        names = {f"{name}_url_name": None for name in self.without_views}
        names.update({f"{name}_url_name": self.get_url_name(name) for name in self.extra_views})
        return super().get_common_view_kwargs(**{**names, **kwargs})

    @property
    def url_finder_class(self):
        inspect_url_name = self.get_url_name("inspect")
        lookup_field = self.lookup_field

        class InspectURLFinder(ModelAdminURLFinder):
            def construct_edit_url(self, instance):
                return reverse(inspect_url_name, args=[getattr(instance, lookup_field)])

        return InspectURLFinder
