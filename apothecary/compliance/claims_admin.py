"""The claims checker in the admin: its phrase lists, the hold on publishing, the "publish with
a reason" override, and the "Claims findings" report (claims_report.py).

Publishing: Wagtail's edit and create views save the new revision, then run the
`before_publish_page` hook before they publish it. Our hook checks the page as the editor left
it; with findings it returns a redirect back to the editor, so the revision stays as a draft
(nothing typed is lost) and an error message lists each phrase and where it is. An editor who
also holds `compliance.publish_despite_findings` gets a button to the override view, which asks
for a reason, records a `PublishOverride` and publishes that draft. Bulk publish is held by
`before_bulk_action` (nothing is published if any chosen page has findings). Workflow
approval and the scheduled go-live of a revision checked earlier do not pass through either
hook; the report lists what they let through.

compliance/wagtail_hooks.py calls `register_claims_admin()`; importing this module registers
nothing."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView
from wagtail import hooks
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.admin import messages as admin_messages
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page

from apothecary.core.admin.viewsets import BaseModelViewSet

from .admin_base import COMPLIANCE_MENU_HOOK
from .checker import Finding, check_page
from .claims_report import ClaimsReportViewSet
from .models import ClaimPhraseList, PublishOverride

OVERRIDE_PERMISSION = "compliance.publish_despite_findings"
MESSAGE_FINDINGS_SHOWN = 15  # a longer list is cut, with "and N more", to fit a message


# --- Phrase lists ----------------------------------------------------------------------------


def phrase_count(phrase_list: ClaimPhraseList) -> int:
    return len(phrase_list.phrase_list())


class ClaimPhraseListViewSet(BaseModelViewSet):
    model = ClaimPhraseList
    icon = "list-ul"
    menu_label = "Claim phrase lists"
    menu_name = "claim-phrase-lists"
    menu_order = 300
    menu_hook = COMPLIANCE_MENU_HOOK
    name = "claim_phrase_lists"
    url_prefix = "compliance/claim-phrases"
    list_display = [
        "name",
        Column("kind", label="Kind", accessor="get_kind_display", sort_key="kind"),
        Column("phrases", label="Phrases", accessor=phrase_count),
        BooleanColumn("active", label="Active", sort_key="active"),
        DateColumn("updated_at", label="Updated", sort_key="updated_at"),
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name", "phrases"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel(
            "phrases",
            help_text=(
                "One phrase per line; case does not matter. A * at the end of a word matches "
                "any ending: 'treat*' finds treats, treated and treatment."
            ),
        ),
        FieldPanel("active"),
    ]


# --- The hold on publishing ------------------------------------------------------------------


def override_url(page) -> str:
    return reverse("claims_override", args=[page.pk])


def findings_html(findings: list[Finding]) -> str:
    return render_to_string(
        "compliance/admin/_findings_list.html",
        {
            "findings": findings[:MESSAGE_FINDINGS_SHOWN],
            "more": max(0, len(findings) - MESSAGE_FINDINGS_SHOWN),
        },
    )


def _is_being_created(request, page) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        match is not None
        and match.view_name == "wagtailadmin_pages:add"
        and page.live_revision_id is None
    )


def hold_back_page_with_claims(request, page):
    """before_publish_page: with findings, keep the saved revision as a draft and go back to the
    editor with the list of findings; without, let Wagtail publish."""
    findings = check_page(page)
    if not findings:
        return None
    if _is_being_created(request, page):
        # The create view adds the page as live before it publishes it: make it a draft.
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
    count = len(findings)
    message = format_html(
        "Not published: the claims checker found {} phrase{} a supplement may not use. "
        "Your changes are saved as a draft. {}",
        count,
        "" if count == 1 else "s",
        "Change the text, or publish anyway with a reason."
        if request.user.has_perm(OVERRIDE_PERMISSION)
        else "Change the text, or ask a compliance editor to publish it with a reason.",
    )
    buttons = []
    if request.user.has_perm(OVERRIDE_PERMISSION):
        buttons.append(admin_messages.button(override_url(page), "Publish anyway, with a reason"))
    messages.error(request, admin_messages.render(message, buttons, detail=findings_html(findings)))
    return redirect("wagtailadmin_pages:edit", page.pk)


class OverrideForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=(
            "Why this page may be published as it is, e.g. 'Quotes the FDA's own wording'. "
            "Kept with the page's history."
        ),
    )
    revision_id = forms.IntegerField(widget=forms.HiddenInput)


class PublishOverrideView(WagtailAdminTemplateMixin, FormView):
    """Publishes a page's latest draft despite its findings, with a reason. Anyone who may edit
    the page sees the findings; only a user who may publish it and holds
    `compliance.publish_despite_findings` may submit."""

    form_class = OverrideForm
    template_name = "compliance/admin/publish_override.html"
    header_icon = "warning"
    page_title = "Publish with a reason"

    def dispatch(self, request, page_id):
        self.page = get_object_or_404(Page, pk=page_id).specific
        self.permissions = self.page.permissions_for_user(request.user)
        if not self.permissions.can_edit():
            raise PermissionDenied
        self.revision = self.page.latest_revision
        self.draft = self.revision.as_object() if self.revision else self.page
        self.findings = check_page(self.draft)
        return super().dispatch(request, page_id)

    @property
    def may_override(self) -> bool:
        return self.permissions.can_publish() and self.request.user.has_perm(OVERRIDE_PERMISSION)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_initial(self):
        return {"revision_id": self.revision.pk if self.revision else None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=self.page,
            findings=self.findings,
            may_override=self.may_override,
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.may_override:
            # The same page, without the form, and a 403: nothing is published.
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if self.revision is None or form.cleaned_data["revision_id"] != self.revision.pk:
            # Someone saved the page since the form was opened: show the new findings first.
            messages.warning(
                self.request,
                "The page was saved again since you opened this form. Check the findings of "
                "the latest draft, then submit again.",
            )
            return redirect(override_url(self.page))
        if not self.findings:
            messages.info(self.request, "The latest draft has no findings: publish it as usual.")
            return redirect("wagtailadmin_pages:edit", self.page.pk)
        with transaction.atomic():
            PublishOverride.objects.create(
                page=self.page,
                revision=self.revision,
                user=self.request.user,
                reason=form.cleaned_data["reason"],
                findings=[finding.as_dict() for finding in self.findings],
            )
            PublishPageRevisionAction(self.revision, user=self.request.user).execute(
                skip_permission_checks=True
            )
        admin_messages.success(
            self.request,
            format_html(
                "Page '{}' has been published despite {} finding{}; your reason is recorded.",
                self.page.get_admin_display_title(),
                len(self.findings),
                "" if len(self.findings) == 1 else "s",
            ),
            buttons=[
                admin_messages.button(
                    reverse("wagtailadmin_pages:edit", args=[self.page.pk]), "Edit"
                )
            ],
        )
        return redirect("wagtailadmin_explore", self.page.get_parent().pk)


def register_override_url():
    return [
        path(
            "compliance/publish/<int:page_id>/",
            PublishOverrideView.as_view(),
            name="claims_override",
        )
    ]


def hold_back_bulk_publish_with_claims(request, action_type, objects, action):
    """before_bulk_action: bulk publish skips before_publish_page, so check here what each page
    would publish (its latest revision); with any finding nothing is published and the editor
    is told which pages to open (each then goes through the hold, or the override)."""
    if action_type != "publish":
        return None
    flagged = []
    for page in objects:
        draft = page.specific.get_latest_revision_as_object()
        if findings := check_page(draft):
            flagged.append((page, len(findings)))
    if not flagged:
        return None
    messages.error(
        request,
        format_html(
            "Nothing was published: the claims checker found phrases a supplement may not use "
            "in {}. Open each page to see them, then change the text or publish it with a "
            "reason.",
            format_html_join(
                ", ", "“{}” ({} finding(s))", ((p.get_admin_display_title(), n) for p, n in flagged)
            ),
        ),
    )
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("wagtailadmin_explore_root")
    return redirect(next_url)


def register_claims_admin():
    """Registers the phrase lists, the report, the override view and the publish hook; called
    once, from wagtail_hooks."""
    hooks.register("register_admin_viewset", ClaimPhraseListViewSet)
    hooks.register("register_admin_viewset", ClaimsReportViewSet)
    hooks.register("register_admin_urls", register_override_url)
    hooks.register("before_publish_page", hold_back_page_with_claims)
    hooks.register("before_bulk_action", hold_back_bulk_publish_with_claims)
