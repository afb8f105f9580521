"""The demo's inbox offers saved replies (contact.toml), in the editor's order."""

import pytest
from wagtail.models import Site

from apothecary.contact.models import ContactSettings

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_its_saved_replies():
    replies = ContactSettings.for_site(Site.objects.get(is_default_site=True)).saved_reply_list()
    assert [title for title, _ in replies] == ["Address changed", "Where is my order"]
    assert all(text.endswith("The B12 Patch team") for _, text in replies)
