"""Media: the local disk (served by the app in the embedded mode, by nginx in the stack) or
S3-compatible storage through django-storages on many servers.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import STORAGES
from .headers import CONTENT_SECURITY_POLICY, CSP_ADMIN_DIRECTIVES

# local: MEDIA_ROOT on this server's disk (base.py). s3: a bucket that every app server
# shares, on AWS or any S3-compatible server (MinIO, Ceph, Garage, R2, …).
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local").strip().lower() or "local"
if MEDIA_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE={MEDIA_STORAGE!r} is not known: use local (the disk) or s3."
    )


def s3_public_origin(*, bucket: str, endpoint_url: str, custom_domain: str) -> str:
    """Where browsers fetch the bucket's public files (img-src below): the CDN's domain, an
    S3-compatible server's own address (boto3 then names the bucket in the path), or AWS's
    virtual host for the bucket (its path for a bucket with dots in its name).
    tests/core/test_s3_media.py compares it with the URLs django-storages writes."""
    if custom_domain:
        return f"https://{custom_domain}"
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return f"{parts.scheme}://{parts.netloc}"
    if "." in bucket:  # not a valid host name under AWS's certificate: boto3 uses the path
        return "https://s3.amazonaws.com"
    return f"https://{bucket}.s3.amazonaws.com"


if MEDIA_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME: the bucket that holds the media."
        )
    _endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip()
    _custom_domain = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip().strip("/")
    _options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        # Every key under one prefix: the bucket may hold other things, and its policy makes
        # <prefix>/original_images/ and <prefix>/images/ public, never <prefix>/documents/.
        "location": os.environ.get("MEDIA_STORAGE_PREFIX", "media").strip("/"),
        # Plain URLs, no signed query string: the same image keeps the same URL, so pages in
        # the page cache and copies in a CDN stay valid (a signed URL expires after an hour).
        "querystring_auth": False,
        # An upload with a name already taken gets a new name (Django's suffix), never the old
        # object's key: a cached URL never shows another picture than the one it was for.
        "file_overwrite": False,
        # The lifetime of core.media's route on the disk, for the browser and the CDN.
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    if _endpoint:
        _options["endpoint_url"] = _endpoint
    if region := os.environ.get("AWS_S3_REGION_NAME", "").strip():
        _options["region_name"] = region
    if _custom_domain:
        _options["custom_domain"] = _custom_domain
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not copied into the settings: boto3 reads
    # them from the environment, or else uses the machine's role, and no settings dump shows
    # them.
    # New dicts rather than changes to base's and headers' own (tests load this module again).
    STORAGES = {
        **STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _options},
    }

    # The pages' images now come from the bucket's (or the CDN's) origin.
    _origin = s3_public_origin(
        bucket=AWS_STORAGE_BUCKET_NAME, endpoint_url=_endpoint, custom_domain=_custom_domain
    )
    _public = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    CONTENT_SECURITY_POLICY = {
        **CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {**_public, "img-src": [*_public["img-src"], _origin]},
    }
    CSP_ADMIN_DIRECTIVES = {
        **CSP_ADMIN_DIRECTIVES,
        "img-src": [*CSP_ADMIN_DIRECTIVES["img-src"], _origin],
    }

# Documents are always sent by Wagtail's own view (/documents/<id>/<name>), which checks a
# private collection's restriction before it reads the file from the storage. headers.py sets
# the same for the disk; here it matters most: with a storage that has URLs of its own (S3),
# Wagtail's default would be "redirect", sending every visitor to the object's URL, which
# would have to be public and would bypass the check. "direct" would link to it outright.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
