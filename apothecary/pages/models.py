"""The base of every page type (BasePage), and the site's general page types: home, standard
content pages, FAQ, the research library and the site map."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from apothecary.compliance.names_product import page_decisions
from apothecary.core import seo
from apothecary.core.models import BrandSettings, CreditedImage
from apothecary.research.library import research_library

from .blocks import BodyBlock, image_credits
from .content_dates import decide_content_updated


class BasePage(Page):
    """Fields and behaviour every page of the site shares: a social image and structured data."""

    social_image = models.ForeignKey(
        CreditedImage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when the page is shared; 1200×630 works best.",
    )
    show_health_disclaimer = models.BooleanField(
        default=False, help_text="Show the brand's health disclaimer at the foot of the page."
    )
    medical_reviewer = models.ForeignKey(
        "compliance.MedicalReviewer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The health professional who checked this page's health content.",
    )
    last_reviewed = models.DateField(null=True, blank=True, help_text="When they last checked it.")
    names_product = models.BooleanField(
        null=True,
        default=None,
        editable=False,
        help_text=(
            "Whether the page's words name the product, decided by the claims checker when the "
            "page is published (empty: not decided yet; see compute_names_product)."
        ),
    )
    content_updated_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "When the words readers see last changed: set when a publication changes the title "
            "or the content tab, kept when only the promote or settings tabs changed."
        ),
    )

    # A page type whose pages always show the health disclaimer says so (catalog's ProductPage).
    always_shows_health_disclaimer = False
    # A page type whose pages each present a product, named by the page's title, says so: the
    # claims checker then reads its titles as product names and every sentence as about it.
    is_product_page = False

    promote_panels = [
        *Page.promote_panels,
        FieldPanel("social_image"),
        FieldPanel("show_health_disclaimer"),
        MultiFieldPanel(
            [FieldPanel("medical_reviewer"), FieldPanel("last_reviewed")],
            heading="Medical review",
        ),
    ]

    class Meta:
        abstract = True

    @property
    def shows_health_disclaimer(self) -> bool:
        """Does the page show the brand's health disclaimer (base.html)? When its type always
        does, when its editor ticked the box, or when its words name the product (decided at
        publish, so rendering costs nothing)."""
        return bool(
            self.always_shows_health_disclaimer or self.show_health_disclaimer or self.names_product
        )

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None and self.pk and self.live and self.live_revision_id:
            decide_content_updated(self)
        return super().save(*args, **kwargs)

    def make_preview_request(self, *args, **kwargs):
        # A preview shows the words as they are in the editor, not as last published.
        for name, value in page_decisions(self).items():
            setattr(self, name, value)
        return super().make_preview_request(*args, **kwargs)

    def get_description(self) -> str:
        """The meta description: the editor's, else the page's intro, if it has one."""
        return self.search_description or getattr(self, "intro", "") or ""

    def get_json_ld(self, request) -> list[dict]:
        """The schema.org objects that describe this page, besides breadcrumbs."""
        return []


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
        if self.hero_image_id and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": "Describe the hero image (alt text)."})

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


class ResearchPage(BasePage):
    """/research/: the editor's introduction, then the library grouped by topic, filtered by
    topic and type through the query string.

    Its table and content type were the research app's before the floors were drawn (research
    is a library below the page types); `db_table` keeps the table, and a migration moved the
    content type, so existing sites keep their page."""

    intro = models.TextField(blank=True, help_text="A sentence or two shown under the title.")
    body = StreamField(
        BodyBlock(), blank=True, use_json_field=True, help_text="Shown above the library."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count = 1

    class Meta:
        db_table = "research_researchpage"

    def get_context(self, request, *args, **kwargs):
        """The library, filtered by ?topic=<slug> and ?type=<kind>; unknown values are ignored
        (the page is publicly cached per URL, so the filters cost nothing on repeat visits)."""
        context = super().get_context(request, *args, **kwargs)
        context["library"] = research_library(
            topic=request.GET.get("topic", "")[:100],
            kind=request.GET.get("type", "")[:40],
            exclude_page_id=self.pk,
        )
        return context
