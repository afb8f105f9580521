"""The header's "Sign in" / "Account" link. It reads only whether the request carries a
session cookie (request.COOKIES), never request.user or request.session: touching the session
would add `Vary: Cookie` and a database read to every page, and an anonymous page must stay
the same for every visitor without a session. A stale cookie shows "Account", whose page then
asks to sign in."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def account_link(context):
    request = context.get("request")
    has_session = request is not None and bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    if has_session:
        return format_html(
            '<a class="account-link" href="{}">Account</a>', reverse("orders:account")
        )
    return format_html('<a class="account-link" href="{}">Sign in</a>', reverse("account_login"))
