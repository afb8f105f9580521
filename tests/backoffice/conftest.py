import pytest

from apothecary.orders.models import Order


@pytest.fixture(autouse=True)
def _without_demo_orders(db):
    """The demo seeds delivered orders behind its verified reviews; these tests count every
    order the back office shows, so each starts without them (rolled back afterwards)."""
    Order.objects.filter(idempotency_key__startswith="demo-").delete()
