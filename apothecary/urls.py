from django.conf import settings
from django.urls import include, path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from apothecary.core.cache import public_content
from apothecary.core.views import robots_txt
from apothecary.pages.views import search

# Cache policy: the admin is never cached; content, search and machine files are public.
urlpatterns = [
    path("admin/", include(decorate_urlpatterns(wagtailadmin_urls.urlpatterns, never_cache))),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", public_content(search), name="search"),
    path("sitemap.xml", public_content(sitemap), name="sitemap"),
    path("robots.txt", public_content(robots_txt), name="robots_txt"),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("", include(decorate_urlpatterns(wagtail_urls.urlpatterns, public_content))),
]
