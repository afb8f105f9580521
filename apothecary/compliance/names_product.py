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

The same passes decide `mentions_condition` on the page types that have it (blog posts): whether
the page's words name a disease or condition of the phrase lists, so a post that discusses one
shows the health disclaimer without the editor having to tick the box.

The writes are queryset updates of the decided columns on the page's own model: no revision is
made, no `save()` signal is sent and nothing else on the page changes."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from wagtail.models import get_page_models

from .checker import Rules, load_rules, mentions_condition, mentions_product

FIELD = "names_product"
CONDITION_FIELD = "mentions_condition"
# Each decided field and the checker's question that decides it.
DECISIONS = {FIELD: mentions_product, CONDITION_FIELD: mentions_condition}


def has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def has_names_product(model) -> bool:
    return has_field(model, FIELD)


def decided_fields(model) -> list[str]:
    """The decided fields this page type stores."""
    return [name for name in DECISIONS if has_field(model, name)]


def names_product_models() -> list[type]:
    """The concrete page types that store a decision."""
    return [model for model in get_page_models() if decided_fields(model)]


def page_names_product(page, rules: Rules | None = None) -> bool:
    """Does any sentence of this page, as it is in memory, name the product?"""
    return mentions_product(page, rules if rules is not None else load_rules())


def page_decisions(page, rules: Rules | None = None) -> dict[str, bool]:
    """Every decision this page's type stores, from its words as they are in memory."""
    rules = rules if rules is not None else load_rules()
    return {name: DECISIONS[name](page, rules) for name in decided_fields(type(page))}


def names_product_update(page, rules: Rules | None = None) -> bool:
    """Decide for one page (its specific instance) and store the answers; returns whether it
    names the product."""
    rules = rules if rules is not None else load_rules()
    values = page_decisions(page, rules)
    changed = {name: value for name, value in values.items() if getattr(page, name) is not value}
    if changed:
        type(page)._default_manager.filter(pk=page.pk).update(**changed)
    for name, value in values.items():
        setattr(page, name, value)
    return values.get(FIELD, False)


def names_product_update_all(*, undecided_only: bool = False, models: Iterable | None = None):
    """Decide for every live page (or only those not decided yet) and store what changed;
    returns the number of pages with a value changed. One query per page type that has live
    pages, one for the rules, and at most two updates per decided field and page type."""
    rules = load_rules()
    changed_pages: set[int] = set()
    for model in models if models is not None else names_product_models():
        fields = decided_fields(model)
        content_type = ContentType.objects.get_for_model(model)
        pages = model._default_manager.filter(live=True, content_type=content_type)
        if undecided_only:
            undecided = Q()
            for name in fields:
                undecided |= Q(**{f"{name}__isnull": True})
            pages = pages.filter(undecided)
        to_set: dict[tuple[str, bool], list[int]] = {}
        for page in pages:
            for name in fields:
                value = DECISIONS[name](page, rules)
                if getattr(page, name) is not value:
                    to_set.setdefault((name, value), []).append(page.pk)
                    changed_pages.add(page.pk)
        for (name, value), pks in to_set.items():
            model._default_manager.filter(pk__in=pks).update(**{name: value})
    return len(changed_pages)
