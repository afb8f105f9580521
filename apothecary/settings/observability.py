"""Logs (plain or JSON lines, a request id on each) and optional error reporting (Sentry).

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""
