"""Pages hold editorial text only (privacy.registry)."""

from apothecary.privacy.registry import register, same

EDITORIAL = "editorial text written by staff"

register(
    "pages.HomePage",
    not_personal=same(
        EDITORIAL,
        "hero_heading",
        "hero_text",
        "hero_image_alt",
        "hero_cta_label",
        "product_heading",
        "product_text",
        "product_link_label",
        "about_heading",
        "about_text",
        "latest_posts_heading",
    ),
)
for label in ("pages.StandardPage", "pages.FAQPage", "pages.SiteMapPage", "pages.ResearchPage"):
    register(label, not_personal=same(EDITORIAL, "intro"))
