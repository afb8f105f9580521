"""Contact: the page with the form, the messages it stores (the inbox) and the settings that
say who gets them, which subjects people choose from and how long messages are kept.

A message changes status only through services.message_update; nothing else assigns
`.status`."""

from django.conf import settings
from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from apothecary.pages.blocks import BodyBlock, image_credits
from apothecary.pages.models import BasePage

# What the form offers when the editor has not listed any subject.
DEFAULT_SUBJECTS = (
    "Order question",
    "Product question",
    "Wholesale",
    "Press",
    "Other",
)


@register_setting(icon="mail")
class ContactSettings(BaseSiteSetting):
    """Who gets the contact form's messages and what people may write about."""

    staff_email = models.EmailField(
        "Staff address",
        blank=True,
        help_text="New messages are sent here. Empty: the brand's contact email.",
    )
    subjects = StreamField(
        [("subject", blocks.CharBlock(max_length=80, label="Subject"))],
        blank=True,
        use_json_field=True,
        help_text="What people can choose from, in this order. Empty: "
        + ", ".join(DEFAULT_SUBJECTS)
        + ".",
    )
    saved_replies = StreamField(
        [
            (
                "reply",
                blocks.StructBlock(
                    [
                        ("title", blocks.CharBlock(max_length=80, label="Title")),
                        ("text", blocks.TextBlock(label="Text")),
                    ],
                    label="Saved reply",
                ),
            )
        ],
        blank=True,
        use_json_field=True,
        help_text="Answers staff can start a reply from in the inbox, in this order.",
    )
    # How long messages are kept is settings.PRIVACY_RETENTION_DAYS["contact_messages"]: one
    # period for every site, the one the privacy policy states.

    panels = [FieldPanel("staff_email"), FieldPanel("subjects"), FieldPanel("saved_replies")]

    class Meta:
        verbose_name = "contact form"

    def subject_labels(self) -> list[str]:
        labels = [str(block.value).strip() for block in self.subjects]
        labels = list(dict.fromkeys(label for label in labels if label))  # no blank, no repeat
        return labels or list(DEFAULT_SUBJECTS)

    def saved_reply_list(self) -> list[tuple[str, str]]:
        """(title, text) of each saved reply that has both, in the editor's order."""
        replies = []
        for block in self.saved_replies:
            title, text = str(block.value["title"]).strip(), str(block.value["text"]).strip()
            if title and text:
                replies.append((title, text))
        return replies


class ContactPage(RoutablePageMixin, BasePage):
    """Contact Us: the editor's copy beside a form that stores a message for the inbox.

    The page depends on the visitor (a CSRF token, what they typed, their thank-you), so it is
    never cached: `serve` sets its own Cache-Control, which the public cache policy respects."""

    intro = models.TextField(blank=True, help_text="A sentence or two shown under the title.")
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)
    form_heading = models.CharField(max_length=120, default="Send us a message")
    thank_you_heading = models.CharField(max_length=120, default="Thank you, we have your message")
    thank_you_text = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text="Shown after a message is sent, above a copy of what the person wrote.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("form_heading"),
        MultiFieldPanel(
            [FieldPanel("thank_you_heading"), FieldPanel("thank_you_text")],
            heading="After sending",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    preview_modes = [("", "Form"), ("thanks", "Thank-you page")]

    class Meta:
        verbose_name = "contact page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["image_credits"] = image_credits(self.body)
        return context

    def serve(self, request, *args, **kwargs):
        from django.utils.cache import add_never_cache_headers

        response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def serve_preview(self, request, mode_name):
        from . import views

        if mode_name == "thanks":
            return views.contact_thanks(request, self, preview=True)
        return views.contact_form(request, self)

    @path("")
    def form_route(self, request):
        from . import views

        return views.contact_form(request, self)

    @path("thanks/", name="thanks")
    def thanks_route(self, request):
        from . import views

        return views.contact_thanks(request, self)

    def thanks_url(self, request) -> str:
        return self.get_url(request) + self.reverse_subpage("thanks")


class MessageStatus(models.TextChoices):
    NEW = "new", "New"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


# The only allowed moves; services.message_update refuses every other.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    MessageStatus.NEW: frozenset({MessageStatus.ANSWERED, MessageStatus.CLOSED}),
    MessageStatus.ANSWERED: frozenset({MessageStatus.CLOSED, MessageStatus.NEW}),
    MessageStatus.CLOSED: frozenset({MessageStatus.NEW}),  # reopen; answer it from there
}


class ContactMessage(models.Model):
    """One message sent through the contact form. It holds personal data: it is deleted when
    older than the site's ContactSettings.retention_days."""

    submission_key = models.UUIDField(
        editable=False, help_text="The form's own key: a re-sent form stores no second message."
    )
    site = models.ForeignKey(
        "wagtailcore.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=80)
    order_number = models.CharField(max_length=12, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_messages",
    )
    text = models.TextField("message")
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.NEW, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_contact_messages",
        verbose_name="assigned to",
    )
    staff_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Threading. `msgid`: ours (given with the first reply) for a message from the form,
    # the sender's own Message-ID for one that came by email; replies point to it.
    msgid = models.CharField(
        "Message-ID", max_length=255, blank=True, db_index=True, editable=False
    )
    conversation = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        editable=False,
        help_text="The first message of the conversation this one answers (by email).",
    )
    received_by_email = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "message"
        verbose_name_plural = "inbox"
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"], name="contact_message_unique_submission_key"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MessageStatus.values),
                name="contact_message_status_valid",
            ),
        ]

    def __str__(self) -> str:
        # No name or address here: admin logs keep this label after the message is deleted.
        return f"Message {self.pk} ({self.subject})"


class ContactReply(models.Model):
    """One answer a staff member sent from the inbox to the message's sender, by email."""

    message = models.ForeignKey(ContactMessage, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_replies",
    )
    text = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    msgid = models.CharField("Message-ID", max_length=255, db_index=True)
    email = models.ForeignKey(
        "core.OutgoingEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = "reply"

    def __str__(self) -> str:
        return f"Reply {self.pk} to message {self.message_id}"  # message_id: the FK's pk


def statuses_from(status: str) -> list[str]:
    """`status` and those it may move to, in the order of the choices."""
    return [s for s in MessageStatus.values if s == status or s in STATUS_TRANSITIONS[status]]
