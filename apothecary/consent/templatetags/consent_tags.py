"""What the banner and the page's head need: the categories and the policy version. Both are
the same for every visitor, so pages that show the banner stay cacheable."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def consent_categories() -> list[dict]:
    return [
        {"key": key, "label": label, "description": description}
        for key, label, description in settings.CONSENT_CATEGORIES
    ]


@register.simple_tag
def consent_policy_version() -> str:
    return settings.CONSENT_POLICY_VERSION


@register.simple_tag
def consent_cookie_name() -> str:
    return settings.CONSENT_COOKIE_NAME
