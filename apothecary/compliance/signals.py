"""Keep each live page's `names_product` true to its words and to the product's names
(see names_product.py for the rule); connected in ComplianceConfig.ready."""

from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.signals import page_published, page_unpublished

from .checker import is_product_page, product_page_models
from .models import ClaimPhraseList
from .names_product import (
    decided_fields,
    names_product_models,
    names_product_update,
    names_product_update_all,
)


def decide_on_publish(sender, instance, **kwargs):
    """A published page is decided from its words; a product page's title is a product name,
    so publishing one decides every live page again."""
    if is_product_page(instance):
        names_product_update_all()
    else:
        names_product_update(instance)


def decide_again_when_a_product_leaves(sender, instance, **kwargs):
    """page_unpublished and post_delete of a product page: its title names nothing any more."""
    if is_product_page(instance):
        names_product_update_all()


def decide_again_when_phrases_change(sender, raw=False, **kwargs):
    if not raw:  # loaddata: the pages may not be there yet
        names_product_update_all()


def decide_after_migrate(sender, apps=None, plan=None, verbosity=1, **kwargs):
    """After `migrate`, decide the live pages not decided yet (pages live before a decided field
    was added) with today's code. Skipped when migrating backwards, and for a page type whose
    table lacks one of its decided columns in the migrated state (`apps`). `flush` sends this signal
    too, without a state: the tables are then those of the models."""
    if any(backwards for _, backwards in plan or []):
        return
    ready = []
    for model in names_product_models():
        if apps is not None:
            try:
                state = apps.get_model(model._meta.app_label, model._meta.model_name)
            except LookupError:
                continue
            in_state = {f.name for f in state._meta.get_fields()}
            if not set(decided_fields(model)) <= in_state:
                continue
        ready.append(model)
    changed = names_product_update_all(undecided_only=True, models=ready)
    if changed and verbosity >= 1:
        print(f"  Decided whether {changed} live page(s) name the product.")  # noqa: T201


def connect_names_product_signals(app_config):
    page_published.connect(decide_on_publish, dispatch_uid="names-product-published")
    page_unpublished.connect(
        decide_again_when_a_product_leaves, dispatch_uid="names-product-unpublished"
    )
    for model in product_page_models():
        # Per product model, not for every sender: a receiver for all senders would stop
        # Django's fast deletes of every other model.
        post_delete.connect(
            decide_again_when_a_product_leaves,
            sender=model,
            dispatch_uid=f"names-product-deleted-{model._meta.label_lower}",
        )
    post_save.connect(
        decide_again_when_phrases_change, sender=ClaimPhraseList, dispatch_uid="claims-save"
    )
    post_delete.connect(
        decide_again_when_phrases_change, sender=ClaimPhraseList, dispatch_uid="claims-del"
    )
    post_migrate.connect(decide_after_migrate, sender=app_config, dispatch_uid="names-product")
