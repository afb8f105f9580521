"""Carts (privacy.registry): deleted on erasure and after PRIVACY_RETENTION_DAYS["unpaid_carts"]
without a change."""

import datetime

from django.conf import settings

from apothecary.privacy.registry import delete, register, register_retention

from .models import Cart

register(
    "cart.Cart",
    title="cart",
    user=("user",),
    personal={"token": delete(waive_export="the secret that finds an anonymous cart")},
)
register("cart.CartLine", title="cart lines", user=("cart__user",))


def _old_carts(now) -> dict[str, int]:
    cutoff = now - datetime.timedelta(days=settings.PRIVACY_RETENTION_DAYS["unpaid_carts"])
    _, per_model = Cart.objects.filter(updated_at__lt=cutoff).delete()
    return {"carts deleted": per_model.get(Cart._meta.label, 0)}


register_retention("unpaid_carts", _old_carts)
