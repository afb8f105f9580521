import json
import re
from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from PIL import Image
from wagtail.models import Page

from apothecary.catalog.models import OrderPage, ProductGalleryImage, Variant
from apothecary.core.models import CreditedImage
from apothecary.pages.models import FAQPage
from tests.helpers import h1, json_ld_types, parse_page
from tests.store import make_product

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def image(title="Patch photo") -> CreditedImage:
    data = BytesIO()
    Image.new("RGB", (64, 48), "teal").save(data, "PNG")
    picture = CreditedImage(title=title, credit="Photo: Test Maker")
    picture.file = ImageFile(data, name="patch.png")
    picture.save()
    return picture


def faq(questions: int) -> FAQPage:
    home = Page.objects.get(depth=2)
    page = FAQPage(
        title="Test FAQ",
        slug="test-faq",
        groups=json.dumps(
            [
                {
                    "type": "group",
                    "value": {
                        "title": "General",
                        "questions": [
                            {"question": f"Question {n}?", "answer": f"<p>Answer {n}.</p>"}
                            for n in range(1, questions + 1)
                        ],
                    },
                }
            ]
        ),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def full_product(**fields):
    """A product with every editorial part filled, and four packs: 30 patches (untracked),
    90 patches on sale and low in stock, 180 sold out, and an inactive one."""
    product = make_product(
        variants=(
            (30, "20.00", 1, None),
            (90, "50.00", 3, 3),
            (180, "90.00", 6, 0),
            (360, "1.00", 12, 9),
        )
    )
    Variant.objects.filter(product=product, sku__endswith="-90").update(compare_at_price="60.00")
    Variant.objects.filter(product=product, sku__endswith="-360").update(active=False)
    product.description = json.dumps([{"type": "paragraph", "value": "<p>Long description.</p>"}])
    product.how_to_use = "<ol><li>Peel</li><li>Stick</li></ol>"
    product.supplement_facts = json.dumps(
        [
            {
                "type": "fact",
                "value": {
                    "ingredient": "Vitamin B12",
                    "amount": "1,000 mcg",
                    "daily_value": "41,667%",
                },
            },
            {
                "type": "fact",
                "value": {"ingredient": "Folate", "amount": "400 mcg", "daily_value": ""},
            },
        ]
    )
    product.other_ingredients = "Acrylic adhesive"
    product.warnings = "<ul><li>Keep away from children.</li></ul>"
    product.faq_page = faq(6)
    product.faq_excerpt_count = 4
    for name, value in fields.items():
        setattr(product, name, value)
    product.gallery_images.add(ProductGalleryImage(image=image(), alt_text="A patch on an arm"))
    product.save_revision().publish()
    return product


def test_the_product_page_shows_every_part_of_the_product(client):
    product = full_product()

    response = client.get(product.url)

    assert response.status_code == 200
    html = text(response)
    assert h1(response) == "Test Patch"
    assert "Test Patch, for tests." in html
    assert 'alt="A patch on an arm"' in html
    assert "Long description." in html
    assert '<h2 id="how-heading">How to use</h2>' in html and "<li>Peel</li>" in html
    assert (
        '<caption><span class="visually-hidden">Supplement facts, </span>'
        "Serving size: 1 patch</caption>"
    ) in html
    assert '<th scope="col">Ingredient</th>' in html
    assert '<th scope="row">Vitamin B12</th><td>1,000 mcg</td><td>41,667%</td>' in html
    assert '<th scope="row">Folate</th><td>400 mcg</td><td>Not established</td>' in html
    assert "Acrylic adhesive" in html
    assert "Keep away from children." in html
    assert html.count('<details class="faq-item">') == 4
    assert "Question 4?" in html and "Question 5?" not in html
    assert 'id="reviews-summary"' in html
    assert "Photo: Test Maker" in html


def test_the_product_page_shows_packs_with_prices_stock_and_an_add_form_for_each_buyable(client):
    product = full_product()
    untracked, low, sold_out, inactive = Variant.objects.filter(product=product).order_by(
        "sort_order"
    )

    html = text(client.get(product.url))

    assert "$20.00" in html and "$50.00" in html and "$90.00" in html
    assert (
        '<s class="compare-at"><span class="visually-hidden">usual price </span>$60.00</s>' in html
    )
    assert "$16.67 a month" in html and "Save $10.00" in html
    assert "Only 3 left" in html
    assert "<strong>Sold out.</strong>" in html
    assert html.count('action="/cart/add/"') == 2
    assert f'name="variant" value="{untracked.pk}"' in html
    assert f'name="variant" value="{low.pk}"' in html
    assert f'name="variant" value="{sold_out.pk}"' not in html
    assert inactive.name not in html
    assert 'max="3"' in html and 'max="10"' in html
    assert "csrfmiddlewaretoken" not in html  # the page is cached: the add form needs none


def test_the_product_page_keeps_its_product_json_ld_and_is_publicly_cacheable(client):
    product = full_product()

    response = client.get(product.url)

    assert json_ld_types(response)[0] == "Product"
    offers = parse_page(response).json_ld[0]["offers"]
    assert [(o["price"], o["availability"].rsplit("/", 1)[1]) for o in offers] == [
        ("20.00", "InStock"),
        ("50.00", "InStock"),
        ("90.00", "SoldOut"),
    ]
    assert response["Cache-Control"] == "public, max-age=300"


def test_an_add_form_of_the_product_page_puts_the_pack_in_the_cart(client):
    product = full_product()
    low = Variant.objects.get(product=product, sku__endswith="-90")

    response = client.post(
        "/cart/add/", {"variant": low.pk, "quantity": "2"}, HTTP_ORIGIN="http://testserver"
    )

    assert response.status_code == 302
    assert "Added 2 × Test Patch, 90 patches to your cart." in text(client.get("/cart/"))


def test_editor_and_catalog_text_is_escaped_on_the_product_page(client):
    product = make_product(title="<script>alert('t')</script>")
    product.short_description = "<img src=x onerror=alert(1)>"
    product.other_ingredients = "<b>bold</b>"
    product.save_revision().publish()
    Variant.objects.filter(product=product).update(name="<i>pack</i>")

    html = client.get(product.url).content.decode()

    assert "<script>alert('t')</script>" not in html
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;i&gt;pack&lt;/i&gt;" in html
    assert "<i>pack</i>" not in html


def test_a_product_without_packs_says_it_is_not_on_sale(client):
    product = make_product(variants=())

    html = text(client.get(product.url))

    assert "This product is not on sale at the moment." in html
    assert 'action="/cart/add/"' not in html


@pytest.mark.parametrize("count", [1, 10])
def test_the_product_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, count
):
    product = make_product(variants=[(30 * (n + 1), "10.00", n + 1, 100) for n in range(count)])
    client.get(product.url)  # warm the site caches, as a running server has them

    with django_assert_max_num_queries(17):  # 16, and the reviews' rating summary
        response = client.get(product.url)

    assert text(response).count('action="/cart/add/"') == count


def order_page() -> OrderPage:
    home = Page.objects.get(depth=2)
    page = OrderPage(title="Order now", slug="test-order-now", intro="Pick a pack.")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_order_page_lists_every_active_pack_with_price_per_month_and_savings(client):
    page = order_page()
    product = make_product(
        title="Order Patch",
        variants=(
            (30, "20.00", 1, None),
            (90, "54.00", 3, None),
            (180, "96.00", 6, 0),
            (360, "1.00", 12, 5),
        ),
    )
    Variant.objects.filter(product=product, sku__endswith="-360").update(active=False)
    month, three, six, _ = Variant.objects.filter(product=product).order_by("sort_order")

    response = client.get(page.url)

    html = text(response)
    assert response.status_code == 200
    assert h1(response) == "Order now"
    assert "Pick a pack." in html
    assert '<a href="' + product.url + '">Order Patch</a>' in html
    assert "$18.00 a month" in html and "Save $6.00" in html
    assert "$16.00 a month" in html and "Save $24.00" in html
    assert "<strong>Sold out.</strong>" in html
    assert f'name="variant" value="{month.pk}"' in html
    assert f'name="variant" value="{three.pk}"' in html
    assert f'name="variant" value="{six.pk}"' not in html
    assert "360 patches" not in html
    assert response["Cache-Control"] == "public, max-age=300"


def test_the_order_page_adds_a_pack_in_one_step(client):
    page = order_page()
    [variant] = Variant.objects.filter(product=make_product(title="One Step"))
    html = client.get(page.url).content.decode()
    form = re.search(
        rf'<form class="add-form" method="post" action="(/cart/add/)">\s*'
        rf'<input type="hidden" name="variant" value="{variant.pk}">\s*<button',
        html,
    )
    assert form is not None  # no quantity to fill in: one click adds one pack

    response = client.post(form.group(1), {"variant": variant.pk}, HTTP_ORIGIN="http://testserver")

    assert response["Location"] == "/cart/"
    assert client.get("/cart/count/").json() == {"count": 1}


@pytest.mark.parametrize("count", [1, 10])
def test_the_order_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, count
):
    page = order_page()
    make_product(variants=[(30 * (n + 1), "10.00", n + 1, 100) for n in range(count)])
    client.get(page.url)

    with django_assert_max_num_queries(12):
        client.get(page.url)


def test_the_product_index_lists_its_live_products(client):
    product = make_product(title="Listed Patch")
    index = product.get_parent()

    html = text(client.get(index.url))

    assert f'<a href="{product.url}">Listed Patch</a>' in html
    assert "Listed Patch, for tests." in html
