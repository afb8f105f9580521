"""The research library's admin pages beyond Wagtail's generic ones: "Import citations" (upload
reference files, see the summary), and the citation list and edit views with what editors need
to cite a source in a post.

The views stay thin: the form checks the upload, services.citations_import does the work."""

from django import forms
from django.db.models import Count, Prefetch
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.generic import FormView
from taggit.models import Tag
from wagtail.admin.panels import Panel
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

from .formatting import vancouver, vancouver_short
from .importers import ACCEPTED_EXTENSIONS, MAX_FILE_BYTES
from .models import Citation, CitationTopic
from .services import citations_import

MAX_FILES = 20
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # all files of one upload together, read into memory


def cite_marker(citation: Citation) -> str:
    """The inline marker an editor types in a post to cite this source (see references.py)."""
    return f"[cite:{citation.pk}]"


# --- Import --------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]


class CitationImportForm(forms.Form):
    files = MultipleFileField(
        label="Reference files",
        help_text=(
            "RIS (.ris), BibTeX (.bib), PubMed MEDLINE (.nbib, or .txt as PubMed saves it) or "
            f"PubMed XML (.xml); up to {MAX_FILES} files of "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB each."
        ),
    )
    update_existing = forms.BooleanField(
        required=False,
        initial=True,
        label="Update citations already in the library",
        help_text=(
            "A citation with the same DOI or PMID gets the file's bibliographic details; its "
            "summary and topics are kept. Unticked, such records are skipped."
        ),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Up to {MAX_FILES} files at once, please.")
        for upload in files:
            name = upload.name or ""
            if not name.lower().endswith(ACCEPTED_EXTENSIONS):
                raise forms.ValidationError(
                    f"{name}: not a reference file this import reads "
                    f"({', '.join(ACCEPTED_EXTENSIONS)})."
                )
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
                )
        if sum(upload.size for upload in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"Together the files pass {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: "
                "import them in a few goes."
            )
        return files


class CitationImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """GET: the upload form. POST: import, then the summary on the same page, above a fresh
    form (not a redirect: the summary is the result; sending the same files again only
    updates or skips, as matching is by DOI and PMID)."""

    model = Citation
    permission_required = "add"
    template_name = "research/admin/citation_import.html"
    form_class = CitationImportForm
    page_title = "Import citations"
    header_icon = "upload"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Citations"},
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        summary = citations_import(
            files=files, update_existing=form.cleaned_data["update_existing"]
        )
        context = self.get_context_data(form=self.form_class(), summary=summary)
        return self.render_to_response(context)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["index_url"] = reverse(self.index_url_name)
        return context


# --- The list ------------------------------------------------------------------------------------


def topics_display(citation: Citation) -> str:
    return ", ".join(sorted(item.tag.name for item in citation.tagged_topics.all()))


def uses_display(citation: Citation) -> str:
    count = citation.use_count
    return f"{count} page{'s' if count != 1 else ''}" if count else "not cited yet"


def cite_display(citation: Citation) -> str:
    return format_html("<code>{}</code>", cite_marker(citation))


class CitationIndexView(IndexView):
    default_ordering = "-year"

    def get_base_queryset(self):
        # One query for the rows with their use counts, one for all their topics.
        return (
            super()
            .get_base_queryset()
            .annotate(use_count=Count("uses", distinct=True))
            .prefetch_related(
                Prefetch("tagged_topics", queryset=CitationTopic.objects.select_related("tag"))
            )
        )

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet"),
            title_column(
                "title",
                label="Citation",
                accessor=vancouver_short,
                get_url=self.get_edit_url,
                sort_key="title",
            ),
            Column("year", label="Year", sort_key="year"),
            Column("kind", label="Type", accessor="get_kind_display", sort_key="kind"),
            Column("pmid", label="PMID", sort_key="pmid"),
            Column("doi", label="DOI"),
            Column("topics", label="Topics", accessor=topics_display),
            Column("use_count", label="Used on", accessor=uses_display, sort_key="use_count"),
            Column("cite", label="Cite in a post", accessor=cite_display),
        ]

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.user_has_permission("add"):
            buttons.append(
                HeaderButton(
                    "Import citations",
                    url=reverse(self.import_url_name),
                    icon_name="upload",
                )
            )
        return buttons

    import_url_name = None


# --- Create and edit ----------------------------------------------------------------------------


class CiteHintPanel(Panel):
    """On the edit page: the citation as it will read, and the marker to cite it in a post."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "research/admin/cite_hint_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["marker"] = cite_marker(self.instance)
            context["formatted"] = vancouver(self.instance)
            return context


class InvalidFormIs400:
    """A form sent back with errors (a DOI another citation has) answers 400, as everywhere in
    the back office; Wagtail's JSON answers keep their own status."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if response.status_code == 200 and isinstance(response, TemplateResponse):
            response.status_code = 400
        return response


class CitationCreateView(InvalidFormIs400, CreateView):
    pass


class CitationEditView(InvalidFormIs400, EditView):
    pass


def topic_choices(request):
    """Topics used by at least one citation, for the list's filter."""
    return (
        Tag.objects.filter(research_citationtopic_items__isnull=False).distinct().order_by("name")
    )
