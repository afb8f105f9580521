import re

import pytest
from django.contrib.auth import get_user_model

from apothecary.cart.models import Cart, CartLine
from apothecary.catalog.models import Variant
from tests.store import make_cart, make_product

pytestmark = pytest.mark.django_db

ADD = "/cart/add/"


@pytest.fixture
def client():
    """A browser on the store's own pages: it names them in the Origin header of its POSTs,
    which the add-to-cart endpoint requires (it has no CSRF token)."""
    from django.test import Client

    return Client(headers={"Origin": "http://testserver"})


def packs(*variants, title="Test Patch"):
    product = make_product(title=title, variants=variants)
    return list(Variant.objects.filter(product=product).order_by("sort_order"))


def use_cart(client, cart):
    session = client.session
    session["cart_token"] = str(cart.token)
    session.save()


def session_cart(client):
    token = client.session.get("cart_token")
    return Cart.objects.get(token=token) if token else None


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_adding_a_pack_redirects_to_the_cart_which_shows_it_with_a_message(client):
    [variant] = packs((30, "12.50", 1, None))

    response = client.post(ADD, {"variant": variant.pk, "quantity": "2"})

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    assert list(session_cart(client).lines.values_list("variant_id", "quantity")) == [
        (variant.pk, 2)
    ]
    page = client.get("/cart/")
    html = text(page)
    assert "Added 2 × Test Patch, 30 patches to your cart." in html
    assert "$25.00" in html
    assert 'href="/checkout/"' in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


def test_a_one_click_add_without_quantity_adds_one(client):
    [variant] = packs((30, "12.50", 1, None))

    client.post(ADD, {"variant": variant.pk})

    assert session_cart(client).lines.get().quantity == 1


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "Choose a quantity from 1 to 10."),
        ("-3", "Choose a quantity from 1 to 10."),
        ("11", "Choose a quantity from 1 to 10."),
        ("99999999999999999999999", "Choose a quantity from 1 to 10."),
        ("two", "Enter a quantity from 1 to 10, as a whole number."),
        ("1.5", "Enter a quantity from 1 to 10, as a whole number."),
        ("", "Enter a quantity from 1 to 10."),
    ],
)
def test_a_bad_quantity_is_refused_with_400_and_a_clear_message(client, quantity, message):
    [variant] = packs((30, "12.50", 1, None))
    carts = Cart.objects.count()

    response = client.post(ADD, {"variant": variant.pk, "quantity": quantity})

    assert response.status_code == 400
    assert message in text(response)
    assert Cart.objects.count() == carts
    assert CartLine.objects.filter(variant=variant).count() == 0


@pytest.mark.parametrize("variant", ["999999999", "abc", "-1", "", "99999999999999999999999"])
def test_an_unknown_pack_is_refused_with_400(client, variant):
    response = client.post(ADD, {"variant": variant, "quantity": "1"})

    assert response.status_code == 400
    message = "Choose a pack to add." if variant == "" else "That pack does not exist."
    assert message in text(response)


def test_an_inactive_or_sold_out_pack_or_one_of_an_unpublished_product_is_refused(client):
    inactive, sold_out = packs((30, "12.50", 1, None), (90, "30.00", 3, 0))
    [draft] = packs((30, "9.00", 1, None), title="Draft Patch")
    Variant.objects.filter(pk=inactive.pk).update(active=False)
    draft.product.unpublish()

    responses = [
        client.post(ADD, {"variant": v.pk, "quantity": "1"}) for v in (inactive, sold_out, draft)
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]
    assert "Test Patch, 30 patches: This pack is no longer sold." in text(responses[0])
    assert "Test Patch, 90 patches: This pack is sold out." in text(responses[1])
    assert "Draft Patch, 30 patches: This pack is no longer sold." in text(responses[2])
    assert CartLine.objects.filter(variant__in=[inactive, sold_out, draft]).count() == 0


def test_more_than_the_stock_left_is_refused_and_the_cart_kept(client):
    [variant] = packs((30, "12.50", 1, 3))
    client.post(ADD, {"variant": variant.pk, "quantity": "2"})

    response = client.post(ADD, {"variant": variant.pk, "quantity": "2"})

    assert response.status_code == 400
    assert "Test Patch, 30 patches: only 3 left and your cart already has 2." in text(response)
    assert session_cart(client).lines.get().quantity == 2


def test_a_json_client_gets_json_answers(client):
    [variant] = packs((30, "12.50", 1, None))

    ok = client.post(ADD, {"variant": variant.pk, "quantity": "3"}, HTTP_ACCEPT="application/json")
    bad = client.post(ADD, {"variant": variant.pk, "quantity": "0"}, HTTP_ACCEPT="application/json")

    assert ok.status_code == 200
    assert ok.json() == {
        "count": 3,
        "message": "Added 3 × Test Patch, 30 patches to your cart.",
    }
    assert bad.status_code == 400
    assert bad.json() == {"error": "Choose a quantity from 1 to 10."}


def test_add_needs_no_csrf_token_but_refuses_a_post_from_another_site(client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    [variant] = packs((30, "12.50", 1, None))

    same_site = csrf_client.post(ADD, {"variant": variant.pk}, HTTP_ORIGIN="http://testserver")
    other_origin = csrf_client.post(
        ADD, {"variant": variant.pk}, HTTP_ORIGIN="https://evil.example"
    )
    null_origin = csrf_client.post(ADD, {"variant": variant.pk}, HTTP_ORIGIN="null")
    other_referer = csrf_client.post(
        ADD, {"variant": variant.pk}, HTTP_REFERER="https://evil.example/page"
    )
    no_origin_nor_referer = csrf_client.post(ADD, {"variant": variant.pk})
    cross_site_fetch = csrf_client.post(
        ADD,
        {"variant": variant.pk},
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="cross-site",
    )

    assert same_site.status_code == 302
    assert [
        other_origin.status_code,
        null_origin.status_code,
        other_referer.status_code,
        no_origin_nor_referer.status_code,
        cross_site_fetch.status_code,
    ] == [403, 403, 403, 403, 403]
    assert other_origin.content.decode() == "This form can only be sent from this site's own pages."
    assert CartLine.objects.filter(variant=variant).get().quantity == 1


def test_add_answers_405_to_get(client):
    assert client.get(ADD).status_code == 405


def test_the_cart_page_updates_quantities_and_removes_lines(client):
    first, second = packs((30, "10.00", 1, None), (90, "25.00", 3, None))
    cart = make_cart((first, 1), (second, 1))
    use_cart(client, cart)

    updated = client.post("/cart/", {f"quantity-{first.pk}": "3", f"quantity-{second.pk}": "1"})
    removed = client.post("/cart/", {"remove": second.pk})

    assert updated.status_code == removed.status_code == 302
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(first.pk, 3)]
    assert "Removed Test Patch, 90 patches." in text(client.get("/cart/"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Choose a quantity from 1 to 10."),
        ("-1", "Choose a quantity from 1 to 10."),
        ("500", "Choose a quantity from 1 to 10."),
        ("lots", "Enter a quantity from 1 to 10, as a whole number."),
    ],
)
def test_a_bad_quantity_on_the_cart_page_is_shown_with_what_was_typed(client, value, message):
    first, second = packs((30, "10.00", 1, None), (90, "25.00", 3, None))
    cart = make_cart((first, 1), (second, 1))
    use_cart(client, cart)

    response = client.post("/cart/", {f"quantity-{first.pk}": "2", f"quantity-{second.pk}": value})

    assert response.status_code == 400
    html = text(response)
    assert message in html
    assert f'value="{value}"' in html
    assert 'aria-invalid="true"' in html
    assert dict(cart.lines.values_list("variant_id", "quantity")) == {first.pk: 1, second.pk: 1}


def test_the_cart_page_refuses_a_pack_that_is_not_in_the_cart(client):
    [mine] = packs((30, "10.00", 1, None))
    [foreign] = packs((30, "10.00", 1, None), title="Other")
    other_cart = make_cart((foreign, 1))
    cart = make_cart((mine, 1))
    use_cart(client, cart)

    set_foreign = client.post("/cart/", {f"quantity-{mine.pk}": "2", f"quantity-{foreign.pk}": "5"})
    remove_foreign = client.post("/cart/", {"remove": foreign.pk})

    assert set_foreign.status_code == remove_foreign.status_code == 400
    assert "Some of these packs are not in your cart (any more)." in text(set_foreign)
    assert "That pack is not in your cart (any more)." in text(remove_foreign)
    assert cart.lines.get().quantity == 1
    assert other_cart.lines.get().quantity == 1


def test_the_cart_page_flags_a_line_that_went_out_of_sale_and_hides_checkout(client):
    ok, gone = packs((30, "10.00", 1, None), (90, "25.00", 3, None))
    cart = make_cart((ok, 1), (gone, 1))
    use_cart(client, cart)
    Variant.objects.filter(pk=gone.pk).update(active=False)

    html = text(client.get("/cart/"))

    assert "Needs your attention:</strong> This pack is no longer sold." in html
    assert "Change or remove the lines marked above to check out." in html
    assert 'href="/checkout/"' not in html
    assert cart.lines.count() == 2


def test_an_empty_cart_says_so(client):
    response = client.get("/cart/")

    assert response.status_code == 200
    assert "Your cart is empty." in text(response)


def test_a_product_title_with_markup_is_escaped_in_the_cart(client):
    [variant] = packs((30, "10.00", 1, None), title="<script>alert(1)</script>")
    use_cart(client, make_cart((variant, 1)))

    html = client.get("/cart/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_count_returns_the_units_in_the_visitors_cart(client):
    first, second = packs((30, "10.00", 1, None), (90, "25.00", 3, None))

    empty = client.get("/cart/count/")
    use_cart(client, make_cart((first, 2), (second, 3)))
    full = client.get("/cart/count/")

    assert empty.json() == {"count": 0}
    assert full.json() == {"count": 5}
    assert "no-cache" in full["Cache-Control"] or "max-age=0" in full["Cache-Control"]


def test_signing_in_merges_the_session_cart_into_the_customers_cart(client):
    first, second = packs((30, "10.00", 1, None), (90, "25.00", 3, None))
    user = get_user_model().objects.create_user(email="cara@example.com", password="x-long-pw-1")
    own = make_cart((first, 1))
    own.user = user
    own.save()
    anonymous = make_cart((first, 2), (second, 1))
    use_cart(client, anonymous)

    client.force_login(user)

    assert dict(own.lines.values_list("variant_id", "quantity")) == {first.pk: 3, second.pk: 1}
    assert not Cart.objects.filter(pk=anonymous.pk).exists()
    assert client.get("/cart/count/").json() == {"count": 4}


def test_signing_in_without_a_cart_of_ones_own_keeps_the_session_cart(client):
    [variant] = packs((30, "10.00", 1, None))
    user = get_user_model().objects.create_user(email="dan@example.com", password="x-long-pw-1")
    anonymous = make_cart((variant, 2))
    use_cart(client, anonymous)

    client.force_login(user)

    anonymous.refresh_from_db()
    assert anonymous.user == user
    assert "$20.00" in text(client.get("/cart/"))


@pytest.mark.parametrize("count", [1, 10])
def test_the_cart_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, count
):
    variants = packs(*[(30 * (n + 1), "10.00", n + 1, 100) for n in range(count)])
    use_cart(client, make_cart(*[(v, 1) for v in variants]))
    client.get("/cart/")  # warm the site caches, as a running server has them

    with django_assert_max_num_queries(10):
        response = client.get("/cart/")

    assert response.content.decode().count('class="cart-line') == count


def test_the_header_links_to_the_cart_and_leaves_the_count_to_the_script(client):
    [variant] = packs((30, "10.00", 1, None))
    use_cart(client, make_cart((variant, 2)))

    html = client.get("/").content.decode()

    # Pages are cached for everyone: the count is fetched by the script, never rendered.
    assert (
        '<a class="cart-link" href="/cart/" data-cart-count-url="/cart/count/">'
        'Cart <span class="cart-count" data-cart-count></span></a>'
    ) in html
    assert re.search(r'<script src="/static/js/cart-count\.js" defer></script>', html)
