"""Scheduled publishing: the scheduler's `publish_scheduled_pages` task (Wagtail's
publish_scheduled) publishes what is due and unpublishes what expired, and a second run
changes nothing."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import PageLogEntry

from apothecary.pages.models import StandardPage
from apothecary.pages.tasks import publish_scheduled_pages

pytestmark = pytest.mark.django_db


def standard_page(parent, slug):
    page = StandardPage(
        title=slug.title(),
        slug=slug,
        body=json.dumps([{"type": "paragraph", "value": "<p>Text.</p>"}]),
        live=False,
    )
    parent.add_child(instance=page)
    return page


def test_a_page_whose_go_live_time_has_passed_is_published_by_the_task_once(demo_site, client):
    now = timezone.now()
    page = standard_page(demo_site.root_page, "spring-offer")
    page.go_live_at = now + timedelta(hours=1)
    page.save_revision().publish()  # scheduled: not live yet
    page.refresh_from_db()
    assert not page.live
    publish_scheduled_pages.enqueue()
    page.refresh_from_db()
    assert not page.live  # not due yet

    with freeze_time(now + timedelta(hours=1, minutes=1)):
        result = publish_scheduled_pages.enqueue()
        publish_scheduled_pages.enqueue()

    assert result.status == "SUCCESSFUL"
    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200
    scheduled = PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled")
    assert scheduled.count() == 1


def test_a_live_page_past_its_expiry_is_unpublished_by_the_task(demo_site):
    now = timezone.now()
    page = standard_page(demo_site.root_page, "winter-offer")
    page.expire_at = now + timedelta(days=1)
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.live

    with freeze_time(now + timedelta(days=1, minutes=1)):
        publish_scheduled_pages.enqueue()
        publish_scheduled_pages.enqueue()

    page.refresh_from_db()
    assert (page.live, page.expired) == (False, True)
