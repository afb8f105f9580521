"""Adds `content_updated_at` (apothecary/pages/content_dates.py): when a page's words last
changed for its readers, moved only by a publication that changes them. Pages published before
it existed are taken as unchanged since their first publication (nothing stored tells more), so
a post imported with an old date says no "Last updated" until an editor changes its words."""

from django.db import migrations, models

PAGE_MODELS = ['contactpage']


def fill_from_first_publication(apps, schema_editor):
    for model_name in PAGE_MODELS:
        model = apps.get_model('contact', model_name)
        undecided = model.objects.filter(
            content_updated_at__isnull=True, first_published_at__isnull=False
        )
        for pk, first_published_at in undecided.values_list("pk", "first_published_at"):
            model.objects.filter(pk=pk).update(content_updated_at=first_published_at)


class Migration(migrations.Migration):

    dependencies = [
        ('contact', '0006_replies'),
    ]

    operations = [
        migrations.AddField(
            model_name='contactpage',
            name='content_updated_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the words readers see last changed: set when a publication changes the title or the content tab, kept when only the promote or settings tabs changed.', null=True),
        ),
        migrations.RunPython(fill_from_first_publication, migrations.RunPython.noop),
    ]
