"""Keep the cached claim rules fresh: they hold the phrase lists and the live product titles,
so a change to either clears them (connected in ComplianceConfig.ready)."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from .checker import forget_cached_rules
from .models import ClaimPhraseList


def connect_claim_rule_signals():
    post_save.connect(forget_cached_rules, sender=ClaimPhraseList, dispatch_uid="claims-save")
    post_delete.connect(forget_cached_rules, sender=ClaimPhraseList, dispatch_uid="claims-del")
    # Any page: a product's title may change, or a product be published or withdrawn.
    page_published.connect(forget_cached_rules, dispatch_uid="claims-published")
    page_unpublished.connect(forget_cached_rules, dispatch_uid="claims-unpublished")
