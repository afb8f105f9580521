"""The research library: the studies, reviews and guidelines the site cites, and the Research
page that lists them.

A citation is unique by DOI and by PMID (each when present); DOIs are stored lower case
without a resolver prefix, so "https://doi.org/10.1359/JBMR.041018" and "10.1359/jbmr.041018"
are one."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
PMID_RE = re.compile(r"^\d{1,9}$")


def normalise_doi(doi: str) -> str:
    return DOI_PREFIX.sub("", (doi or "").strip()).strip().lower()


def normalise_pmid(pmid: str) -> str:
    return re.sub(r"^(?:pmid:?\s*)", "", (pmid or "").strip(), flags=re.IGNORECASE)


class CitationKind(models.TextChoices):
    STUDY = "study", "Study"
    REVIEW = "review", "Review"
    CASE_REPORT = "case_report", "Case report"
    GUIDELINE = "guideline", "Guideline"
    WEB_PAGE = "web_page", "Web page"


class CitationTopic(TaggedItemBase):
    content_object = ParentalKey(
        "research.Citation", related_name="tagged_topics", on_delete=models.CASCADE
    )


class Citation(index.Indexed, ClusterableModel):
    """One published source. `authors` holds one author per line, as "Surname Initials"
    (Vancouver style), e.g. "Tucker KL"."""

    authors = models.TextField(
        blank=True, help_text="One author per line, surname then initials, e.g. Tucker KL."
    )
    title = models.CharField(max_length=500)
    journal = models.CharField(
        max_length=300, blank=True, help_text="Journal, or the publisher of a book or web page."
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=40, blank=True)
    issue = models.CharField(max_length=40, blank=True)
    pages = models.CharField(max_length=40, blank=True, help_text="e.g. 152-8")
    pmid = models.CharField("PMID", max_length=12, blank=True, db_index=True)
    doi = models.CharField("DOI", max_length=200, blank=True, db_index=True)
    url = models.URLField("URL", max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=CitationKind.choices, default=CitationKind.STUDY)
    summary = models.TextField(
        blank=True,
        help_text="What it found, in plain words, written by our editors (no product claims).",
    )
    topics = TaggableManager(through=CitationTopic, blank=True, verbose_name="topics")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("authors"),
        MultiFieldPanel(
            [
                FieldPanel("journal"),
                FieldRowPanel(
                    [
                        FieldPanel("year"),
                        FieldPanel("volume"),
                        FieldPanel("issue"),
                        FieldPanel("pages"),
                    ]
                ),
            ],
            heading="Where it was published",
        ),
        FieldRowPanel([FieldPanel("pmid"), FieldPanel("doi")]),
        FieldPanel("url"),
        FieldPanel("kind"),
        FieldPanel("topics"),
        FieldPanel("summary"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("authors"),
        index.SearchField("journal"),
        index.SearchField("summary"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
        index.FilterField("year"),
    ]

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="citation_doi"),
            models.UniqueConstraint(fields=["pmid"], condition=~Q(pmid=""), name="citation_pmid"),
        ]

    def __str__(self):
        first = self.author_list()[:1]
        who = f"{first[0]}{' et al.' if len(self.author_list()) > 1 else ''}, " if first else ""
        return f"{who}{self.title}{f' ({self.year})' if self.year else ''}"

    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    def clean(self):
        self.doi = normalise_doi(self.doi)
        self.pmid = normalise_pmid(self.pmid)
        if self.pmid and not PMID_RE.match(self.pmid):
            raise ValidationError({"pmid": "A PMID is a number, e.g. 15616293."})
        errors = {}
        others = Citation.objects.exclude(pk=self.pk)
        if self.doi and others.filter(doi=self.doi).exists():
            errors["doi"] = "Another citation has this DOI."
        if self.pmid and others.filter(pmid=self.pmid).exists():
            errors["pmid"] = "Another citation has this PMID."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.doi = normalise_doi(self.doi)
        self.pmid = normalise_pmid(self.pmid)
        super().save(*args, **kwargs)

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


class CitationUse(models.Model):
    """A live page that cites a citation; rebuilt for a page each time it is published, so the
    Research page can list the posts citing each source without reading every page body."""

    citation = models.ForeignKey(Citation, on_delete=models.CASCADE, related_name="uses")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["citation", "page"], name="one_use_per_page")
        ]

    def __str__(self):
        return f"{self.page_id} cites {self.citation_id}"
