"""A pack's stock page in the admin: the count, the history, adjust by ±N with a reason."""

import re

import pytest

from apothecary.catalog.models import StockMovement, Variant
from apothecary.catalog.services import stock_adjust, stock_take
from tests.store import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    product = make_product(title="Stock Patch", variants=((30, "10.00", 1, 10),))
    return product.variants.get()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def form_key(response) -> str:
    return re.search(r'name="adjust-key" value="([0-9a-f]{32})"', text(response)).group(1)


def adjust(admin_client, variant, *, change, reason="Delivery", key=None, seen="tracked"):
    url = f"/admin/packs/stock/{variant.pk}/"
    key = key or form_key(admin_client.get(url))
    return admin_client.post(
        f"{url}adjust/",
        {"adjust-seen": seen, "adjust-change": change, "adjust-reason": reason, "adjust-key": key},
    )


def stock_of(variant):
    return Variant.objects.get(pk=variant.pk).stock


def test_the_stock_page_shows_the_count_and_every_movement(admin_client, variant, admin_user):
    stock_take(variant_id=variant.pk, quantity=3, reference="order ABC23456")
    stock_adjust(variant_id=variant.pk, change=-1, reason="Box crushed", actor=admin_user)

    response = admin_client.get(f"/admin/packs/stock/{variant.pk}/")

    html = text(response)
    assert response.status_code == 200
    assert "<dt>In stock</dt> <dd><strong>6</strong>" in html
    assert 'Sale</td> <td class="num">−3</td> <td class="num">7</td> <td>order ABC23456' in html
    assert 'Manual adjustment</td> <td class="num">−1</td> <td class="num">6</td>' in html
    assert "Box crushed" in html
    assert 'action="/admin/packs/stock/' in html


def test_the_stock_page_reads_a_bounded_number_of_queries(
    admin_client, variant, django_assert_max_num_queries
):
    admin_client.get(f"/admin/packs/stock/{variant.pk}/")  # warm the session and settings
    for n in range(60):
        stock_adjust(variant_id=variant.pk, change=1, reason=f"Delivery {n}")

    with django_assert_max_num_queries(25):
        response = admin_client.get(f"/admin/packs/stock/{variant.pk}/")

    assert response.status_code == 200
    assert "Page 1 of 2" in text(response)


def test_an_adjustment_after_a_sale_keeps_the_sale(admin_client, variant):
    key = form_key(admin_client.get(f"/admin/packs/stock/{variant.pk}/"))  # page opened at 10
    stock_take(variant_id=variant.pk, quantity=4)  # a customer buys 4 meanwhile

    response = adjust(admin_client, variant, change="+5", key=key)

    assert response.status_code == 302
    assert stock_of(variant) == 11  # 10 − 4 + 5: the sale is kept
    movement = StockMovement.objects.filter(variant=variant).latest("pk")
    assert (movement.kind, movement.change, movement.reason) == ("adjustment", 5, "Delivery")
    assert movement.actor.is_superuser


def test_taking_more_than_there_is_is_refused_with_409(admin_client, variant):
    response = adjust(admin_client, variant, change="-12", reason="Lost")

    assert response.status_code == 409
    assert "Only 10 in stock now: taking away 12 would leave fewer than none." in text(response)
    assert 'value="Lost"' in text(response)  # the form comes back as it was sent
    assert stock_of(variant) == 10
    assert not StockMovement.objects.filter(variant=variant).exists()


@pytest.mark.parametrize(
    ("change", "reason", "error"),
    [
        ("0", "Count", "Enter how many units to add or (with a minus) take."),
        ("3", "", "This field is required."),
        ("three", "Count", "Enter a whole number."),
    ],
)
def test_an_invalid_adjustment_comes_back_with_400(admin_client, variant, change, reason, error):
    response = adjust(admin_client, variant, change=change, reason=reason)

    assert response.status_code == 400
    assert error in text(response)
    assert stock_of(variant) == 10


def test_an_adjustment_sent_twice_is_made_once(admin_client, variant):
    key = form_key(admin_client.get(f"/admin/packs/stock/{variant.pk}/"))

    adjust(admin_client, variant, change="-2", key=key)
    adjust(admin_client, variant, change="-2", key=key)

    assert stock_of(variant) == 8


def test_a_form_opened_before_tracking_stopped_is_stale_409(admin_client, variant):
    key = form_key(admin_client.get(f"/admin/packs/stock/{variant.pk}/"))
    Variant.objects.filter(pk=variant.pk).update(stock=None)

    response = adjust(admin_client, variant, change="2", key=key)

    assert response.status_code == 409
    assert stock_of(variant) is None


def test_an_untracked_pack_starts_tracking_with_a_count(admin_client, variant):
    Variant.objects.filter(pk=variant.pk).update(stock=None)

    response = admin_client.post(
        f"/admin/packs/stock/{variant.pk}/track/",
        {"track-seen": "untracked", "track-units": "40", "track-reason": "Counted"},
    )

    assert response.status_code == 302
    assert stock_of(variant) == 40
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.kind, movement.change, movement.stock_after) == ("initial", 40, 40)


def test_the_edit_form_has_no_stock_field_and_keeps_the_stock(admin_client, variant):
    page = admin_client.get(f"/admin/packs/edit/{variant.pk}/")
    assert 'name="stock"' not in page.content.decode()
    assert f'href="/admin/packs/stock/{variant.pk}/"' in page.content.decode()

    response = admin_client.post(
        f"/admin/packs/edit/{variant.pk}/",
        {
            "product": variant.product_id,
            "sku": variant.sku,
            "name": "30 patches",
            "price": "11.00",
            "compare_at_price": "",
            "stock": "500",  # a stale or forged field changes nothing
            "low_stock_threshold": "8",
            "months": "1",
            "weight_grams": "20",
            "active": "on",
            "sort_order": "0",
        },
    )

    assert response.status_code == 302
    fresh = Variant.objects.get(pk=variant.pk)
    assert (str(fresh.price), fresh.stock, fresh.low_stock_threshold) == ("11.00", 10, 8)


def test_a_new_pack_s_stock_is_its_opening_movement(admin_client, variant, admin_user):
    response = admin_client.post(
        "/admin/packs/new/",
        {
            "product": variant.product_id,
            "sku": "STOCK-NEW-60",
            "name": "60 patches",
            "price": "18.00",
            "compare_at_price": "",
            "stock": "30",
            "low_stock_threshold": "5",
            "months": "2",
            "weight_grams": "40",
            "active": "on",
            "sort_order": "1",
        },
    )

    assert response.status_code == 302
    new = Variant.objects.get(sku="STOCK-NEW-60")
    movement = StockMovement.objects.get(variant=new)
    assert (movement.kind, movement.change, movement.stock_after) == ("initial", 30, 30)
    assert movement.actor == admin_user


def test_the_packs_list_links_each_pack_to_its_stock(admin_client, variant):
    response = admin_client.get("/admin/packs/", {"product": variant.product_id})

    assert f'href="/admin/packs/stock/{variant.pk}/"' in response.content.decode()
