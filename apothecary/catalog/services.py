"""Stock writes: one conditional UPDATE each, never read-then-write, and a StockMovement for
every change of a tracked pack, in the same transaction.

Each function runs in a transaction (a savepoint inside the caller's): after its UPDATE the
row stays locked until commit, so the stock read back for the movement is the one this
change left. A change that takes a pack to its low-stock threshold or under it, from above,
emails the staff once (core.notifications, keyed by that movement): the sales after it send
nothing until a restock lifts the pack above the threshold again. Apart from those,
`low_stock_remind` (a daily task) reminds the staff of every pack still low, once a day."""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apothecary.core.notifications import StaffEvent, notify_staff

from .models import StockMovement, StockMovementKind, Variant

# The most one adjustment may add or take, against a typo of a few extra digits.
ADJUSTMENT_LIMIT = 100_000


class StockError(ValueError):
    """A stock change that cannot be made now; the message says why. The admin answers 409."""

    status = 409


def stock_take(
    *,
    variant_id: int,
    quantity: int,
    kind: str = StockMovementKind.SALE,
    reason: str = "",
    actor=None,
    reference: str = "",
) -> bool:
    """Take `quantity` units; False (and nothing changed) when fewer are left. Untracked
    variants always succeed. Call inside the order's transaction, lines in pk order."""
    with transaction.atomic():
        if Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(
            stock=F("stock") - quantity
        ):
            _record(variant_id, -quantity, kind, reason=reason, actor=actor, reference=reference)
            return True
    return Variant.objects.filter(pk=variant_id, stock__isnull=True).exists()


def stock_release(
    *, variant_id: int, quantity: int, kind: str, reason: str = "", actor=None, reference: str = ""
) -> None:
    """Put `quantity` units back: a cancelled or expired order (kind CANCELLATION), a
    restocked return (RETURN_RESTOCK). Untracked variants are left as they are."""
    with transaction.atomic():
        if Variant.objects.filter(pk=variant_id, stock__isnull=False).update(
            stock=F("stock") + quantity
        ):
            _record(variant_id, quantity, kind, reason=reason, actor=actor, reference=reference)


def stock_adjust(
    *, variant_id: int, change: int, reason: str, actor=None, key: str | None = None
) -> StockMovement:
    """Add (`change` > 0) or take away units by hand, with a reason: a delivery, a count,
    damaged goods. One conditional UPDATE relative to the stock as it is, so a sale made
    while the page was open is kept; never below zero. The same `key` (the form's) makes the
    adjustment once. Raises StockError with what to do."""
    reason = reason.strip()
    if not reason:
        raise StockError("Say why the stock changes.")
    if not change or abs(change) > ADJUSTMENT_LIMIT:
        raise StockError(f"Change the stock by 1 to {ADJUSTMENT_LIMIT:,} units, up or down.")
    if key and (done := StockMovement.objects.filter(idempotency_key=key).first()):
        return done
    try:
        with transaction.atomic():
            rows = Variant.objects.filter(pk=variant_id, stock__isnull=False)
            if change < 0:
                rows = rows.filter(stock__gte=-change)
            if not rows.update(stock=F("stock") + change):
                raise _adjust_refusal(variant_id, change)
            return _record(
                variant_id,
                change,
                StockMovementKind.ADJUSTMENT,
                reason=reason,
                actor=actor,
                key=key,
            )
    except IntegrityError:
        if key and (done := StockMovement.objects.filter(idempotency_key=key).first()):
            return done  # the same form, sent twice at once: the other one made it
        raise


def _adjust_refusal(variant_id: int, change: int) -> StockError:
    found = list(Variant.objects.filter(pk=variant_id).values_list("stock", flat=True))
    if not found:
        return StockError("This pack no longer exists.")
    stock = found[0]
    if stock is None:
        return StockError("Stock is not tracked for this pack: start tracking it first.")
    return StockError(
        f"Only {stock} in stock now: taking away {-change} would leave fewer than none."
    )


def stock_start_tracking(
    *, variant_id: int, units: int, reason: str = "", actor=None
) -> StockMovement:
    """Count an untracked pack's stock for the first time (or a new pack's opening stock)."""
    if units < 0:
        raise StockError("Stock cannot be less than zero.")
    with transaction.atomic():
        if not Variant.objects.filter(pk=variant_id, stock__isnull=True).update(stock=units):
            raise StockError("Stock is already tracked for this pack: adjust it instead.")
        return _record(
            variant_id,
            units,
            StockMovementKind.INITIAL,
            reason=reason or "Stock counted",
            actor=actor,
        )


def stock_record_initial(*, variant: Variant, reason: str = "", actor=None) -> None:
    """The opening stock of a pack just made with a stock count (the admin's "Add pack", the
    demo): its first movement."""
    if variant.stock is not None:
        _record(
            variant.pk,
            variant.stock,
            StockMovementKind.INITIAL,
            reason=reason or "Opening stock",
            actor=actor,
        )


def _record(
    variant_id: int,
    change: int,
    kind: str,
    *,
    reason: str = "",
    actor=None,
    reference: str = "",
    key: str | None = None,
) -> StockMovement:
    variant = Variant.objects.select_related("product").get(pk=variant_id)
    movement = StockMovement.objects.create(
        variant=variant,
        kind=kind,
        change=change,
        stock_after=variant.stock,
        reason=reason[:300],
        reference=reference[:80],
        actor=actor if getattr(actor, "pk", None) else None,
        idempotency_key=key or None,
    )
    before = variant.stock - change
    if kind != StockMovementKind.INITIAL and before > variant.low_stock_threshold >= variant.stock:
        _notify_low_stock(variant, movement)
    return movement


def _pack_and_left(variant: Variant) -> tuple[str, str]:
    pack = f"{variant.product.title}, {variant.name} ({variant.sku})"
    return pack, "sold out" if variant.stock == 0 else f"{variant.stock} left"


def _stock_page_url(variant: Variant) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse("packs:stock", args=[variant.pk])


def _notify_low_stock(variant: Variant, movement: StockMovement) -> None:
    pack, left = _pack_and_left(variant)
    cause = movement.get_kind_display().lower()
    if movement.reference:
        cause += f", {movement.reference}"
    url = _stock_page_url(variant)
    notify_staff(
        event=StaffEvent.LOW_STOCK,
        # One crossing, one email: the movement that crossed names it.
        key=f"low_stock:{variant.pk}:{movement.pk}",
        subject=f"Low stock: {pack}, {left}",
        body=(
            f"{pack} is {left}: its low-stock threshold is {variant.low_stock_threshold}.\n"
            f"Last change: {movement.change:+d} ({cause}).\n\n"
            f"Restock or adjust it here:\n{url}\n\n"
            "You will not be emailed again for this pack until its stock has gone back above "
            "the threshold and falls again.\n"
        ),
    )


def low_stock_remind(*, today: date | None = None) -> int:
    """The daily reminder: one staff email per active tracked pack at or under its low-stock
    threshold (sold out included), keyed by the pack and the day (in TIME_ZONE), so running
    it again that day sends nothing more. Returns how many were queued."""
    today = today or timezone.localdate()
    queued = 0
    low = Variant.objects.filter(
        active=True, stock__isnull=False, stock__lte=F("low_stock_threshold")
    ).select_related("product")
    for variant in low.order_by("pk"):
        pack, left = _pack_and_left(variant)
        queued += notify_staff(
            event=StaffEvent.LOW_STOCK,
            key=f"low_stock_daily:{variant.pk}:{today.isoformat()}",
            subject=f"Still low on stock: {pack}, {left}",
            body=(
                f"{pack} is {left}: its low-stock threshold is {variant.low_stock_threshold}.\n\n"
                f"Restock or adjust it here:\n{_stock_page_url(variant)}\n\n"
                "This reminder comes once a day while the pack stays at or under its "
                "threshold.\n"
            ),
        )
    return queued
