"""Uploaded media served by the app itself: the embedded mode, or one server without nginx.

Django's `static()` helper adds no route when DEBUG is off, so SERVE_MEDIA=1 did nothing in
production; this view is routed for MEDIA_URL in urls.py and decides per request:

- settings.SERVE_MEDIA is read when the request comes (tests and a changed setting need no
  new URLconf); off, the route answers 404 and nginx (deploy/nginx.conf.in) or the S3 bucket
  serves media instead;
- only the local disk is served: with media in S3 (MEDIA_STORAGE=s3) the files are not here
  and their URLs point at the bucket or the CDN, so the route answers 404;
- never documents/: a Wagtail document may belong to a private collection, and only Wagtail's
  /documents/<id>/<name> view checks that (nginx refuses /media/documents/ the same way);
- a path leaving MEDIA_ROOT ("../") answers 404, checked here after normalising and again by
  django.views.static.serve (safe_join);
- an uploaded file never runs as a page: nosniff, and a policy that allows it nothing.
"""

import posixpath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

# A day: a rendition's file name carries a hash of its filter and focal point and a new one
# is made when the original changes, but an original keeps its name when an editor replaces a
# file of the same name after deleting the old one. A day bounds how long a browser or proxy
# shows the old picture; the files are public, so shared caches may keep them.
MEDIA_MAX_AGE = 24 * 60 * 60
# Wagtail's documents (wagtail.documents.models.AbstractDocument.file, upload_to="documents").
PRIVATE_FOLDERS = ("documents",)


def _local_location() -> str | None:
    """The folder media is saved in when the default storage is the local disk, else None."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return storage.location
    return None


def _public_path(path: str) -> str:
    """The normalised path below the media folder, or Http404 for one that leaves it or names
    a private folder (checked after normalising: images/../documents/x.pdf is documents/)."""
    normal = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    parts = normal.split("/")
    if ".." in parts or normal in ("", "."):
        raise Http404("No such media file.")
    # casefold: a case-insensitive disk would find Documents/ too.
    if parts[0].casefold() in PRIVATE_FOLDERS:
        raise Http404("Documents are served at /documents/<id>/<name>.")
    return normal


@require_safe
def serve_media(request, path):
    if not settings.SERVE_MEDIA:
        raise Http404("Media is not served by the app (SERVE_MEDIA=0).")
    location = _local_location()
    if location is None:
        raise Http404("Media is not on this server's disk.")
    response = serve(request, _public_path(path), document_root=location)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)  # 200, or 304
    return response
