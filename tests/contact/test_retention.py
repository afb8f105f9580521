"""Messages hold personal data: those older than settings.PRIVACY_RETENTION_DAYS["contact_messages"]
(the one period, which the privacy policy states) are deleted by a service, run daily by
apply_retention, or by this app's own command or task."""

import io
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Site

from apothecary.contact.models import ContactMessage
from apothecary.contact.services import messages_delete_expired
from apothecary.contact.tasks import delete_old_contact_messages

from .builders import make_message

pytestmark = pytest.mark.django_db


def aged(message, days: float) -> ContactMessage:
    ContactMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return message


def remaining() -> set[int]:
    return set(ContactMessage.objects.values_list("pk", flat=True))


def run_command() -> str:
    out = io.StringIO()
    call_command("delete_old_contact_messages", stdout=out)
    return out.getvalue()


def test_messages_are_kept_for_a_year():
    assert django_settings.PRIVACY_RETENTION_DAYS["contact_messages"] == 365


def test_the_command_deletes_only_messages_past_the_retention_period_and_is_safe_twice():
    old = aged(make_message(name="Old"), days=366)
    older = aged(make_message(name="Older"), days=900)
    recent = aged(make_message(name="Recent"), days=364)
    today = make_message(name="Today")

    first = run_command()
    second = run_command()

    assert first == "Deleted 2 contact messages past the retention period.\n"
    assert second == "Deleted 0 contact messages past the retention period.\n"
    assert remaining() == {recent.pk, today.pk}
    assert not ContactMessage.objects.filter(pk__in=[old.pk, older.pk]).exists()


def test_the_period_of_the_settings_is_used(settings):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "contact_messages": 30}
    month_old = aged(make_message(), days=31)
    fresh = aged(make_message(), days=29)

    assert messages_delete_expired() == 1
    assert remaining() == {fresh.pk}
    assert not ContactMessage.objects.filter(pk=month_old.pk).exists()


def test_every_site_keeps_its_messages_for_the_same_period(demo_site):
    other = Site.objects.create(
        hostname="other.example", port=80, root_page=Page.objects.get(depth=2)
    )
    here = aged(make_message(), days=364)
    there = aged(make_message(), days=366)
    ContactMessage.objects.filter(pk=there.pk).update(site=other)
    siteless = aged(make_message(), days=400)
    ContactMessage.objects.filter(pk=siteless.pk).update(site=None)

    assert messages_delete_expired() == 2
    assert remaining() == {here.pk}


def test_the_task_deletes_the_same_messages_and_reports_how_many():
    aged(make_message(), days=400)
    kept = make_message()

    result = delete_old_contact_messages.call()

    assert result == 1
    assert remaining() == {kept.pk}
    assert delete_old_contact_messages.call() == 0


def test_with_nothing_to_delete_the_command_says_so_and_deletes_nothing():
    kept = make_message()

    assert run_command() == "Deleted 0 contact messages past the retention period.\n"
    assert remaining() == {kept.pk}


def test_a_single_deletion_is_told_in_the_singular():
    aged(make_message(), days=400)

    assert run_command() == "Deleted 1 contact message past the retention period.\n"
