"""The store manager's views across the shop: customers, sales reports, the dashboard. It reads
every selling app (orders, reviews, contact, affiliates), so it stands above them all."""
