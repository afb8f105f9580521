"""The site's general page types: home, standard content pages, FAQ and the site map."""

from django.db import models
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from apothecary.core import seo
from apothecary.core.blocks import BodyBlock, image_credits
from apothecary.core.models import BasePage, BrandSettings


class HomePage(BasePage):
    hero_heading = models.CharField(max_length=120)
    hero_text = models.TextField(blank=True)
    hero_image = models.ForeignKey(
        "core.CreditedImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_image_alt = models.CharField(max_length=250, blank=True)
    hero_cta_label = models.CharField(max_length=60, blank=True)
    hero_cta_page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    product_heading = models.CharField(max_length=120, blank=True)
    product_text = RichTextField(blank=True, features=["bold", "italic", "link", "ul"])
    product_page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_link_label = models.CharField(max_length=60, blank=True, default="Read more")

    about_heading = models.CharField(max_length=120, blank=True)
    about_text = RichTextField(blank=True, features=["bold", "italic", "link"])
    about_page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    latest_posts_heading = models.CharField(max_length=120, default="From the blog")
    latest_posts_count = models.PositiveSmallIntegerField(default=3)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_image_alt"),
                FieldPanel("hero_cta_label"),
                FieldPanel("hero_cta_page"),
            ],
            heading="Hero",
        ),
        MultiFieldPanel(
            [
                FieldPanel("product_heading"),
                FieldPanel("product_text"),
                FieldPanel("product_page"),
                FieldPanel("product_link_label"),
            ],
            heading="Product teaser",
        ),
        MultiFieldPanel(
            [FieldPanel("about_heading"), FieldPanel("about_text"), FieldPanel("about_page")],
            heading="About teaser",
        ),
        MultiFieldPanel(
            [FieldPanel("latest_posts_heading"), FieldPanel("latest_posts_count")],
            heading="Latest posts",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_text"),
        index.SearchField("product_text"),
        index.SearchField("about_text"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.hero_image_id and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": "Describe the hero image (alt text)."})

    def get_context(self, request, *args, **kwargs):
        from apothecary.blog.selectors import latest_posts

        context = super().get_context(request, *args, **kwargs)
        context["latest_posts"] = latest_posts(limit=self.latest_posts_count)
        return context

    def get_json_ld(self, request):
        brand = BrandSettings.for_request(request)
        return [seo.organization(brand, request), seo.website(brand, request)]


class StandardPage(BasePage):
    """A page of copy: About Vitamin B12, policies, the affiliate program landing, and so on."""

    intro = models.TextField(blank=True, help_text="A sentence or two shown under the title.")
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["image_credits"] = image_credits(self.body)
        return context


class FAQQuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=250)
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])


class FAQGroupBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    questions = blocks.ListBlock(FAQQuestionBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "pages/blocks/faq_group.html"


class FAQPage(BasePage):
    intro = models.TextField(blank=True)
    groups = StreamField([("group", FAQGroupBlock())], blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("groups")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("groups")]

    def questions(self):
        for group in self.groups:
            yield from group.value["questions"]

    def get_json_ld(self, request):
        return [
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": item["question"],
                        "acceptedAnswer": {
                            "@type": "Answer",
                            "text": strip_tags(item["answer"].source).strip(),
                        },
                    }
                    for item in self.questions()
                ],
            }
        ]


class SiteMapPage(BasePage):
    """Every live, public page of the site as nested links."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        from .selectors import page_tree

        context = super().get_context(request, *args, **kwargs)
        context["tree"] = page_tree(request)
        return context
