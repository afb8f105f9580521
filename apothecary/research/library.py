"""Reads for the Research page: the library grouped by topic, filtered by topic and type, with
the live pages that cite each source. A fixed number of queries, whatever the library's size."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from taggit.models import Tag
from wagtail.models import Page

from .models import Citation, CitationKind, CitationTopic, CitationUse

OTHER_TOPIC = "Other"


@dataclass
class LibraryEntry:
    citation: Citation
    cited_in: list[Page] = field(default_factory=list)


@dataclass
class TopicGroup:
    name: str
    slug: str
    entries: list[LibraryEntry] = field(default_factory=list)


@dataclass
class Library:
    groups: list[TopicGroup]
    topics: list[Tag]  # every topic in use, for the filter form
    kinds: list[tuple[str, str]]
    topic: Tag | None  # the filters in force (invalid values are dropped, not errors)
    kind: str
    count: int  # distinct sources shown

    @property
    def filtered(self) -> bool:
        return bool(self.topic or self.kind)


def display_name(tag_name: str) -> str:
    return tag_name[:1].upper() + tag_name[1:]


def research_library(*, topic: str = "", kind: str = "", exclude_page_id=None) -> Library:
    topics = list(
        Tag.objects.filter(research_citationtopic_items__isnull=False).distinct().order_by("name")
    )
    chosen_topic = next((tag for tag in topics if tag.slug == topic), None) if topic else None
    chosen_kind = kind if kind in CitationKind.values else ""

    citations = Citation.objects.prefetch_related(
        Prefetch("tagged_topics", queryset=CitationTopic.objects.select_related("tag"))
    )
    if chosen_topic is not None:
        citations = citations.filter(tagged_topics__tag=chosen_topic)
    if chosen_kind:
        citations = citations.filter(kind=chosen_kind)
    citations = list(citations)

    cited_in: dict[int, list[Page]] = {}
    uses = (
        CitationUse.objects.filter(citation__in=[c.pk for c in citations], page__live=True)
        .exclude(page_id=exclude_page_id)
        .select_related("page")
        .order_by("page__title", "page_id")
    )
    for use in uses:
        cited_in.setdefault(use.citation_id, []).append(use.page)

    groups: dict[str, TopicGroup] = {}
    other = TopicGroup(OTHER_TOPIC, "other")
    for citation in citations:
        entry = LibraryEntry(citation, cited_in.get(citation.pk, []))
        tags = [item.tag for item in citation.tagged_topics.all()]
        if chosen_topic is not None:
            tags = [chosen_topic]
        for tag in tags:
            group = groups.setdefault(tag.slug, TopicGroup(display_name(tag.name), tag.slug))
            group.entries.append(entry)
        if not tags:
            other.entries.append(entry)
    ordered = sorted(groups.values(), key=lambda group: group.name.lower())
    if other.entries:
        ordered.append(other)
    return Library(
        groups=ordered,
        topics=topics,
        kinds=list(CitationKind.choices),
        topic=chosen_topic,
        kind=chosen_kind,
        count=len(citations),
    )
