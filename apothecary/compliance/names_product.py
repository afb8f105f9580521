"""Whether a page's words name the product, decided when the page is published and stored on
the page (`names_product`, a field of every page type that has one), so rendering a page reads
a field instead of running the claims checker (a page naming the product shows the supplement
disclaimer: BasePage.shows_health_disclaimer).

What decides it, and when (receivers connected in signals.py):
- a page is published: that page, from the words being published;
- a product page is published, withdrawn or deleted, or a phrase list is saved or deleted: the
  product's names may have changed, so every live page again (about a millisecond a page);
- `migrate` added the field: every live page still undecided (`names_product` is NULL), with
  the code of today rather than a copy frozen in a migration; `compute_names_product` does
  the same by hand (`--all` for every live page).

The writes are queryset updates of the one column on the page's own model: no revision is
made, no `save()` signal is sent and nothing else on the page changes."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from wagtail.models import get_page_models

from .checker import Rules, load_rules, mentions_product

FIELD = "names_product"


def has_names_product(model) -> bool:
    try:
        model._meta.get_field(FIELD)
    except FieldDoesNotExist:
        return False
    return True


def names_product_models() -> list[type]:
    """The concrete page types that store the decision."""
    return [model for model in get_page_models() if has_names_product(model)]


def page_names_product(page, rules: Rules | None = None) -> bool:
    """Does any sentence of this page, as it is in memory, name the product?"""
    return mentions_product(page, rules if rules is not None else load_rules())


def names_product_update(page, rules: Rules | None = None) -> bool:
    """Decide for one page (its specific instance) and store the answer; returns it."""
    value = page_names_product(page, rules)
    if has_names_product(type(page)) and getattr(page, FIELD) is not value:
        type(page)._default_manager.filter(pk=page.pk).update(**{FIELD: value})
    setattr(page, FIELD, value)
    return value


def names_product_update_all(*, undecided_only: bool = False, models: Iterable | None = None):
    """Decide for every live page (or only those not decided yet) and store what changed;
    returns the number of pages whose value changed. One query per page type that has live
    pages, one for the rules, and at most two updates per page type."""
    rules = load_rules()
    changed = 0
    for model in models if models is not None else names_product_models():
        content_type = ContentType.objects.get_for_model(model)
        pages = model._default_manager.filter(live=True, content_type=content_type)
        if undecided_only:
            pages = pages.filter(**{f"{FIELD}__isnull": True})
        to_true, to_false = [], []
        for page in pages:
            value = mentions_product(page, rules)
            if getattr(page, FIELD) is not value:
                (to_true if value else to_false).append(page.pk)
        for value, pks in ((True, to_true), (False, to_false)):
            if pks:
                model._default_manager.filter(pk__in=pks).update(**{FIELD: value})
                changed += len(pks)
    return changed
