"""The consent cookie's format and core.consent.allows, which the referral cookie asks."""

import uuid

import pytest
from django.test import RequestFactory

from apothecary.core import consent


def request_with(cookie: str | None = None, **headers):
    request = RequestFactory().get("/", headers=headers)
    if cookie is not None:
        request.COOKIES["cookie_consent"] = cookie
    return request


def value(*categories, version="1"):
    return consent.encode(version=version, record_id=uuid.uuid4(), categories=categories)


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.CONSENT_REQUIRED = True
    settings.CONSENT_POLICY_VERSION = "1"


def test_the_cookie_holds_the_version_the_record_and_the_categories_in_order():
    record = uuid.UUID("0123456789abcdef0123456789abcdef")
    raw = consent.encode(version="1", record_id=record, categories=["marketing", "analytics"])
    assert raw == "1|0123456789abcdef0123456789abcdef|necessary+analytics+marketing"
    choice = consent.decode(raw)
    assert choice.record_id == record
    assert choice.categories == {"necessary", "analytics", "marketing"}


def test_a_cookie_cannot_carry_an_unknown_category_or_an_odd_version():
    with pytest.raises(ValueError):
        consent.encode(version="1", record_id=uuid.uuid4(), categories=["tracking"])
    with pytest.raises(ValueError):
        consent.encode(version="1|2", record_id=uuid.uuid4(), categories=[])


def test_necessary_is_always_allowed_and_optional_ones_only_when_chosen():
    assert consent.allows(request_with(), "necessary") is True
    assert consent.allows(request_with(), "marketing") is False
    chosen = request_with(value("analytics"))
    assert consent.allows(chosen, "analytics") is True
    assert consent.allows(chosen, " Analytics ") is True
    assert consent.allows(chosen, "marketing") is False
    assert consent.allows(chosen, "preferences") is False


@pytest.mark.parametrize(
    "junk",
    ["necessary,marketing", "1|not-a-uuid|marketing", "1|marketing", "", "|||", '"1||"'],
)
def test_an_old_format_or_junk_cookie_counts_as_no_choice(junk):
    assert consent.current_choice(request_with(junk)) is None
    assert consent.allows(request_with(junk), "marketing") is False


def test_a_choice_for_an_older_policy_version_counts_as_none(settings):
    old = request_with(value("marketing", version="1"))
    assert consent.allows(old, "marketing") is True
    settings.CONSENT_POLICY_VERSION = "2"
    assert consent.current_choice(old) is None
    assert consent.allows(old, "marketing") is False


def test_global_privacy_control_refuses_marketing_whatever_the_cookie_says(settings):
    everything = value("preferences", "analytics", "marketing")
    with_gpc = request_with(everything, **{"Sec-GPC": "1"})
    assert consent.allows(with_gpc, "marketing") is False
    assert consent.allows(with_gpc, "analytics") is True  # GPC is about selling and sharing
    assert consent.allows(request_with(everything, **{"Sec-GPC": "0"}), "marketing") is True
    settings.CONSENT_REQUIRED = False
    assert consent.allows(request_with(**{"Sec-GPC": "1"}), "marketing") is False
    assert consent.allows(request_with(), "marketing") is True


def test_consent_is_required_by_default():
    from apothecary import settings as project_settings

    assert project_settings.CONSENT_REQUIRED is True
    assert [key for key, *_ in project_settings.CONSENT_CATEGORIES] == [
        "necessary",
        "preferences",
        "analytics",
        "marketing",
    ]
