import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StructBlockValidationError

from apothecary.core.blocks import NavigationLinkBlock
from apothecary.core.models import CreditedImage
from apothecary.pages.blocks import CreditedImageBlock
from apothecary.pages.models import HomePage

pytestmark = pytest.mark.django_db


def test_an_image_block_without_alt_text_is_refused():
    block = CreditedImageBlock()
    image = CreditedImage.objects.first()

    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))

    assert "alt_text" in error.value.block_errors


def test_a_hero_image_without_alt_text_is_refused():
    home = HomePage.objects.get()
    home.hero_image_alt = ""

    with pytest.raises(ValidationError) as error:
        home.full_clean()

    assert "hero_image_alt" in error.value.message_dict


@pytest.mark.parametrize(
    "value", [{"label": "x", "page": None, "url": ""}, {"label": "x", "page": 1, "url": "/x/"}]
)
def test_a_menu_link_needs_exactly_one_of_page_or_url(value):
    block = NavigationLinkBlock()

    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python(value))
