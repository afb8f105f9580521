"""/healthz/ and /readyz/: what a load balancer and nginx ask before sending traffic."""

from unittest import mock

import pytest
from django.db import OperationalError

from apothecary.core import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_migrations_check(monkeypatch):
    monkeypatch.setattr(health, "_migrations_complete", False)


def test_healthz_answers_without_a_cookie_and_is_never_cached(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not response.cookies


def test_readyz_reports_each_check(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok"},
    }
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_readyz_is_degraded_but_serving_when_the_cache_is_gone(client):
    with mock.patch.object(health.cache, "get", return_value=None):
        response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == "degraded"


def test_readyz_is_503_when_the_database_does_not_answer(client, caplog):
    with mock.patch.object(health, "_database", side_effect=OperationalError("refused")):
        response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert response.json()["checks"]["database"] == "unreachable"
    assert "readiness: the database fails: OperationalError" in caplog.text


def test_readyz_is_503_while_a_migration_is_pending(client):
    plan = [("migration", False)]
    with mock.patch.object(health.MigrationExecutor, "migration_plan", return_value=plan):
        response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 pending"
    # Once found complete, the check is not made again by this process.
    assert client.get("/readyz/").status_code == 200
    with mock.patch.object(health.MigrationExecutor, "migration_plan", return_value=plan):
        assert client.get("/readyz/").status_code == 200


def test_health_checks_refuse_writes_and_skip_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # before the client's first request loads middleware
    assert client.post("/readyz/", secure=True).status_code == 405
    assert client.get("/healthz/").status_code == 200
    assert client.get("/readyz/").status_code == 200
    assert client.get("/contact/").status_code == 301
