"""Stock writes: one conditional UPDATE each, never read-then-write."""

from django.db.models import F

from .models import Variant


def stock_take(*, variant_id: int, quantity: int) -> bool:
    """Take `quantity` units; False (and nothing changed) when fewer are left. Untracked
    variants always succeed. Call inside the order's transaction, lines in pk order."""
    if Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(
        stock=F("stock") - quantity
    ):
        return True
    return Variant.objects.filter(pk=variant_id, stock__isnull=True).exists()


def stock_release(*, variant_id: int, quantity: int) -> None:
    """Put `quantity` units back (a cancelled or expired order, a restocked return)."""
    Variant.objects.filter(pk=variant_id, stock__isnull=False).update(stock=F("stock") + quantity)
