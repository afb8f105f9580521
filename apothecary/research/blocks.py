"""The citation block of page bodies: "Source: [3] Tucker KL et al., …", numbered with the
inline [cite:…] markers of the same page.

This module is imported by apothecary.pages.blocks (BodyBlock) while page models load; it may
import research's own modules (references, and through it research's models), which import
nothing above research. The snippet chooser takes the model as a label.
"""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .references import collector_from_context


class CitationBlock(blocks.StructBlock):
    """A source from the research library, shown where the text relies on it and listed, with
    the same number, in the page's References."""

    citation = SnippetChooserBlock("research.Citation", required=True)
    note = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Optional: what this source supports here, e.g. 'The hip figures above'.",
    )

    class Meta:
        icon = "doc-full"
        label = "Citation"
        template = "research/blocks/citation.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        citation = value.get("citation")
        collector = collector_from_context(parent_context)
        number = collector.number_for(citation) if collector and citation else None
        context["citation"] = citation
        context["number"] = number
        context["anchor"] = collector.next_anchor(number) if number else ""
        return context

    def render(self, value, context=None):
        # A citation deleted from the library leaves the block empty: render nothing at all.
        if value.get("citation") is None:
            return ""
        return super().render(value, context=context)
