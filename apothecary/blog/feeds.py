"""RSS 2.0 feeds of a blog and of each of its tags."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

from apothecary.core.models import BrandSettings
from apothecary.core.seo import absolute_url

from .selectors import live_posts

FEED_LENGTH = 20


class BlogFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, *, index, tag=None):
        super().__init__()
        self.index = index
        self.tag = tag

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.brand = BrandSettings.for_request(request)
        return self.index

    def title(self, index):
        if self.tag is not None:
            return f"{self.brand.brand_name}: posts tagged \u2018{self.tag.name}\u2019"
        return f"{self.brand.brand_name}: {index.title}"

    def link(self, index):
        url = absolute_url(self.request, index)
        if self.tag is not None:
            url = url + index.reverse_subpage("tag_archive", args=[self.tag.slug])
        return url

    def feed_url(self, index):
        return self.request.build_absolute_uri(self.request.path)

    def description(self, index):
        return index.intro or self.brand.description or index.title

    def items(self, index):
        return live_posts(index=index, tag=self.tag)[:FEED_LENGTH]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.intro

    def item_link(self, post):
        return absolute_url(self.request, post)

    def item_guid(self, post):
        return self.item_link(post)

    def item_pubdate(self, post):
        return timezone.make_aware(datetime.combine(post.date, time(9, 0)))

    def item_updateddate(self, post):
        return post.last_published_at

    def item_author_name(self, post):
        return post.author or None

    def item_categories(self, post):
        return [item.tag.name for item in post.tagged_items.all()]
