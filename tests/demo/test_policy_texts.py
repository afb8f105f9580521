"""The demo's policies say what the site does: the return policy leads to the return form by
the links the site shows, with the return window of the settings; the privacy policy states
the periods of the settings (beside tests/privacy/test_retention.py, which holds those of
PRIVACY_RETENTION_DAYS). The data files are read as they are, so a changed default or a
renamed link fails here."""

import re
from pathlib import Path

from django.conf import settings

from apothecary.orders.models import ReturnPolicySettings
from apothecary.privacy.services import period_text

DATA = Path(settings.BASE_DIR) / "apothecary" / "demo" / "data" / "pages"
TEMPLATES = Path(settings.BASE_DIR) / "apothecary"


def plain(path: Path) -> str:
    html = re.sub(r"<!--.*?-->", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def template_text(relative: str) -> str:
    return " ".join((TEMPLATES / relative).read_text(encoding="utf-8").split())


def test_the_return_policy_leads_to_the_return_form_by_the_sites_own_links():
    policy = plain(DATA / "shipping-returns.html")

    assert "“Find your order” at the foot of any page" in policy
    assert "choose “Return items from this order”" in policy
    assert ">Find your order</a>" in template_text("templates/base.html")
    assert ">Return items from this order</a>" in template_text(
        "checkout/templates/checkout/done.html"
    )
    assert "with your order number and the reason for the return" not in policy


def test_the_return_window_of_the_policy_is_the_settings_default():
    days = ReturnPolicySettings._meta.get_field("return_window_days").default

    assert f"you may return it within {days} days of delivery" in plain(
        DATA / "shipping-returns.html"
    )


def test_the_privacy_policy_states_the_other_periods_of_the_settings():
    policy = plain(DATA / "privacy.html")
    cookie_days = settings.CONSENT_COOKIE_MAX_AGE // (24 * 3600)
    pending_days = settings.NEWSLETTER_PENDING_RETENTION_DAYS

    assert f"Your cookie choice in your browser: {cookie_days} days;" in policy
    assert f"Newsletter sign-ups never confirmed: {period_text(pending_days)}" in policy
