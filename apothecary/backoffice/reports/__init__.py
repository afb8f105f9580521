"""The sales report: ranges.py (the range form and its periods), figures.py (the sums, in
SQL), tables.py (the columns of each table and its download), chart.py (the SVG bars),
views.py (the admin page). Registered by ../report_hooks.py."""
