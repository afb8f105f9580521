"""Cache policies, applied to routes in urls.py so that each route's policy is visible there."""

from functools import wraps

from django.utils.cache import patch_cache_control, patch_vary_headers

CONTENT_MAX_AGE = 300


def public_content(view):
    """Content pages: shared caches may keep them for a few minutes. Staff (who see the
    editing bar) get a private, uncached copy."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.has_header("Cache-Control") or response.status_code >= 500:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        else:
            patch_cache_control(response, public=True, max_age=CONTENT_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped
