"""The contact inbox in the Wagtail admin ("Store" menu, "Inbox"): a filtered, searchable list
with a CSV export, and a page per message to read it and change its status or assignee.

Messages come only from the contact form and by email: there is no add or copy view. The edit
view saves through services.message_update, which checks the status transitions and logs each
change; its second form answers the sender by email (services.reply_send), starting from a
saved reply (Settings > Contact form) if wanted, and the page shows the conversation."""

import django_filters
from django import forms
from django.contrib import messages as flash
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django_filters.fields import ModelChoiceField as FilterModelChoiceField
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.log_actions import LogFormatter
from wagtail.models import Site

from apothecary.catalog.wagtail_hooks import STORE_MENU_HOOK
from apothecary.core.admin.exports import SafeSpreadsheetExportMixin
from apothecary.core.admin.viewsets import BaseModelViewSet
from apothecary.core.machines import InvalidTransition

from .models import ContactMessage, ContactSettings, MessageStatus, statuses_from
from .selectors import conversation_history, orders_of, staff_label, staff_users
from .services import ContactRefused, message_update, reply_send, staff_name


def received_display(message: ContactMessage) -> str:
    return timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")


def excerpt_display(message: ContactMessage) -> str:
    return Truncator(" ".join(message.text.split())).chars(90)


# The list.


class StaffChoiceField(FilterModelChoiceField):
    def label_from_instance(self, obj):
        if isinstance(obj, str):  # the "null" choice, named in the list's active filters
            return self.null_label or obj
        return staff_label(obj)


class StaffFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class MessageFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=MessageStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    subject = django_filters.ChoiceFilter(choices=[], empty_label="All")
    assigned_to = StaffFilter(
        label="Assigned to",
        queryset=lambda request: staff_users(),
        null_label="Nobody",
        empty_label="Anyone",
    )

    class Meta:
        model = ContactMessage
        fields = ["status", "subject", "assigned_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        subjects = ContactMessage.objects.order_by("subject").values_list("subject", flat=True)
        self.filters["subject"].extra["choices"] = [(s, s) for s in subjects.distinct()]


class MessageIndexView(SafeSpreadsheetExportMixin, IndexView):
    default_ordering = "-created_at"  # newest first

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("assigned_to")

    @cached_property
    def columns(self):
        return [
            TitleColumn("name", label="From", get_url=self.get_edit_url, sort_key="name"),
            Column("email", label="Email", sort_key="email"),
            Column("subject", label="Subject", sort_key="subject"),
            Column("text", label="Message", accessor=excerpt_display),
            Column("order_number", label="Order", sort_key="order_number"),
            Column(
                "created_at", label="Received", accessor=received_display, sort_key="created_at"
            ),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda message: message.status == MessageStatus.NEW,
            ),
            Column(
                "assigned_to",
                label="Assigned to",
                accessor=lambda message: staff_name(message.assigned_to) or "Nobody",
            ),
        ]

    def preprocess_field_value(self, field, value, export_format):
        if field == "assigned_to":
            return staff_name(value)
        return super().preprocess_field_value(field, value, export_format)


# The message page.


class MessageAdminForm(WagtailAdminModelForm):
    """Only the statuses the message may move to, and only people who use the admin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            allowed = statuses_from(self.instance.status)
            self.fields["status"].choices = [
                (value, label) for value, label in MessageStatus.choices if value in allowed
            ]
        if "assigned_to" in self.fields:
            self.fields["assigned_to"].queryset = staff_users()
            self.fields["assigned_to"].empty_label = "Nobody"
            self.fields["assigned_to"].label_from_instance = staff_label


class ReplyForm(forms.Form):
    """The answer to the sender, plain text; a saved reply can fill it in (no JavaScript: the
    "Use this saved reply" button sends the form back with the text filled in)."""

    saved_reply = forms.TypedChoiceField(
        label="Saved reply", required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(
        label="Your reply",
        required=False,  # refused by services.reply_send when empty, with its own words
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
    )

    def __init__(self, *args, saved: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.saved = saved
        self.fields["saved_reply"].choices = [("", "Choose a saved reply")] + [
            (index, title) for index, (title, _) in enumerate(saved)
        ]


class MessageEditView(EditView):
    template_name = "contact/admin/message_edit.html"
    success_message = "%(object)s saved."
    reply_action = None  # "send" or "use_saved" when the reply form was posted

    def saved_replies(self) -> list[tuple[str, str]]:
        site = self.object.site or Site.objects.filter(is_default_site=True).first()
        return ContactSettings.for_site(site).saved_reply_list() if site else []

    def post(self, request, *args, **kwargs):
        self.reply_action = request.POST.get("reply_action")
        if self.reply_action not in {"send", "use_saved"}:
            self.reply_action = None
            return super().post(request, *args, **kwargs)
        if not hasattr(self, "object"):
            self.object = self.get_object()
        saved = self.saved_replies()
        reply_form = ReplyForm(request.POST, saved=saved)
        if not reply_form.is_valid():
            return self.render_reply_form(reply_form, status=400)
        if self.reply_action == "use_saved":
            chosen = reply_form.cleaned_data["saved_reply"]
            if chosen is None:
                reply_form.add_error("saved_reply", "Choose a saved reply first.")
                return self.render_reply_form(reply_form, status=400)
            data = request.POST.copy()
            data["text"] = saved[chosen][1]
            return self.render_reply_form(ReplyForm(data, saved=saved), status=200)
        try:
            reply_send(
                message_id=self.object.pk,
                text=reply_form.cleaned_data["text"],
                author=request.user,
            )
        except ContactRefused as refusal:
            reply_form.add_error(refusal.field or None, refusal.message)
            return self.render_reply_form(reply_form, status=refusal.status)
        flash.success(request, f"Your reply to {self.object.email} is on its way.")
        return redirect(self.get_edit_url())

    def render_reply_form(self, reply_form, *, status: int):
        self.reply_form = reply_form
        self.form = self.get_form()  # the status form, unbound: it was not what was sent
        response = self.render_to_response(self.get_context_data(form=self.form))
        response.status_code = status
        return response

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.reply_action:
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        return kwargs

    def save_instance(self):
        return message_update(
            message_id=self.object.pk,
            status=self.form.cleaned_data["status"],
            assigned_to=self.form.cleaned_data["assigned_to"],
            actor=self.request.user,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except InvalidTransition as error:
            form.add_error("status", str(error))
            self.produced_error_message = self.get_error_message()
            response = self.form_invalid(form)
            response.status_code = 409
            return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if response.status_code == 200:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message = ContactMessage.objects.select_related("order", "assigned_to", "conversation").get(
            pk=self.object.pk
        )
        context["contact_message"] = message
        context["reply_form"] = getattr(self, "reply_form", None) or ReplyForm(
            saved=self.saved_replies()
        )
        context["history"] = conversation_history(message)
        context["orders"] = orders_of(message)
        return context


class InboxViewSet(BaseModelViewSet):
    model = ContactMessage
    name = "contact_inbox"
    url_prefix = "inbox"
    icon = "mail"
    menu_label = "Inbox"
    menu_order = 120  # after Orders and Returns
    menu_hook = STORE_MENU_HOOK
    index_view_class = MessageIndexView
    edit_view_class = MessageEditView
    filterset_class = MessageFilterSet
    search_fields = ["name", "email", "order_number", "text"]
    edit_handler = ObjectList(
        [FieldPanel("status"), FieldPanel("assigned_to")], base_form_class=MessageAdminForm
    )
    list_export = [
        "created_at",
        "get_status_display",
        "subject",
        "name",
        "email",
        "order_number",
        "assigned_to",
        "text",
    ]
    export_headings = {
        "created_at": "Received",
        "get_status_display": "Status",
        "order_number": "Order",
        "assigned_to": "Assigned to",
        "text": "Message",
    }
    export_filename = "contact-messages"

    def get_common_view_kwargs(self, **kwargs):
        # Messages come only from the contact form: no add or usage view.
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "usage_url_name": None, **kwargs}
        )

    def get_permissions_to_register(self):
        return (
            super()
            .get_permissions_to_register()
            .exclude(codename=f"add_{self.model._meta.model_name}")
        )

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", None) not in {"add", "usage"}
        ]


@hooks.register("register_admin_viewset")
def register_inbox_viewset():
    return InboxViewSet()


@hooks.register("register_log_actions")
def register_contact_log_actions(actions):
    @actions.register_action("contact.message.reply")
    class MessageReplyFormatter(LogFormatter):
        label = "Reply by email"

        def format_message(self, log_entry):
            return "Replied to the sender by email"

    @actions.register_action("contact.message.update")
    class MessageUpdateFormatter(LogFormatter):
        label = "Change status or assignee"

        def format_message(self, log_entry):
            parts = []
            status = log_entry.data.get("status")
            if status:
                labels = dict(MessageStatus.choices)
                parts.append(
                    f"Status changed from {labels.get(status['from'], status['from'])} "
                    f"to {labels.get(status['to'], status['to'])}"
                )
            assigned = log_entry.data.get("assigned_to")
            if assigned:
                parts.append(f"Assigned to {assigned['to'] or 'nobody'}")
            return "; ".join(parts) or "Saved"
