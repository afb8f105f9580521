from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo site's builder and its `seed_demo` command; it has no models."""

    name = "apothecary.demo"
    label = "demo"
