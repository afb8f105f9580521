"""The back office's admin hooks, one module per part."""

from . import report_hooks  # noqa: F401  the sales report
