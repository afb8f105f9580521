from django.conf import settings
from django.urls import include, path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from apothecary.accounts import urls as accounts_urls
from apothecary.accounts.views import page_password
from apothecary.affiliates import urls as affiliates_urls
from apothecary.cart import urls as cart_urls
from apothecary.checkout import urls as checkout_urls
from apothecary.consent import urls as consent_urls
from apothecary.contact import urls as contact_urls
from apothecary.core.cache import public_content
from apothecary.core.views import robots_txt
from apothecary.invoices import urls as invoices_urls
from apothecary.orders import urls as orders_urls
from apothecary.pages.views import search
from apothecary.payments import urls as payments_urls
from apothecary.reviews import urls as reviews_urls


def private(module):
    """Routes whose answer depends on the visitor: never stored by any cache."""
    patterns = decorate_urlpatterns(module.urlpatterns, never_cache)
    return include((patterns, module.app_name))


# Cache policy: admin, cart, checkout, payments, orders and account are never cached;
# content pages, search and machine files are public (see core.cache).
urlpatterns = [
    path("admin/", include(decorate_urlpatterns(wagtailadmin_urls.urlpatterns, never_cache))),
    path("cart/", private(cart_urls)),
    path("checkout/", private(checkout_urls)),
    path("payments/", private(payments_urls)),
    path("account/", private(accounts_urls)),
    path("reviews/", private(reviews_urls)),
    path("contact/", private(contact_urls)),
    path("affiliates/", private(affiliates_urls)),
    path("consent/", private(consent_urls)),
    path("", private(orders_urls)),
    path("", private(invoices_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", public_content(search), name="search"),
    path("sitemap.xml", public_content(sitemap), name="sitemap"),
    path("robots.txt", public_content(robots_txt), name="robots_txt"),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page-password form, counted per visitor and per restriction before Wagtail
    # checks the password (its own route below, the same path, is never reached).
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        never_cache(page_password),
    ),
    path("", include(decorate_urlpatterns(wagtail_urls.urlpatterns, public_content))),
]
