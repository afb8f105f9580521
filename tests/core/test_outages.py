"""A database connection lost in the middle of a request is answered with 503, not 500."""

import logging
from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_a_dropped_database_connection_answers_503_with_the_static_page(client, caplog):
    lost = OperationalError("terminating connection due to administrator command")
    with (
        mock.patch("apothecary.cart.views.cart_view_lines", side_effect=lost),
        mock.patch("apothecary.core.outages.connection.is_usable", return_value=False),
        caplog.at_level(logging.WARNING, logger="apothecary.core.outages"),
    ):
        response = client.get("/cart/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "We are back in a minute" in response.content.decode()
    assert "administrator command" not in response.content.decode()
    assert [r.getMessage() for r in caplog.records if r.name == "apothecary.core.outages"] == [
        "GET /cart/ answered 503: the database is unavailable (OperationalError: "
        "terminating connection due to administrator command)"
    ]


@pytest.mark.parametrize(
    "error", [KeyError("bug"), OperationalError("no such table: cart_cartline")]
)
def test_other_errors_and_a_failing_query_on_a_live_connection_get_the_500_page(client, error):
    client.raise_request_exception = False
    with mock.patch("apothecary.cart.views.cart_view_lines", side_effect=error):
        response = client.get("/cart/")
    assert response.status_code == 500
