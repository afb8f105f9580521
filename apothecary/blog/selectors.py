"""Reads of blog posts, each a bounded number of queries whatever the number of posts or tags."""

from django.db.models import Count, Prefetch, QuerySet

from .models import BlogPostPage, BlogPostTag


def _with_tags(posts: QuerySet) -> QuerySet:
    return posts.prefetch_related(
        Prefetch("tagged_items", queryset=BlogPostTag.objects.select_related("tag"))
    )


def live_posts(*, index=None, tag=None) -> QuerySet:
    """Live, public posts, newest first, with their tags, optionally of one blog and one tag."""
    posts = BlogPostPage.objects.live().public()
    if index is not None:
        posts = posts.child_of(index)
    if tag is not None:
        posts = posts.filter(tagged_items__tag=tag)
    return _with_tags(posts.order_by("-date", "-pk"))


def latest_posts(*, limit: int = 3) -> list[BlogPostPage]:
    return list(live_posts()[:limit])


def read_more(post: BlogPostPage) -> list[BlogPostPage]:
    """The live posts the editor picked for "Read more", in the editor's order."""
    ids = [link.target_id for link in post.related_links.all()]
    found = {p.pk: p for p in _with_tags(BlogPostPage.objects.live().public().filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def related_posts(post: BlogPostPage, *, limit: int = 3, exclude=()) -> list[BlogPostPage]:
    """Other live posts sharing the most tags with `post`, then the newest; topped up with the
    newest posts when too few share a tag."""
    tag_ids = [tag.pk for tag in post.tag_list()]
    others = _with_tags(BlogPostPage.objects.live().public().exclude(pk__in=[post.pk, *exclude]))
    related = []
    if tag_ids:
        related = list(
            others.filter(tagged_items__tag_id__in=tag_ids)
            .annotate(shared_tags=Count("tagged_items", distinct=True))
            .order_by("-shared_tags", "-date", "-pk")[:limit]
        )
    if len(related) < limit:
        chosen = [p.pk for p in related]
        related += list(
            others.exclude(pk__in=chosen).order_by("-date", "-pk")[: limit - len(related)]
        )
    return related
