"""When a page's words last changed for its readers: `BasePage.content_updated_at`, the date
behind "Last updated" (compliance.seo.last_updated).

`last_published_at` moves on every publication, also when an editor changed only the search
description, the social image or the review date; an imported post from 2012 saved today would
say "Last updated today". So `content_updated_at` moves only when the revision being published
differs from the page's previous live revision in what a reader sees: the title and the fields
and inline rows of the page type's content tab (`content_panels`). The promote and settings
tabs (SEO title, slug, search description, social image, disclaimer box, medical review) do not
count. The first publication sets it; a data migration filled it for pages live before it
existed (from `first_published_at`).

Decided in `BasePage.save` when Wagtail saves a publication (the page's `live_revision` changes),
from the two revisions' stored content: two small queries per publication, nothing per render.
The value is read from the database row, never from the revision being published, so reverting
to an old revision does not bring back an old date."""

from __future__ import annotations

import json

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.reverse_related import ForeignObjectRel
from taggit.managers import TaggableManager
from wagtail.fields import StreamField
from wagtail.models import Revision

FIELD = "content_updated_at"


def _panel_names(panels) -> list[str]:
    names = []
    for panel in panels:
        if getattr(panel, "children", None):
            names.extend(_panel_names(panel.children))
        elif getattr(panel, "relation_name", None):
            names.append(panel.relation_name)
        elif getattr(panel, "field_name", None):
            names.append(panel.field_name)
    return names


def reader_visible_names(model) -> list[str]:
    """The keys of a revision's content that readers see: the title, and what the content tab
    edits; a tag field stands for its rows (a revision stores the tags as those)."""
    names = ["title"]
    for name in _panel_names(getattr(model, "content_panels", [])):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a panel of something else: not in a revision
            continue
        if isinstance(field, TaggableManager):
            rows = [
                rel.get_accessor_name()
                for rel in model._meta.related_objects
                if rel.related_model is field.through
            ]
            names.extend(rows)
        elif name not in names:
            names.append(name)
    return names


def _without_row_keys(rows, parent_key: str | None):
    """Inline rows without what changes when they are saved again (their ids, the parent)."""
    if not isinstance(rows, list):
        return rows
    drop = {"pk", "id", parent_key}
    return [
        {key: value for key, value in row.items() if key not in drop}
        if isinstance(row, dict)
        else row
        for row in rows
    ]


def _without_block_ids(value):
    """A stream's data without its blocks' ids, which Wagtail adds when a stream is saved again
    (the first revision of a page made in code may have none)."""
    if isinstance(value, list):
        return [_without_block_ids(item) for item in value]
    if isinstance(value, dict):
        is_block = "type" in value and "value" in value
        return {
            key: _without_block_ids(item)
            for key, item in value.items()
            if not (is_block and key == "id")
        }
    return value


def visible_content(model, content: dict) -> dict:
    """What a reader sees of one revision's stored content."""
    visible = {}
    for name in reader_visible_names(model):
        value = content.get(name)
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if isinstance(field, ForeignObjectRel):
            value = _without_row_keys(value, field.field.name)
        elif isinstance(field, StreamField):
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            value = _without_block_ids(value)
        visible[name] = value
    # As stored: a revision just made holds Python values (dates), one read back holds JSON.
    return json.loads(json.dumps(visible, cls=DjangoJSONEncoder))


def readers_see_a_change(model, before: dict | None, after: dict) -> bool:
    if before is None:
        return True
    return visible_content(model, before) != visible_content(model, after)


def decide_content_updated(page) -> None:
    """Called by BasePage.save before a full save of a live page: when the save publishes a new
    revision, set `content_updated_at` (from the database row, moved to the publication's time
    when readers see a change)."""
    model = type(page)
    row = model._default_manager.filter(pk=page.pk).values_list("live_revision_id", FIELD).first()
    if row is None:
        return
    before_revision_id, stored = row
    if before_revision_id == page.live_revision_id:
        setattr(page, FIELD, stored)  # not a publication: keep the date as it is
        return
    published_at = page.last_published_at
    if stored is None:
        setattr(page, FIELD, published_at)
        return
    before = None
    if before_revision_id is not None:
        before = (
            Revision.objects.filter(pk=before_revision_id).values_list("content", flat=True).first()
        )
    changed = readers_see_a_change(model, before, page.live_revision.content)
    setattr(page, FIELD, published_at if changed else stored)
