import re
from urllib.parse import urlencode, urlsplit

from allauth import urls as allauth_urls
from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path, re_path, reverse
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from apothecary.accounts import urls as accounts_urls
from apothecary.accounts.views import (
    confirm_email,
    page_password,
    password_reset_from_key,
    with_form_status,
)
from apothecary.affiliates import urls as affiliates_urls
from apothecary.cart import urls as cart_urls
from apothecary.checkout import urls as checkout_urls
from apothecary.consent import urls as consent_urls
from apothecary.contact import urls as contact_urls
from apothecary.core.cache import public_content
from apothecary.core.health import healthz, readyz
from apothecary.core.media import serve_media
from apothecary.core.views import robots_txt
from apothecary.invoices import urls as invoices_urls
from apothecary.newsletter import urls as newsletter_urls
from apothecary.orders import urls as orders_urls
from apothecary.pages.views import search
from apothecary.payments import urls as payments_urls
from apothecary.privacy import urls as privacy_urls
from apothecary.reviews import urls as reviews_urls


def private(module):
    """Routes whose answer depends on the visitor: never stored by any cache."""
    patterns = decorate_urlpatterns(module.urlpatterns, never_cache)
    return include((patterns, module.app_name))


# Cache policy: admin, cart, checkout, payments, orders and account are never cached;
# content pages, search and machine files are public (see core.cache).
def to_site_login(default_next=""):
    """The admin's and the private pages' own login forms would take a password alone: they
    send to allauth's page (two-factor, axes' lockouts), coming back where they were. A
    signed-in account the admin refused (a customer) is told so, instead of being sent round
    between the two pages."""

    def view(request, *args, **kwargs):
        target = request.GET.get("next") or default_next
        if default_next and request.user.is_authenticated:
            response = TemplateResponse(request, "accounts/no_admin_access.html", status=403)
            return response
        url = reverse("account_login")
        return redirect(f"{url}?{urlencode({'next': target})}" if target else url)

    return never_cache(view)


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("readyz/", readyz, name="readyz"),
    path("admin/login/", to_site_login(default_next="/admin/"), name="admin_login_moved"),
    path("_util/login/", to_site_login(), name="page_login_moved"),
    path("admin/", include(decorate_urlpatterns(wagtailadmin_urls.urlpatterns, never_cache))),
    path("cart/", private(cart_urls)),
    path("checkout/", private(checkout_urls)),
    path("payments/", private(payments_urls)),
    # allauth's emailed links, answering 410 when dead (accounts.views), before allauth's own.
    re_path(
        r"^account/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        never_cache(password_reset_from_key),
    ),
    re_path(r"^account/confirm-email/(?P<key>[-:\w]+)/$", never_cache(confirm_email)),
    path(
        "account/",
        include(decorate_urlpatterns(with_form_status(allauth_urls.urlpatterns), never_cache)),
    ),
    path("account/", private(accounts_urls)),
    path("reviews/", private(reviews_urls)),
    path("contact/", private(contact_urls)),
    path("affiliates/", private(affiliates_urls)),
    path("newsletter/", private(newsletter_urls)),
    path("privacy/", private(privacy_urls)),
    path("consent/", private(consent_urls)),
    path("", private(orders_urls)),
    path("", private(invoices_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", public_content(search), name="search"),
    path("sitemap.xml", public_content(sitemap), name="sitemap"),
    path("robots.txt", public_content(robots_txt), name="robots_txt"),
]

# Uploaded media from the local disk, public for a day (core.media); the view itself answers
# 404 unless SERVE_MEDIA is on and the storage is the disk, and never serves documents/.
if not urlsplit(settings.MEDIA_URL).netloc:
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", serve_media)
    ]

urlpatterns += [
    # Wagtail's page-password form, counted per visitor and per restriction before Wagtail
    # checks the password (its own route below, the same path, is never reached).
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        never_cache(page_password),
    ),
    path("", include(decorate_urlpatterns(wagtail_urls.urlpatterns, public_content))),
]
