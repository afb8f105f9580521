import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from apothecary.catalog.models import Variant
from apothecary.checkout.models import ShippingZone
from apothecary.orders.models import Order, OrderStatus
from apothecary.orders.services import order_mark_paid
from tests.store import make_cart, make_discount, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate(db):
    """Standard shipping, $5.00, to the US and Canada, with 10% tax; the only zone."""
    ShippingZone.objects.update(active=False)
    return make_zone(countries="US, CA", tax_rate="10", price="5.00")


@pytest.fixture
def variant(db):
    product = make_product(title="Test Patch", variants=((30, "10.00", 1, 20),))
    return Variant.objects.get(product=product)


def use_cart(client, cart):
    session = client.session
    session["cart_token"] = str(cart.token)
    session.save()


def details(rate, **changes):
    data = {
        "email": "ada@example.com",
        "shipping_name": "Ada Reader",
        "shipping_line1": "1 Main St",
        "shipping_line2": "",
        "shipping_city": "Springfield",
        "shipping_region": "IL",
        "shipping_postcode": "62701",
        "shipping_country": "US",
        "phone": "",
        "billing_same": "on",
        "shipping_rate": str(rate.pk),
        "discount_code": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def key_of(response) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', text(response)).group(1)


def to_review(client, cart, rate, **changes):
    use_cart(client, cart)
    response = client.post("/checkout/", details(rate, **changes))
    assert response.status_code == 302, text(response)
    assert response["Location"] == "/checkout/review/"
    return client.get("/checkout/review/")


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, rate):
    response = client.get("/checkout/", follow=True)

    assert response.redirect_chain == [("/cart/", 302)]
    assert "Your cart is empty: add a pack before you check out." in text(response)


def test_the_details_page_offers_the_zone_countries_and_their_methods(client, rate, variant):
    use_cart(client, make_cart((variant, 2)))

    response = client.get("/checkout/")

    html = text(response)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    select = re.search(r'<select name="shipping_country".*?</select>', html).group(0)
    countries = re.findall(r'<option value="([A-Z]{2})"', select)
    assert countries == ["CA", "US"]
    assert re.search(r'<option value="US" selected>United States</option>', html)
    assert f'value="{rate.pk}"' in html and "Standard: <strong>$5.00</strong>" in html
    assert re.search(r'<input type="checkbox" name="billing_same"[^>]* checked', html)
    assert 'autocomplete="shipping address-line1"' in html
    assert "Test Patch, 30 patches" in html and "$20.00" in html


def test_valid_details_lead_to_a_review_with_the_full_breakdown(client, rate, variant):
    make_discount(code="TEN", value="10")

    response = to_review(client, make_cart((variant, 2)), rate, discount_code="ten")

    html = text(response)
    assert response.status_code == 200
    # goods 20.00 − 10% = 18.00; shipping 5.00; tax 10% of 23.00 = 2.30; total 25.30
    assert '<th scope="row" colspan="3">Subtotal</th><td>$20.00</td>' in html
    assert "Discount (TEN)</th><td>$2.00 off</td>" in html
    assert "Shipping: Standard</th><td>$5.00</td>" in html
    assert "Tax (10%)</th><td>$2.30</td>" in html
    assert "Total</th><td>$25.30</td>" in html
    assert "Ada Reader<br>1 Main St<br>Springfield, Illinois 62701<br>United States" in html
    assert client.session["checkout_key"] == key_of(response)


def test_placing_the_order_takes_stock_empties_the_cart_and_goes_to_payment(client, rate, variant):
    cart = make_cart((variant, 2))
    key = key_of(to_review(client, cart, rate))

    response = client.post("/checkout/place/", {"idempotency_key": key})

    order = Order.objects.get(idempotency_key=key)
    assert response.status_code == 302
    assert response["Location"] == f"/payments/pay/{order.token}/"
    assert (order.email, order.total, order.status) == (
        "ada@example.com",
        Decimal("27.50"),
        OrderStatus.PENDING_PAYMENT,
    )
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines.all()] == [
        (variant.sku, 2, Decimal("10.00"))
    ]
    variant.refresh_from_db()
    assert variant.stock == 18
    assert cart.lines.count() == 0
    assert "checkout_details" not in client.session


def test_placing_twice_with_the_same_key_makes_one_order(client, rate, variant):
    key = key_of(to_review(client, make_cart((variant, 2)), rate))

    first = client.post("/checkout/place/", {"idempotency_key": key})
    second = client.post("/checkout/place/", {"idempotency_key": key})

    assert Order.objects.filter(idempotency_key=key).count() == 1
    assert first["Location"] == second["Location"]
    variant.refresh_from_db()
    assert variant.stock == 18


def test_a_concurrent_second_submit_finds_the_order_the_first_made(client, rate, variant):
    # The second request read the session before the first one saved it: the key is still
    # the session's, the cart already empty.
    cart = make_cart((variant, 1))
    key = key_of(to_review(client, cart, rate))
    order = place_order(cart=cart, rate=rate, key=key)

    response = client.post("/checkout/place/", {"idempotency_key": key})

    assert response["Location"] == f"/payments/pay/{order.token}/"
    assert Order.objects.filter(idempotency_key=key).count() == 1


@pytest.mark.parametrize(
    "post",
    [
        {"idempotency_key": "0" * 32},
        {"idempotency_key": ""},
        {},
    ],
)
def test_a_key_this_session_was_not_given_places_nothing(client, rate, variant, post):
    to_review(client, make_cart((variant, 1)), rate)
    orders = Order.objects.count()

    response = client.post("/checkout/place/", post)

    assert response.status_code == 400
    assert "This page was out of date, so nothing was ordered." in text(response)
    assert Order.objects.count() == orders
    variant.refresh_from_db()
    assert variant.stock == 20


def test_another_customers_key_does_not_reveal_their_order(client, rate, variant):
    other = place_order(cart=make_cart((variant, 1)), rate=rate, key="f" * 32)
    to_review(client, make_cart((variant, 1)), rate)

    response = client.post("/checkout/place/", {"idempotency_key": other.idempotency_key})

    assert response.status_code == 400
    assert other.token not in response.content.decode()


@pytest.mark.parametrize(
    "tampered",
    [
        {"price": "0.01"},
        {"unit_price": "0.01", "total": "0.01"},
        {"variant": "999999", "quantity": "-5"},
        {"quantity": "1000000"},
        {"discount_code": "FREE100"},
    ],
)
def test_a_place_form_with_extra_fields_is_refused_and_nothing_happens(
    client, rate, variant, tampered
):
    key = key_of(to_review(client, make_cart((variant, 2)), rate))

    response = client.post("/checkout/place/", {"idempotency_key": key, **tampered})

    assert response.status_code == 400
    assert "The order form was changed, so nothing was ordered." in text(response)
    assert not Order.objects.filter(idempotency_key=key).exists()
    variant.refresh_from_db()
    assert variant.stock == 20


def test_a_pack_sold_out_during_checkout_shows_the_review_with_409(client, rate, variant):
    key = key_of(to_review(client, make_cart((variant, 2)), rate))
    Variant.objects.filter(pk=variant.pk).update(stock=1)

    response = client.post("/checkout/place/", {"idempotency_key": key})

    html = text(response)
    assert response.status_code == 409
    assert "Test Patch, 30 patches: only 1 left." in html
    assert "Only 1 left: lower the quantity to order this pack." in html
    assert 'action="/checkout/place/"' not in html
    assert Order.objects.count() == Order.objects.exclude(idempotency_key=key).count()
    variant.refresh_from_db()
    assert variant.stock == 1


def test_a_discount_used_up_before_placing_shows_the_details_with_the_exact_error(
    client, rate, variant
):
    code = make_discount(code="ONCE", value="10", usage_limit=1)
    key = key_of(to_review(client, make_cart((variant, 2)), rate, discount_code="ONCE"))
    type(code).objects.filter(pk=code.pk).update(times_used=1)

    response = client.post("/checkout/place/", {"idempotency_key": key})

    assert response.status_code == 400
    html = text(response)
    assert "The code “ONCE” has been used up." in html
    assert 'value="Ada Reader"' in html  # nothing typed is lost
    assert not Order.objects.filter(idempotency_key=key).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"discount_code": "NOPE"}, "The code “NOPE” is not valid."),
        ({"discount_code": "OLD"}, "The code “OLD” has expired."),
        ({"discount_code": "GONE"}, "The code “GONE” has been used up."),
        ({"discount_code": "BIG"}, "The code “BIG” needs an order of at least $100.00."),
    ],
)
def test_a_discount_code_that_cannot_be_used_says_exactly_why(
    client, rate, variant, fields, message
):
    make_discount(code="OLD", ends_at=timezone.now() - timedelta(days=1))
    make_discount(code="GONE", usage_limit=2, times_used=2)
    make_discount(code="BIG", min_subtotal=Decimal("100.00"))
    use_cart(client, make_cart((variant, 1)))

    response = client.post("/checkout/", details(rate, **fields))

    assert response.status_code == 400
    assert message in text(response)
    assert "checkout_details" not in client.session


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"shipping_name": ""}, "Enter the full name."),
        ({"shipping_postcode": ""}, "Enter the ZIP or postal code."),
        ({"shipping_region": ""}, "Enter the state."),
        (
            {"shipping_region": "Narnia"},
            "Enter a state of United States: its code (e.g. NY) or its full name.",
        ),
        ({"shipping_country": "DE"}, "We do not ship to Germany yet."),
        ({"shipping_country": "XX"}, "Choose a country from the list."),
        ({"shipping_country": "USA"}, "Choose a country from the list."),
        ({"shipping_rate": "999999"}, "Choose one of the shipping methods shown for your country."),
        ({"shipping_rate": None}, "Choose a shipping method."),
        ({"phone": "call me maybe"}, "Enter a phone number with digits, spaces and + ( ) - only"),
        ({"shipping_city": "x" * 101}, "Shorten the city to 100 characters at most."),
    ],
)
def test_bad_details_come_back_with_a_clear_message_and_everything_typed(
    client, rate, variant, fields, message
):
    use_cart(client, make_cart((variant, 1)))

    response = client.post("/checkout/", details(rate, shipping_line1="22 Acacia Avenue", **fields))

    html = text(response)
    assert response.status_code == 400
    assert message in html
    assert 'value="22 Acacia Avenue"' in html
    assert 'aria-invalid="true"' in html
    assert "checkout_details" not in client.session


def test_a_rate_of_another_zone_is_refused(client, rate, variant):
    other = make_zone(countries="GB", price="1.00")
    use_cart(client, make_cart((variant, 1)))

    response = client.post("/checkout/", details(rate, shipping_rate=str(other.pk)))

    assert response.status_code == 400
    assert "Choose one of the shipping methods shown for your country." in text(response)


def test_a_region_may_be_typed_by_name_and_is_kept_as_its_code(client, rate, variant):
    cart = make_cart((variant, 1))

    review = to_review(client, cart, rate, shipping_region="illinois")

    assert client.session["checkout_details"]["shipping_region"] == "IL"
    assert "Springfield, Illinois 62701" in text(review)


def test_a_separate_billing_address_needs_its_fields_and_is_used(client, rate, variant):
    use_cart(client, make_cart((variant, 1)))

    missing = client.post("/checkout/", details(rate, billing_same=None))
    assert missing.status_code == 400
    for message in (
        "Enter the billing full name.",
        "Enter the billing address.",
        "Enter the billing country.",
    ):
        assert message in text(missing)

    billing = {
        "billing_same": None,
        "billing_name": "Bo Payer",
        "billing_line1": "9 Rue Haute",
        "billing_city": "Paris",
        "billing_postcode": "75001",
        "billing_country": "FR",
    }
    review = to_review(client, make_cart((variant, 1)), rate, **billing)
    key = key_of(review)
    client.post("/checkout/place/", {"idempotency_key": key})

    order = Order.objects.get(idempotency_key=key)
    assert "Bo Payer<br>9 Rue Haute<br>Paris 75001<br>France" in text(review)
    assert (order.billing_same_as_shipping, order.billing_name, order.billing_country) == (
        False,
        "Bo Payer",
        "FR",
    )


def test_a_country_with_no_zone_at_all_means_no_checkout(client, variant):
    ShippingZone.objects.update(active=False)
    use_cart(client, make_cart((variant, 1)))

    response = client.get("/checkout/")

    assert "no shipping destinations are set up yet" in text(response)
    assert 'action="/checkout/"' not in text(response)


def test_a_signed_in_customer_gets_their_last_address_prefilled(client, rate, variant):
    user = get_user_model().objects.create_user(email="eve@example.com", password="x-long-pw-1")
    old = place_order(cart=make_cart((variant, 1)), rate=rate, email="eve@example.com")
    Order.objects.filter(pk=old.pk).update(user=user, shipping_line1="7 Elm Road")
    client.force_login(user)
    cart = make_cart((variant, 1))
    cart.user = user
    cart.save()

    html = text(client.get("/checkout/"))

    assert 'value="eve@example.com"' in html
    assert 'value="7 Elm Road"' in html
    assert 'value="Ada Reader"' in html


def test_details_are_kept_when_going_back_from_the_review(client, rate, variant):
    to_review(client, make_cart((variant, 1)), rate, shipping_line2="Flat 3")

    html = text(client.get("/checkout/"))

    assert 'value="Flat 3"' in html
    assert 'value="ada@example.com"' in html


def test_review_without_details_goes_to_the_details(client, rate, variant):
    use_cart(client, make_cart((variant, 1)))

    response = client.get("/checkout/review/")

    assert response["Location"] == "/checkout/"


def test_a_name_with_markup_is_escaped_on_review_and_confirmation(client, rate, variant):
    review = to_review(client, make_cart((variant, 1)), rate, shipping_name="<script>x</script>")
    client.post("/checkout/place/", {"idempotency_key": key_of(review)})
    order = Order.objects.get(shipping_name="<script>x</script>")

    done = client.get(f"/checkout/done/{order.token}/")

    for response in (review, done):
        html = response.content.decode()
        assert "<script>x</script>" not in html
        assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_the_confirmation_page_shows_the_order_and_a_pay_link_until_paid(client, rate, variant):
    order = place_order(cart=make_cart((variant, 3)), rate=rate)

    pending = text(client.get(f"/checkout/done/{order.token}/"))
    order_mark_paid(order=order)
    paid = text(client.get(f"/checkout/done/{order.token}/"))

    assert f"Order {order.number}" in pending
    assert "Status: Awaiting payment." in pending
    assert f'href="/payments/pay/{order.token}/">Pay now</a>' in pending
    assert 'Test Patch<span class="line-variant">30 patches</span>' in pending
    assert "Total</th><td>$38.50</td>" in pending  # 30.00 + 5.00 + 10% tax
    assert "Status: Paid." in paid
    assert "Pay now" not in paid


def test_the_confirmation_page_is_found_by_its_token_only(client, rate, variant):
    order = place_order(cart=make_cart((variant, 1)), rate=rate)

    assert client.get("/checkout/done/not-a-token/").status_code == 404
    assert client.get(f"/checkout/done/{order.number}/").status_code == 404


@pytest.mark.parametrize("count", [1, 10])
def test_details_and_review_pages_run_a_bounded_number_of_queries(
    client, rate, django_assert_max_num_queries, count
):
    make_discount(code="TEN", value="10")
    product = make_product(variants=[(30 * (n + 1), "10.00", n + 1, 100) for n in range(count)])
    cart = make_cart(*[(v, 1) for v in Variant.objects.filter(product=product)])
    to_review(client, cart, rate, discount_code="TEN")

    with django_assert_max_num_queries(15):
        details_page = client.get("/checkout/")
    with django_assert_max_num_queries(16):  # one more than details: the region's tax rate
        review_page = client.get("/checkout/review/")

    assert details_page.status_code == review_page.status_code == 200
    assert text(review_page).count('class="line-variant"') == count


@pytest.mark.parametrize("count", [1, 10])
def test_the_confirmation_page_runs_a_bounded_number_of_queries(
    client, rate, django_assert_max_num_queries, count
):
    product = make_product(variants=[(30 * (n + 1), "10.00", n + 1, 100) for n in range(count)])
    order = place_order(
        cart=make_cart(*[(v, 1) for v in Variant.objects.filter(product=product)]), rate=rate
    )
    client.get(f"/checkout/done/{order.token}/")

    # The refunds and returns shown below the lines: two prefetches, whatever the lines; the
    # shop's order page for "Keep shopping": one.
    with django_assert_max_num_queries(11):
        client.get(f"/checkout/done/{order.token}/")
