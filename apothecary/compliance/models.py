"""Medical review and health-claim compliance.

A `MedicalReviewer` is named on pages they reviewed (BasePage.medical_reviewer and
last_reviewed). The claims checker's rules are data: `ClaimPhraseList` rows of phrases by kind,
edited in the admin, so compliance staff change what is flagged without a deploy. Publishing a
page despite findings needs a permission and leaves a `PublishOverride` with the reason."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class MedicalReviewer(index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    credentials = models.CharField(
        max_length=120, help_text="Degrees and licences as they should be shown, e.g. MD, RD."
    )
    bio = models.TextField(max_length=1500, blank=True)
    photo = models.ForeignKey(
        "core.CreditedImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    profile_url = models.URLField(blank=True, help_text="A page about them, e.g. their practice.")

    panels = [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("profile_url"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class PhraseKind(models.TextChoices):
    CLAIM_VERB = "claim_verb", "Disease-claim verbs (cure, treat, prevent …)"
    DISEASE = "disease", "Diseases and conditions"
    PRODUCT = "product", "Names of the product"
    ABSOLUTE = "absolute", "Unsupported absolute claims (guaranteed, 100% effective …)"
    STRUCTURE_FUNCTION = "structure_function", "Structure/function claims (supports energy …)"


class ClaimPhraseList(models.Model):
    """One list of phrases the checker looks for, one phrase per line; matching ignores case,
    and a trailing * matches any ending (e.g. "cur*" finds cure, cures, cured)."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=PhraseKind.choices)
    phrases = models.TextField(help_text="One phrase per line. A trailing * matches any ending.")
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("phrases"), FieldPanel("active")]

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.phrases.splitlines() if line.strip()]


class PublishOverride(models.Model):
    """A page published although the checker found claims in it: who, why, and what was found."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    findings = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("publish_despite_findings", "Can publish pages the claims checker flags"),
        ]

    def __str__(self):
        return f"Override on page {self.page_id} by {self.user_id}"
