"""What the claims checker reads: every piece of a page's text that a reader sees, each with
its place in the editor ("Body › paragraph 3"), found from the page type's own fields so a new
page type or block is read without a change here."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.utils.text import capfirst
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.rich_text import RichText

# Page fields that are not the page's words, whatever their type.
NON_TEXT_FIELDS = frozenset({"slug", "url_path", "draft_title", "seo_title", "locale"})

BLOCK_END_RE = re.compile(r"</(p|li|h[1-6]|div|blockquote|tr|td|th)>|<br\s*/?>", re.I)
TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class TextPart:
    """Some words of a page and where an editor finds them, e.g. "Body › paragraph 3"."""

    place: str
    text: str


def rich_text_to_plain(source: str) -> str:
    """Rich text as plain lines: each paragraph, list item and heading on a line of its own,
    so a sentence never runs from one list item into the next."""
    text = BLOCK_END_RE.sub("\n", source or "")
    return html.unescape(TAG_RE.sub("", text))


def _block_label(block, name: str | None = None) -> str:
    label = getattr(block, "label", None) or name or getattr(block, "name", "") or "item"
    return str(label).lower()


def _singular(label: str) -> str:
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label


def _walk_block(block, value, place: list[str]) -> Iterator[TextPart]:
    """Yield the text of one StreamField value, whatever the block: rich text, plain text,
    struct children, list items and nested streams. Choices, URLs, chosen pages and images
    are not words of the page and are skipped."""
    if value is None:
        return
    if isinstance(block, blocks.RichTextBlock) or isinstance(value, RichText):
        text = rich_text_to_plain(value.source if isinstance(value, RichText) else str(value))
        if text.strip():
            yield TextPart(" › ".join(place), text)
    elif isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
        if str(value).strip():
            yield TextPart(" › ".join(place), str(value))
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            # A struct's one text ("text") reads better as the struct itself: "heading 2".
            child_place = place if name == "text" else [*place, _block_label(child, name)]
            yield from _walk_block(child, value.get(name), child_place)
    elif isinstance(block, blocks.ListBlock):
        label = _singular(place[-1]) if place else "item"
        items = list(value)
        for number, item in enumerate(items, start=1):
            item_place = [*place[:-1], f"{label} {number}"] if place else [f"item {number}"]
            yield from _walk_block(block.child_block, item, item_place)
    elif isinstance(block, blocks.StreamBlock):
        yield from _walk_stream(value, place)


def _walk_stream(stream, place: list[str]) -> Iterator[TextPart]:
    counts: dict[str, int] = {}
    for child in stream or []:
        counts[child.block_type] = counts.get(child.block_type, 0) + 1
        label = f"{_block_label(child.block, child.block_type)} {counts[child.block_type]}"
        yield from _walk_block(child.block, child.value, [*place, label])


def _text_fields(model) -> Iterable[models.Field]:
    """The specific page type's own text fields, in the order the model declares them."""
    page_fields = {f.name for f in Page._meta.get_fields()}
    for model_field in model._meta.get_fields():
        if model_field.name in page_fields or model_field.name in NON_TEXT_FIELDS:
            continue
        if isinstance(model_field, StreamField):
            yield model_field
        elif isinstance(model_field, (models.CharField, models.TextField)):
            if not model_field.choices and not isinstance(
                model_field, (models.SlugField, models.URLField, models.EmailField)
            ):
                yield model_field


def page_text(page) -> list[TextPart]:
    """Every piece of text a reader of the page sees, each with its place in the editor: the
    title, the search description, then each text field and StreamField block of the page type
    (rich text stripped of tags). Inline child rows (e.g. a post's reference list) are not
    read: they cite other people's titles, not claims the page makes."""
    parts = [TextPart("Title", page.title or "")]
    if page.search_description:
        parts.append(TextPart("Search description", page.search_description))
    for model_field in _text_fields(type(page)):
        value = getattr(page, model_field.name, None)
        place = capfirst(str(model_field.verbose_name))
        if isinstance(model_field, StreamField):
            parts.extend(_walk_stream(value, [place]))
        elif value:
            text = rich_text_to_plain(value) if "<" in value else str(value)
            if text.strip():
                parts.append(TextPart(place, text))
    return parts
