"""The blog holds editorial text only (privacy.registry)."""

from apothecary.privacy.registry import register, same

EDITORIAL = "editorial text written by staff"

register("blog.BlogIndexPage", not_personal=same(EDITORIAL, "intro"))
register(
    "blog.BlogPostPage",
    not_personal={
        **same(EDITORIAL, "intro", "header_image_alt"),
        "author": "the byline a writer chose to publish",
    },
)
register(
    "blog.BlogPostReference", not_personal=same("a published source", "title", "source", "url")
)
