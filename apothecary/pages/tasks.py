"""Pages' scheduled work: Wagtail's scheduled publishing."""

from io import StringIO

from django.core.management import call_command
from django_tasks import task


@task()
def publish_scheduled_pages() -> None:
    """Publish the pages and snippets whose go-live time has passed and unpublish those past
    their expiry: Wagtail's own `publish_scheduled` command, run every minute. Safe to run
    twice: what it published is no longer waiting."""
    call_command("publish_scheduled", stdout=StringIO())
