"""Keep CitationUse in step with what is published (connected in ResearchConfig.ready).
Deleting a page or a citation needs no receiver: their rows cascade."""

from wagtail.signals import page_published, page_unpublished

from .uses import citation_uses_clear, citation_uses_rebuild


def rebuild_on_publish(sender, instance, **kwargs):
    citation_uses_rebuild(page=instance)


def clear_on_unpublish(sender, instance, **kwargs):
    citation_uses_clear(page=instance)


def connect():
    page_published.connect(rebuild_on_publish, dispatch_uid="research_citation_uses_publish")
    page_unpublished.connect(clear_on_unpublish, dispatch_uid="research_citation_uses_unpublish")
