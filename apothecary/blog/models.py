"""The blog: an index with tag archives and feeds, and dated, tagged posts with references."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from apothecary.compliance.seo import last_updated
from apothecary.core import seo
from apothecary.core.models import BrandSettings
from apothecary.pages.blocks import BodyBlock, image_credits
from apothecary.pages.models import BasePage


def _selectors():
    from . import selectors  # selectors import these models

    return selectors


def archive_description(topic: str, count: int, brand_name: str = "") -> str:
    """The meta description of an archive of posts (a tag's): what they are about, whose
    they are and how many, e.g. "Posts about Zinc from B12 Patch: 3 articles, newest first."."""
    whose = f" from {brand_name}" if brand_name.strip() else ""
    articles = "1 article" if count == 1 else f"{count} articles"
    return f"Posts about {topic}{whose}: {articles}, newest first."


class BlogIndexPage(RoutablePageMixin, BasePage):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["blog.BlogPostPage"]
    max_count_per_parent = 1

    def get_sitemap_urls(self, request=None):
        """The index itself, then one entry per tag archive, dated by its newest post."""
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request=request)
        tagged = (
            BlogPostTag.objects.filter(
                content_object__in=_selectors().live_posts(index=self).values("pk")
            )
            .values("tag__slug")
            .annotate(lastmod=models.Max("content_object__last_published_at"))
            .order_by("tag__slug")
        )
        for row in tagged:
            urls.append(
                {
                    "location": base + self.reverse_subpage("tag_archive", args=[row["tag__slug"]]),
                    "lastmod": row["lastmod"],
                }
            )
        return urls

    def paginate(self, request, posts):
        return Paginator(posts, settings.BLOG_PAGE_SIZE).get_page(request.GET.get("page"))

    @path("")
    def post_list(self, request):
        page_obj = self.paginate(request, _selectors().live_posts(index=self))
        return self.render(request, context_overrides={"page_obj": page_obj})

    @path("tag/<slug:tag_slug>/", name="tag_archive")
    def tag_archive(self, request, tag_slug):
        tag = Tag.objects.filter(slug=tag_slug).first()
        posts = _selectors().live_posts(index=self, tag=tag) if tag else None
        if tag is None or not posts.exists():
            raise Http404("No posts carry that tag.")
        page_obj = self.paginate(request, posts)
        trail_url = request.build_absolute_uri(request.path)
        brand_name = BrandSettings.for_request(request).brand_name
        return self.render(
            request,
            template="blog/blog_tag_archive.html",
            context_overrides={
                "tag": tag,
                "page_obj": page_obj,
                "archive_title": f"Posts tagged \u2018{tag.name}\u2019",
                "archive_description": archive_description(
                    tag.name, page_obj.paginator.count, brand_name
                ),
                "extra_breadcrumb": (f"Posts tagged \u2018{tag.name}\u2019", trail_url),
            },
        )

    @path("feed/", name="feed")
    def feed(self, request):
        from .feeds import BlogFeed

        return BlogFeed(index=self)(request)

    @path("tag/<slug:tag_slug>/feed/", name="tag_feed")
    def tag_feed(self, request, tag_slug):
        from .feeds import BlogFeed

        tag = Tag.objects.filter(slug=tag_slug).first()
        if tag is None or not _selectors().live_posts(index=self, tag=tag).exists():
            raise Http404("No posts carry that tag.")
        return BlogFeed(index=self, tag=tag)(request)


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.BlogPostPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class BlogPostPage(BasePage):
    date = models.DateField("post date", default=timezone.localdate)
    author = models.CharField(max_length=120, blank=True)
    intro = models.TextField(help_text="The excerpt shown in lists, feeds and search results.")
    header_image = models.ForeignKey(
        "core.CreditedImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    header_image_alt = models.CharField(max_length=250, blank=True)
    body = StreamField(BodyBlock(), use_json_field=True)
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True)
    mentions_condition = models.BooleanField(
        null=True,
        default=None,
        editable=False,
        help_text=(
            "Whether the post's words name a disease or condition of the claims checker's "
            "lists, decided when it is published: such a post shows the health disclaimer."
        ),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author"), FieldPanel("tags")], heading="About the post"
        ),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("header_image"), FieldPanel("header_image_alt")], heading="Header image"
        ),
        FieldPanel("body"),
        InlinePanel("related_links", heading="Read more", label="Related post"),
        InlinePanel("references", heading="References", label="Reference"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date"),
    ]
    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "blog post"

    def clean(self):
        super().clean()
        if self.header_image_id and not self.header_image_alt.strip():
            raise ValidationError({"header_image_alt": "Describe the header image (alt text)."})

    @property
    def shows_health_disclaimer(self) -> bool:
        """Also when the post discusses a condition the claims checker knows (decided at
        publish, like names_product), whether or not the editor ticked the box."""
        return super().shows_health_disclaimer or bool(self.mentions_condition)

    def tag_list(self) -> list[Tag]:
        """The post's tags, read once per instance."""
        if not hasattr(self, "_tag_list"):
            self._tag_list = [item.tag for item in self.tagged_items.select_related("tag")]
        return self._tag_list

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self.get_parent().specific
        context["post_tags"] = self.tag_list()
        context["read_more"] = _selectors().read_more(self)
        context["related_posts"] = _selectors().related_posts(
            self, exclude=[post.pk for post in context["read_more"]]
        )
        context["image_credits"] = image_credits(
            self.body, extra_images=[self.header_image] if self.header_image else []
        )
        context["post_references"] = list(self.references.all())
        return context

    def get_json_ld(self, request):
        brand = BrandSettings.for_request(request)
        data = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": self.title,
            "description": self.intro,
            "datePublished": self.date.isoformat(),
            "url": seo.absolute_url(request, self),
            "mainEntityOfPage": seo.absolute_url(request, self),
            "publisher": {"@type": "Organization", "name": brand.brand_name},
        }
        changed_at = self.content_updated_at or self.last_published_at
        if changed_at and last_updated(self):  # the "Last updated" the post shows, if any
            data["dateModified"] = changed_at.isoformat()
        if self.author:
            data["author"] = {"@type": "Person", "name": self.author}
        else:
            data["author"] = {"@type": "Organization", "name": brand.brand_name}
        tags = [tag.name for tag in self.tag_list()]
        if tags:
            data["keywords"] = ", ".join(tags)
        if self.header_image:
            rendition = self.header_image.get_rendition("fill-1200x630")
            data["image"] = request.build_absolute_uri(rendition.url)
        return [data]


class BlogPostRelatedLink(Orderable):
    """A "Read more" link the editor picks to another post."""

    post = ParentalKey(BlogPostPage, related_name="related_links", on_delete=models.CASCADE)
    target = models.ForeignKey(
        BlogPostPage, on_delete=models.CASCADE, related_name="+", verbose_name="post"
    )

    panels = [FieldPanel("target")]

    def clean(self):
        if self.target_id and self.target_id == self.post_id:
            raise ValidationError({"target": "A post cannot recommend itself."})


class BlogPostReference(Orderable):
    """An outside source a post cites: a journal article, a health portal, a clinic's page."""

    post = ParentalKey(BlogPostPage, related_name="references", on_delete=models.CASCADE)
    title = models.CharField(max_length=300)
    source = models.CharField(
        max_length=200, blank=True, help_text="Journal, publisher or website, with the year."
    )
    url = models.URLField("URL", max_length=500, blank=True)

    panels = [FieldPanel("title"), FieldPanel("source"), FieldPanel("url")]

    def __str__(self):
        return self.title
