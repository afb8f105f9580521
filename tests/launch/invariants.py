"""The invariants every load or fault test checks when it is done (LAUNCH-TESTS.md):

- no tracked pack has negative stock (the column is unsigned, so this also guards a schema
  change), and its stock went down by exactly the units orders took since the start (units
  held by every order but a cancelled one, less those put back on the shelf by a return);
- a provider's session or order (Payment.transaction_id) belongs to at most one order;
- an order gets at most one confirmation email and at most one "payment received" email;
- an order earns at most one commission.

Call `stock_before()` at the start of the test, then `check_invariants(before, emails=…)`.
"""

from collections import Counter

from django.core import mail
from django.db.models import Count, Q, Sum

from apothecary.affiliates.models import Commission
from apothecary.catalog.models import StockMovementKind, Variant
from apothecary.orders.models import OrderLine, OrderStatus
from apothecary.payments.models import Payment


def stock_before() -> dict[int, tuple[int, int]]:
    """Stock of every tracked pack and the units orders hold of it, by pack id (the demo's
    seeded orders hold units already)."""
    stock = dict(Variant.objects.filter(stock__isnull=False).values_list("pk", "stock"))
    held = _held_units(stock)
    return {pk: (units, held.get(pk, 0)) for pk, units in stock.items()}


def _held_units(variant_ids) -> dict[int, int]:
    held = (
        OrderLine.objects.filter(variant_id__in=variant_ids)
        .exclude(order__status=OrderStatus.CANCELLED)
        .values("variant_id")
        .annotate(units=Sum("quantity"))
    )
    units = {row["variant_id"]: row["units"] for row in held}
    restocked = (
        Variant.objects.filter(pk__in=variant_ids)
        .annotate(
            back=Sum(
                "stock_movements__change",
                filter=Q(stock_movements__kind=StockMovementKind.RETURN_RESTOCK),
            )
        )
        .values_list("pk", "back")
    )
    for pk, back in restocked:
        units[pk] = units.get(pk, 0) - (back or 0)
    return units


def invariant_problems(before: dict[int, tuple[int, int]], *, emails=None) -> list[str]:
    """Each broken invariant, in words; empty when all hold. `emails` defaults to the test
    mail outbox (django.core.mail.outbox)."""
    problems = []
    held = _held_units(before)
    for variant in Variant.objects.filter(pk__in=before):
        if variant.stock < 0:
            problems.append(f"pack {variant.sku}: stock {variant.stock} is negative")
        start, held_at_start = before[variant.pk]
        taken = held.get(variant.pk, 0) - held_at_start
        if variant.stock != start - taken:
            problems.append(
                f"pack {variant.sku}: stock {variant.stock}, but {start} at the start less "
                f"{taken} since held by orders is {start - taken}"
            )
    shared = (
        Payment.objects.exclude(transaction_id="")
        .values("transaction_id")
        .annotate(orders=Count("order", distinct=True))
        .filter(orders__gt=1)
    )
    problems += [
        f"provider reference {row['transaction_id']} belongs to {row['orders']} orders"
        for row in shared
    ]
    outbox = mail.outbox if emails is None else emails
    subjects = Counter(message.subject for message in outbox)
    problems += [
        f"{count} emails {subject!r}"
        for subject, count in subjects.items()
        if count > 1 and ("We have your order" in subject or "Payment received" in subject)
    ]
    doubled = (
        Commission.objects.filter(kind="commission")
        .values("order_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    problems += [f"order {row['order_id']} has {row['n']} commissions" for row in doubled]
    return problems


def check_invariants(before: dict[int, tuple[int, int]], *, emails=None) -> None:
    problems = invariant_problems(before, emails=emails)
    assert not problems, "invariants broken:\n" + "\n".join(problems)
