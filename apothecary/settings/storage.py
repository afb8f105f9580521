"""Media: the local disk (served by the app in the embedded mode, by nginx in the stack) or
S3-compatible storage through django-storages on many servers.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""
