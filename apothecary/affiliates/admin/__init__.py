"""The back office's "Affiliates" menu, one module per area:

- `affiliates`: the affiliates list, an affiliate's page and its decisions, the edit form;
- `applications`: the applications waiting for a decision;
- `clicks`, `commissions` (with their decisions and bulk approval), `payouts` (batches, their
  PayPal file, marking them paid);
- `lists`: the small lists staff edit directly (creatives, coupons, product rates);
- `report`: the top affiliates;
- `menu`: the menu grouping them, and the log entries of decisions on affiliates.

`wagtail_hooks` registers the menu. Nothing is imported here: Django's admin imports this
package at start-up (it looks for an `admin` module in every app)."""
