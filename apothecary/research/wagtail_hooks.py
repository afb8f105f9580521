"""The admin's "Research" menu: the citation library as a Wagtail snippet, so posts can pick a
source with SnippetChooserBlock("research.Citation"), and "Import citations" for reference files.

The list shows each citation in short form with its year, type, PMID, DOI, topics, how many live
pages cite it (CitationUse, counted in the list's query) and the marker to cite it in a post;
it filters by type, topic and year and searches titles, authors, journals and identifiers.
Access follows the model permissions: "add" may import."""

import django_filters
from django.db.models import Count
from django.urls import path
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from apothecary.core.admin.viewsets import BaseSnippetViewSet

from .admin_views import (
    CitationCreateView,
    CitationEditView,
    CitationImportView,
    CitationIndexView,
    CiteHintPanel,
    topic_choices,
)
from .models import Citation, CitationKind


class CitationFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label="Type", choices=CitationKind.choices, empty_label="All"
    )
    topic = django_filters.ModelChoiceFilter(
        label="Topic",
        field_name="tagged_topics__tag",
        queryset=topic_choices,
        empty_label="Any",
        distinct=True,
    )
    year = django_filters.ChoiceFilter(label="Year", choices=[], empty_label="Any")

    class Meta:
        model = Citation
        fields = ["kind", "topic", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = (
            Citation.objects.exclude(year=None)
            .values("year")
            .annotate(n=Count("pk"))
            .order_by("-year")
            .values_list("year", flat=True)
        )
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]


class CitationViewSet(BaseSnippetViewSet):
    model = Citation
    icon = "doc-full"
    menu_label = "Citations"
    menu_order = 10
    index_view_class = CitationIndexView
    add_view_class = CitationCreateView
    edit_view_class = CitationEditView
    filterset_class = CitationFilterSet
    # Plain database search over these fields; the chooser modal uses the model's own index.
    search_fields = ["title", "authors", "journal", "doi", "pmid"]
    edit_handler = ObjectList([CiteHintPanel(heading="Cite it"), *Citation.panels])

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(import_url_name=self.get_url_name("import"), **kwargs)

    @property
    def import_view(self):
        return self.construct_view(CitationImportView, index_url_name=self.get_url_name("list"))

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("import/", self.import_view, name="import")]


class ResearchMenu(SnippetViewSetGroup):
    menu_label = "Research"
    menu_icon = "doc-full"
    menu_order = 155  # after Pages and the catalog, before Affiliates
    items = (CitationViewSet,)


register_snippet(ResearchMenu)
