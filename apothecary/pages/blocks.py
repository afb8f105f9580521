"""StreamField blocks shared by every page body, and the credits list of a page's images."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from apothecary.research.blocks import CitationBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "superscript"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Heading 2"), ("h3", "Heading 3")], default="h2")

    class Meta:
        icon = "title"
        template = "pages/blocks/heading.html"


class BulletListBlock(blocks.StructBlock):
    items = blocks.ListBlock(blocks.CharBlock(max_length=400), min_num=1)
    ordered = blocks.BooleanBlock(required=False, help_text="Number the items.")

    class Meta:
        icon = "list-ul"
        template = "pages/blocks/bullet_list.html"


class CreditedImageBlock(blocks.StructBlock):
    """An image with required alt text; its credit comes from the image and is listed at the end."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250, help_text="Describe the image for people who cannot see it (required)."
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "pages/blocks/image.html"


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", "Information"), ("tip", "Tip"), ("warning", "Warning")], default="info"
    )
    title = blocks.CharBlock(required=False, max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        template = "pages/blocks/callout.html"


class ComparisonRowBlock(blocks.StructBlock):
    left = blocks.CharBlock(max_length=300, required=False)
    right = blocks.CharBlock(max_length=300, required=False)


class ComparisonTableBlock(blocks.StructBlock):
    """Two columns side by side, e.g. the symptoms of one condition against another."""

    caption = blocks.CharBlock(max_length=200)
    left_heading = blocks.CharBlock(max_length=80)
    right_heading = blocks.CharBlock(max_length=80)
    rows = blocks.ListBlock(ComparisonRowBlock(), min_num=1)

    class Meta:
        icon = "table"
        template = "pages/blocks/comparison_table.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    # The template path is part of every body's migration state: it stays "blocks/…" (the
    # file is pages/templates/blocks/paragraph.html) so that moving it needs no migration.
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="blocks/paragraph.html")
    bullet_list = BulletListBlock()
    image = CreditedImageBlock()
    callout = CalloutBlock()
    comparison_table = ComparisonTableBlock()
    citation = CitationBlock()


def image_credits(*stream_values, extra_images=()) -> list:
    """The distinct images of the given StreamField values (and extra images) that carry a credit,
    in order of first appearance, for the credits list at the end of a page."""
    seen, images = set(), []

    def add(image):
        if image is not None and image.pk not in seen and image.credit:
            seen.add(image.pk)
            images.append(image)

    for image in extra_images:
        add(image)
    for stream in stream_values:
        for block in stream or []:
            if block.block_type == "image":
                add(block.value.get("image"))
    return images
