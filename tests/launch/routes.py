"""Every URL pattern of the project, with its parameters filled, for the launch tests that
crawl routes (19, 26, 27, 30); and a snapshot of the database to tell whether a crawl wrote.

`project_routes()` walks the resolver (the Wagtail admin's patterns included), so a route
added later is crawled without editing a list; `url_of(route, values)` fills a route's
parameters from `values` (by parameter name) where the value fits the parameter's type,
else with a harmless value of its type."""

import re
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.exceptions import NoReverseMatch
from django.urls.resolvers import RoutePattern


@dataclass(frozen=True)
class Route:
    path: str  # the pattern, prefixes included, e.g. "orders/<str:token>/return/"
    name: str | None  # namespaced, e.g. "orders:return_request"
    view: object
    converters: tuple[tuple[str, object], ...]

    @property
    def exempt(self) -> bool:
        return getattr(self.view, "csrf_exempt", False)

    @property
    def admin(self) -> bool:
        return self.path.startswith("admin/")


def _walk(patterns, prefix="", namespace=None, converters=()):
    for pattern in patterns:
        found = converters
        if isinstance(pattern.pattern, RoutePattern):
            found = converters + tuple(pattern.pattern.converters.items())
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, found)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield Route(prefix + str(pattern.pattern), name, pattern.callback, found)


def project_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def _default(converter) -> str:
    if isinstance(converter, IntConverter):
        return "1"
    if isinstance(converter, UUIDConverter):
        return str(uuid.uuid4())
    return "x"


REGEX_CANDIDATES = ("1", "x", "ABCDEFGH", "live")


def url_of(route: Route, values: dict | None = None) -> str | None:
    """The route's address with its parameters from `values` (by name) where the value fits
    the parameter's type, else a harmless value of its type; None for a route that cannot be
    reversed (unnamed routes: the Wagtail page server, media files)."""
    if not route.name:
        return None
    values = values or {}
    if route.converters or "(?P<" not in route.path:
        kwargs = {}
        for name, converter in route.converters:
            value = str(values.get(name, ""))
            fits = value and re.fullmatch(converter.regex, value)
            kwargs[name] = value if fits else _default(converter)
        try:
            return reverse(route.name, kwargs=kwargs or None)
        except NoReverseMatch:
            return None
    # A regular-expression route: its named groups, from `values` or the first candidate
    # the pattern accepts.
    names = re.findall(r"\(\?P<(\w+)>", route.path)
    for candidate in REGEX_CANDIDATES:
        kwargs = {name: str(values.get(name, candidate)) for name in names}
        try:
            return reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


# Tables a GET may write without changing anything a person or the business sees: the
# session store (a visitor's cart token, a flash message), image renditions (resized copies
# made on first view, a cache), and site settings, which Wagtail creates with their defaults
# on first read.
UNWATCHED = {"sessions.session", "wagtailimages.rendition", "core.creditedrendition"}


def _unwatched(model) -> bool:
    from wagtail.contrib.settings.models import BaseSiteSetting

    return model._meta.label_lower in UNWATCHED or issubclass(model, BaseSiteSetting)


def database_snapshot() -> dict[str, list[dict]]:
    """Every row of every table, by model, for a before/after comparison."""
    snapshot = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if _unwatched(model) or model._meta.proxy or not model._meta.managed:
            continue
        snapshot[label] = list(model._base_manager.order_by("pk").values())
    return snapshot


def changed_tables(before: dict, after: dict) -> dict[str, tuple[int, int]]:
    """{table: (rows before, rows after)} of the tables whose rows differ."""
    return {
        label: (len(before[label]), len(after[label]))
        for label in before
        if before[label] != after[label]
    }
