"""Fixtures of the affiliate back-office tests: a signed-in superuser, a product to order."""

import pytest

from tests.store import make_product, make_zone


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser(email="boss@example.com", password="pw")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def shop():
    """(variant, shipping rate) to order with."""
    product = make_product(title="Admin Patch")
    return product.variants.get(), make_zone()
