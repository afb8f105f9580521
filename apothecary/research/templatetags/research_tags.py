"""Template tags for numbered references: rich text with its [cite:…] markers as superscript
links, and the References list that matches them (see apothecary.research.references)."""

from django import template
from wagtail.templatetags.wagtailcore_tags import richtext

from .. import formatting
from ..references import collector_from_context, strip_markers

register = template.Library()


@register.simple_tag(takes_context=True)
def cite_richtext(context, value):
    """`{{ value|richtext }}`, with the markers numbered by the page being rendered."""
    html = richtext(value)
    collector = collector_from_context(context)
    return collector.render_markers(html) if collector else strip_markers(html)


@register.inclusion_tag("research/_references.html", takes_context=True)
def references_list(context, further_reading=()):
    """The numbered References of the page, then the editor's free-text "Further reading"."""
    collector = collector_from_context(context)
    return {
        "references": collector.references if collector else [],
        "further_reading": further_reading or [],
    }


@register.filter
def vancouver_html(citation):
    return formatting.vancouver_html(citation)


@register.filter
def vancouver_short(citation):
    return formatting.vancouver_short(citation)


@register.filter
def ends_sentence(text):
    """Does the text end in its own ".", "?", "!" or "…" (so no period is added after it)?"""
    return formatting.ends_sentence(str(text or ""))
