"""The back office's admin hooks, one module per part."""

from . import (
    customer_hooks,  # noqa: F401  the customers and the dashboard
    report_hooks,  # noqa: F401  the sales report
)
