"""Customers, as the orders and the accounts know them: one row per email address.

A customer is a lower-cased email: the account's email for orders placed signed in, the
order's email for guest orders (so a guest's orders are grouped by email, and a guest who
later opened an account with that email is one customer). Accounts without any order are
customers too (staff accounts are not). Every figure is aggregated in the database: one query
for a page of the list or a whole export, whatever the number of customers and orders.

Figures count paid orders only (an unpaid or expired checkout is not a purchase): orders,
spent (their totals as paid), refunded (Order.refunded_amount), first and last order."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    DecimalField,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower, LPad, Substr, Trim

from apothecary.core.money import ZERO, money_field_kwargs, quantize
from apothecary.orders.models import Order

COLUMNS = (
    "key",
    "name",
    "has_account",
    "order_count",
    "spent",
    "refunded",
    "first_order",
    "last_order",
    "order_ref",
    "user_ref",
)
# The newest order's name: the maximum of "<order id, zero-padded>|<name>", cut after the bar.
PK_WIDTH = 12


def _money(value) -> Value:
    return Value(value, output_field=DecimalField(**money_field_kwargs()))


def customer_key():
    """The expression of an order's customer: its account's email, else its own, lower-cased."""
    return Lower(Coalesce("user__email", "email"))


def _from_orders(orders: QuerySet) -> QuerySet:
    paid = Q(paid_at__isnull=False)
    account_by_email = Exists(get_user_model().objects.filter(email__iexact=OuterRef("email")))
    latest_name = Max(
        Concat(LPad(Cast("pk", CharField()), PK_WIDTH, Value("0")), Value("|"), "shipping_name")
    )
    return (
        orders.order_by()
        .alias(account_by_email=account_by_email)
        .values(key=customer_key())
        .annotate(
            name=Substr(latest_name, PK_WIDTH + 2),
            has_account=Max(
                Value(1), filter=Q(user__isnull=False) | Q(account_by_email=True), default=0
            ),
            order_count=Count("pk", filter=paid),
            spent=Coalesce(Sum("total", filter=paid), _money(ZERO)),
            refunded=Coalesce(Sum("refunded_amount", filter=paid), _money(ZERO)),
            first_order=Min("created_at", filter=paid),
            last_order=Max("created_at", filter=paid),
            order_ref=Max("number"),
            user_ref=Max("user_id"),
        )
        .values(*COLUMNS)
    )


def _accounts_without_orders() -> QuerySet:
    """Customer accounts that no order belongs to, neither by account nor by email."""
    guest_orders = Order.objects.filter(user__isnull=True, email__iexact=OuterRef("email"))
    no_time = Value(None, output_field=DateTimeField())
    return (
        get_user_model()
        .objects.filter(is_staff=False, orders__isnull=True)
        .exclude(Exists(guest_orders))
        .order_by()
        .annotate(
            key=Lower("email"),
            name=Trim(Concat("first_name", Value(" "), "last_name")),
            has_account=Value(1, output_field=IntegerField()),
            order_count=Value(0, output_field=IntegerField()),
            spent=_money(ZERO),
            refunded=_money(ZERO),
            first_order=no_time,
            last_order=no_time,
            order_ref=Value("", output_field=CharField()),
            user_ref=Cast("pk", IntegerField()),
        )
        .values(*COLUMNS)
    )


def _searched(rows: QuerySet, search: str) -> QuerySet:
    if not search:
        return rows
    return rows.filter(Q(key__icontains=search) | Q(name__icontains=search))


def customer_rows(*, search: str = "", account: bool | None = None) -> QuerySet:
    """Every customer as a dict of COLUMNS, unordered: order it by those names (the caller
    adds "key" to make the order total). `search` finds a part of the email or the name;
    `account` keeps only those with (True) or without (False) an account."""
    rows = _searched(_from_orders(Order.objects.all()), search)
    if account is not None:
        rows = rows.filter(has_account=1 if account else 0)
    if account is False:
        return rows
    return rows.union(_searched(_accounts_without_orders(), search), all=True)


@dataclass(frozen=True)
class CustomerFigures:
    key: str
    name: str
    has_account: bool
    order_count: int
    spent: Decimal
    refunded: Decimal
    first_order: datetime | None
    last_order: datetime | None


def customer_orders(key: str) -> QuerySet:
    """Every order of the customer `key`, paid or not, newest first."""
    return Order.objects.alias(customer=customer_key()).filter(customer=key)


def customer_figures(key: str) -> CustomerFigures | None:
    """The list's figures of one customer (one query), or None when nobody has that email."""
    rows = _from_orders(customer_orders(key))
    row = next(iter(rows), None)
    if row is None:
        account = get_user_model().objects.filter(email__iexact=key).first()
        if account is None:
            return None
        name = account.get_full_name()
        return CustomerFigures(key, name, True, 0, ZERO, ZERO, None, None)
    values = {name: row[name] for name in COLUMNS if name not in ("order_ref", "user_ref")}
    values["has_account"] = bool(values["has_account"])
    values["spent"], values["refunded"] = quantize(values["spent"]), quantize(values["refunded"])
    return CustomerFigures(**values)
