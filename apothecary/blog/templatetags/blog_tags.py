"""Blog pieces that other pages' templates show (the home page's latest posts): the page types
below the blog know nothing of it, their templates ask."""

from django import template

from apothecary.blog.selectors import latest_posts as _latest_posts

register = template.Library()


@register.simple_tag
def latest_posts(count: int = 3):
    """The `count` newest live posts, with their tags."""
    return _latest_posts(limit=count)
