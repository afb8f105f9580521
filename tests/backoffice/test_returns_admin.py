"""Returns in the back office: the list, the detail page, and its actions through
return_transition (approve, reject, mark received, refund)."""

import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core import mail

from apothecary.catalog.models import Variant
from apothecary.orders.models import Order, OrderStatus, ReturnRequest, ReturnStatus
from apothecary.orders.returns import return_request_create, return_transition
from apothecary.orders.services import order_deliver, order_ship

from .builders import make_order, make_store, paid

pytestmark = pytest.mark.django_db

RETURN_LINK = re.compile(r'href="/admin/returns/(\d+)/"')


def delivered(order: Order, *, with_payment=True) -> Order:
    """Paid (by a confirmed dummy payment unless told otherwise), shipped and delivered."""
    paid(order, with_payment=with_payment)
    order_ship(order=order, carrier="USPS", tracking_number="1Z")
    return order_deliver(order=order)


def ask_return(order: Order, *, quantity=1, reason="Opened by mistake") -> ReturnRequest:
    line = order.lines.get()
    return return_request_create(order=order, quantities={line.pk: quantity}, reason=reason)


def moved(return_request: ReturnRequest, *statuses) -> ReturnRequest:
    for status in statuses:
        return_transition(request=return_request, to=status)
    return return_request


def url(return_request, action=""):
    return f"/admin/returns/{return_request.pk}/" + (f"{action}/" if action else "")


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in RETURN_LINK.findall(response.content.decode())]


def seen(client, return_request, action) -> str:
    """The hidden state the page's form of `action` carries, as a browser would send it."""
    html = client.get(url(return_request)).content.decode()
    match = re.search(rf'name="{action}-seen" value="([^"]*)"', html)
    assert match, f"no {action} form on the page"
    return match.group(1)


def offered(client, return_request) -> list[str]:
    html = client.get(url(return_request)).content.decode()
    return re.findall(r'<form method="post" action="/admin/returns/\d+/([a-z]+)/"', html)


def said(response) -> list[str]:
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


@pytest.fixture
def store():
    return make_store(stock=10)


@pytest.fixture
def order(store):
    """Two packs at 10.00 and 5.00 shipping (25.00), paid by a dummy payment, delivered."""
    variant, rate = store
    return delivered(
        make_order(variant, rate, quantity=2, name="Grace Hopper", email="grace@example.com")
    )


@pytest.fixture
def returns(store):
    """Three returns of three delivered orders: requested, approved, refunded; oldest first."""
    variant, rate = store
    made = {}
    for status, email in [
        ("requested", "ada@example.com"),
        ("approved", "alan@example.com"),
        ("refunded", "emmy@example.com"),
    ]:
        order = delivered(make_order(variant, rate, email=email))
        made[status] = ask_return(order)
    moved(made["approved"], ReturnStatus.APPROVED)
    moved(made["refunded"], ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.REFUNDED)
    return made


def pks(returns, *names):
    return [returns[name].pk for name in names]


# The list.


def menu_items(html: str) -> list:
    """The (label, url or submenu) items of the admin's main menu, from the sidebar's props."""
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)
    main = next(m for m in json.loads(props)["modules"] if m["_type"].endswith("MainMenuModule"))

    def read(item):
        attrs, *children = item["_args"]
        if item["_type"].endswith("SubMenuItem"):
            return (attrs["label"], [read(child) for child in children[0]])
        return (attrs["label"], attrs.get("url"))

    return [read(item) for item in main["_args"][0]]


def test_returns_come_right_after_orders_in_the_store_menu(admin_client):
    items = dict(menu_items(admin_client.get("/admin/").content.decode()))

    assert items["Store"][:2] == [("Orders", "/admin/orders/"), ("Returns", "/admin/returns/")]


def test_the_list_shows_each_return_with_its_columns_newest_first(admin_client, returns):
    response = admin_client.get("/admin/returns/")

    html = response.content.decode()
    assert listed(response) == pks(returns, "refunded", "approved", "requested")
    order = returns["requested"].order
    sku = order.lines.get().sku
    assert re.search(rf'href="/admin/orders/{order.number}/">\s*{order.number}\s*</a>', html)
    assert "ada@example.com" in html
    assert "Requested" in html
    assert "Approved" in html
    assert "Refunded" in html
    assert f"1 × {sku}" in html
    assert "$10.00" in html
    assert "Add return" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=requested", ["requested"]),
        ("status=approved&status=refunded", ["refunded", "approved"]),
        ("status=rejected", []),
    ],
)
def test_the_status_filter_finds_exactly_the_right_returns(admin_client, returns, query, expected):
    response = admin_client.get(f"/admin/returns/?{query}")

    assert listed(response) == pks(returns, *expected)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ALAN@example", ["approved"]),
        ("example.com", ["refunded", "approved", "requested"]),
        ("nobody@nowhere", []),
    ],
)
def test_search_finds_returns_by_email(admin_client, returns, term, expected):
    response = admin_client.get("/admin/returns/", {"q": term})

    assert listed(response) == pks(returns, *expected)


def test_search_finds_a_return_by_its_order_number(admin_client, returns):
    number = returns["approved"].order.number

    response = admin_client.get("/admin/returns/", {"q": number.lower()})

    assert listed(response) == pks(returns, "approved")


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_runs_a_bounded_number_of_queries(
    admin_client, store, django_assert_max_num_queries, count
):
    variant, rate = store
    Variant.objects.filter(pk=variant.pk).update(stock=100)
    for n in range(count):
        ask_return(delivered(make_order(variant, rate, email=f"buyer{n}@example.com")))
    admin_client.get("/admin/")  # the session and the admin's first-visit writes

    # The amounts read each order's lines and refunds: three prefetches, whatever the count.
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/returns/?status=requested")

    assert len(listed(response)) == count


def test_returns_cannot_be_added_edited_or_deleted_as_a_model_form(admin_client, returns):
    pk = returns["requested"].pk

    assert admin_client.get("/admin/returns/new/").status_code == 404
    assert admin_client.get(f"/admin/returns/edit/{pk}/").status_code == 404
    assert admin_client.post(f"/admin/returns/delete/{pk}/").status_code == 404
    assert ReturnRequest.objects.filter(pk=pk).exists()


# The detail page.


def test_the_detail_shows_the_order_lines_amount_reason_and_status(admin_client, order):
    return_request = ask_return(order, quantity=2, reason="Skin reaction.\nSecond line.")
    line = order.lines.get()

    response = admin_client.get(url(return_request))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="/admin/orders/{order.number}/">{order.number}</a> (delivered)' in html
    assert "Grace Hopper" in html
    assert "grace@example.com" in html
    assert "Back Office Patch" in html
    assert f"<code>{line.sku}</code>" in html
    assert re.search(r'<td class="num">2</td>\s*<td class="num">\$20\.00</td>', html)
    assert "$20.00" in html
    assert "Skin reaction.<br>Second line." in html
    assert "Requested" in html


@pytest.mark.parametrize(
    ("statuses", "actions"),
    [
        ((), ["approve", "reject"]),
        ((ReturnStatus.APPROVED,), ["reject", "receive"]),
        ((ReturnStatus.APPROVED, ReturnStatus.RECEIVED), ["refund"]),
        ((ReturnStatus.REJECTED,), []),
        ((ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.REFUNDED), []),
    ],
)
def test_only_the_actions_the_status_allows_are_offered(admin_client, order, statuses, actions):
    return_request = moved(ask_return(order), *statuses)

    assert offered(admin_client, return_request) == actions


def test_the_refund_form_shows_the_amount_of_the_lines(admin_client, order):
    return_request = moved(ask_return(order), ReturnStatus.APPROVED, ReturnStatus.RECEIVED)

    html = admin_client.get(url(return_request)).content.decode()

    assert "Gives <strong>$10.00</strong> back through the payment provider" in html
    assert "Refund $10.00</button>" in html


def test_the_reason_comes_back_escaped(admin_client, order):
    return_request = ask_return(order, reason='<script>alert("x")</script><b>bold</b>')

    html = admin_client.get(url(return_request)).content.decode()

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<script>alert("x")' not in html
    assert "<b>bold</b>" not in html


def test_the_order_detail_lists_its_returns_with_links(admin_client, order):
    first = moved(ask_return(order), ReturnStatus.REJECTED)
    second = ask_return(order)

    html = admin_client.get(f"/admin/orders/{order.number}/").content.decode()

    assert 'id="order-returns-heading"' in html
    assert f'<a href="/admin/returns/{first.pk}/">Return {first.pk}</a>' in html
    assert f'<a href="/admin/returns/{second.pk}/">Return {second.pk}</a>' in html


def test_an_order_without_returns_has_no_returns_panel(admin_client, order):
    html = admin_client.get(f"/admin/orders/{order.number}/").content.decode()

    assert 'id="order-returns-heading"' not in html


def test_the_detail_runs_a_bounded_number_of_queries(
    admin_client, store, django_assert_max_num_queries
):
    variant, rate = store
    order = delivered(make_order(variant, rate, quantity=3))
    return_request = ask_return(order, quantity=3)
    admin_client.get("/admin/")

    with django_assert_max_num_queries(11):
        response = admin_client.get(url(return_request))

    assert response.status_code == 200


def test_an_unknown_return_or_action_is_not_found(admin_client, order):
    return_request = ask_return(order)

    assert admin_client.get("/admin/returns/999999/").status_code == 404
    assert admin_client.post(url(return_request, "explode"), {}).status_code == 404


def test_actions_take_only_posts(admin_client, order):
    return_request = ask_return(order)

    assert admin_client.get(url(return_request, "approve")).status_code == 405
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.REQUESTED


# The actions.


def test_approve_moves_the_return_and_emails_the_customer(
    admin_client, order, django_capture_on_commit_callbacks
):
    return_request = ask_return(order)
    data = {"approve-seen": seen(admin_client, return_request, "approve")}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(return_request, "approve"), data)

    assert response.status_code == 302
    assert response["Location"] == url(return_request)
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.APPROVED
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["grace@example.com"], f"B12 Patch: Your return for order {order.number} is approved")
    ]
    assert said(response) == [
        f"Return {return_request.pk} of order {order.number} approved; "
        "the customer is told how to send it."
    ]


def test_reject_needs_a_note_to_the_customer(
    admin_client, order, django_capture_on_commit_callbacks
):
    return_request = ask_return(order)
    data = {"reject-seen": seen(admin_client, return_request, "reject"), "reject-note": "  "}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(return_request, "reject"), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "The return was not changed: please correct the errors below." in html
    assert "This field is required." in html
    return_request.refresh_from_db()
    assert (return_request.status, return_request.staff_note) == (ReturnStatus.REQUESTED, "")
    assert mail.outbox == []


def test_reject_sends_the_note_to_the_customer(
    admin_client, order, django_capture_on_commit_callbacks
):
    return_request = ask_return(order)
    data = {
        "reject-seen": seen(admin_client, return_request, "reject"),
        "reject-note": " Opened patches cannot be returned. ",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(return_request, "reject"), data)

    assert response.status_code == 302
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.REJECTED
    assert return_request.staff_note == "Opened patches cannot be returned."
    assert len(mail.outbox) == 1
    assert "Opened patches cannot be returned." in mail.outbox[0].body


@pytest.mark.parametrize(("restock", "stock"), [("on", 10), (None, 8)])
def test_mark_received_puts_the_units_back_in_stock_only_when_asked(
    admin_client, order, restock, stock
):
    variant = Variant.objects.get(pk=order.lines.get().variant_id)
    assert variant.stock == 8
    return_request = moved(ask_return(order, quantity=2), ReturnStatus.APPROVED)
    data = {"receive-seen": seen(admin_client, return_request, "receive")}
    if restock:
        data["receive-restock"] = restock

    response = admin_client.post(url(return_request, "receive"), data)

    assert response.status_code == 302
    return_request.refresh_from_db()
    variant.refresh_from_db()
    assert return_request.status == ReturnStatus.RECEIVED
    assert return_request.restocked is bool(restock)
    assert variant.stock == stock


def test_refund_gives_the_lines_value_back_through_the_provider(
    admin_client, order, django_capture_on_commit_callbacks
):
    return_request = moved(ask_return(order), ReturnStatus.APPROVED, ReturnStatus.RECEIVED)
    data = {"refund-seen": seen(admin_client, return_request, "refund")}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(return_request, "refund"), data)

    assert response.status_code == 302
    return_request.refresh_from_db()
    order.refresh_from_db()
    assert return_request.status == ReturnStatus.REFUNDED
    assert order.refunded_amount == Decimal("10.00")
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.payments.get().captured_amount == Decimal("15.00")
    assert order.lines.get().refunded_quantity == 1
    assert [m.subject for m in mail.outbox if "refunded" in m.subject] == [
        f"B12 Patch: Your return for order {order.number} is refunded"
    ]


def test_an_action_the_status_does_not_allow_is_refused(
    admin_client, order, django_capture_on_commit_callbacks
):
    return_request = ask_return(order)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(return_request, "refund"), {"refund-seen": "requested"})

    assert response.status_code == 409
    assert (
        f"Refund is not possible: return {return_request.pk} is requested. Nothing was changed."
        in response.content.decode()
    )
    return_request.refresh_from_db()
    order.refresh_from_db()
    assert return_request.status == ReturnStatus.REQUESTED
    assert (order.status, order.refunded_amount) == (OrderStatus.DELIVERED, Decimal("0.00"))
    assert mail.outbox == []


def test_an_action_from_a_stale_page_is_refused(admin_client, order):
    return_request = ask_return(order)
    stale = seen(admin_client, return_request, "reject")
    moved(return_request, ReturnStatus.APPROVED)  # someone else approved it meanwhile

    response = admin_client.post(
        url(return_request, "reject"), {"reject-seen": stale, "reject-note": "No."}
    )

    assert response.status_code == 409
    assert (
        f"Return {return_request.pk} changed since this page was opened: it is now approved."
        in response.content.decode()
    )
    return_request.refresh_from_db()
    assert (return_request.status, return_request.staff_note) == (ReturnStatus.APPROVED, "")


def test_a_double_submitted_approval_approves_once(
    admin_client, order, django_capture_on_commit_callbacks
):
    return_request = ask_return(order)
    data = {"approve-seen": seen(admin_client, return_request, "approve")}

    with django_capture_on_commit_callbacks(execute=True):
        first = admin_client.post(url(return_request, "approve"), data)
        second = admin_client.post(url(return_request, "approve"), data)

    assert (first.status_code, second.status_code) == (302, 409)
    assert len(mail.outbox) == 1


def test_a_refund_the_provider_cannot_make_is_a_message_not_an_error(store, admin_client):
    variant, rate = store
    order = delivered(make_order(variant, rate), with_payment=False)  # marked paid, no payment
    return_request = moved(ask_return(order), ReturnStatus.APPROVED, ReturnStatus.RECEIVED)

    response = admin_client.post(
        url(return_request, "refund"), {"refund-seen": seen(admin_client, return_request, "refund")}
    )

    assert response.status_code == 409
    assert (
        f"Order {order.number} has no confirmed payment to refund. Nothing was changed."
        in response.content.decode()
    )
    return_request.refresh_from_db()
    order.refresh_from_db()
    assert return_request.status == ReturnStatus.RECEIVED
    assert (order.status, order.refunded_amount) == (OrderStatus.DELIVERED, Decimal("0.00"))
    assert order.lines.get().refunded_quantity == 0


# Who may see and act.


def staff(django_user_model, email, *codenames):
    """A person who may enter the Wagtail admin, with these order permissions."""
    user = django_user_model.objects.create_user(email=email, password="pw-123456", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="orders", codename__in=codenames),
    )
    return user


def pages(return_request):
    return ["/admin/returns/", "/admin/returns/results/", url(return_request)]


def test_anonymous_visitors_are_sent_to_the_login(client, order):
    return_request = ask_return(order)

    for page in pages(return_request):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")


def test_a_customer_account_gets_no_access(client, django_user_model, order):
    return_request = ask_return(order)
    client.force_login(
        django_user_model.objects.create_user(email="eve@example.com", password="pw")
    )

    for page in pages(return_request):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = client.post(url(return_request, "approve"), {"approve-seen": "requested"})
    assert response.status_code == 302
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.REQUESTED


@pytest.mark.parametrize("codenames", [(), ("view_order",)])
def test_staff_without_the_orders_change_permission_are_refused(
    client, django_user_model, order, codenames
):
    return_request = ask_return(order)
    client.force_login(staff(django_user_model, "editor@example.com", *codenames))

    for page in pages(return_request):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert "Returns" not in client.get("/admin/").content.decode()
    response = client.post(url(return_request, "approve"), {"approve-seen": "requested"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.REQUESTED


def test_the_orders_change_permission_may_see_and_act(client, django_user_model, order):
    return_request = ask_return(order)
    client.force_login(staff(django_user_model, "packer@example.com", "change_order"))

    assert [client.get(page).status_code for page in pages(return_request)] == [200, 200, 200]
    response = client.post(url(return_request, "approve"), {"approve-seen": "requested"})

    assert response.status_code == 302
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.APPROVED


def test_no_return_permissions_are_offered_to_groups(admin_client):
    html = admin_client.get("/admin/groups/new/").content.decode()

    for codename in ["view_returnrequest", "change_returnrequest", "add_returnrequest"]:
        pk = Permission.objects.get(codename=codename).pk
        assert f'name="permissions" value="{pk}"' not in html
