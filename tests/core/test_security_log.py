"""Refusals are logged with who was refused and from where."""

import logging

import pytest
from django.contrib.auth.models import Group

from apothecary.accounts.models import User

pytestmark = pytest.mark.django_db


def _refusals(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "apothecary.security"]


def test_a_cross_site_cart_post_is_logged_as_forbidden(client, caplog):
    with caplog.at_level(logging.WARNING, logger="apothecary.security"):
        response = client.post(
            "/cart/add/", {"variant": "1", "quantity": "1"}, HTTP_ORIGIN="https://evil.example"
        )

    assert response.status_code == 403
    assert _refusals(caplog) == [
        "refused POST /cart/add/: 403 (forbidden) for anonymous from 127.0.0.1"
    ]


def test_an_editor_sent_away_from_a_staff_area_is_logged(client, caplog):
    editor = User.objects.create_user(email="ed@example.com", password="a long passphrase 1")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    with caplog.at_level(logging.WARNING, logger="apothecary.security"):
        response = client.get("/admin/users/")

    assert response.status_code == 302
    assert _refusals(caplog) == [
        f"refused GET /admin/users/: 302 (permission denied) for ed@example.com (user {editor.pk}) "
        "from 127.0.0.1"
    ]


def test_a_page_served_is_not_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="apothecary.security"):
        assert client.get("/").status_code == 200
    assert _refusals(caplog) == []
