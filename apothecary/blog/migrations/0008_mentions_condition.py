"""Adds `mentions_condition`: whether a post's words name a disease or condition of the claims
checker's lists, decided when it is published (NULL: not decided yet). As for names_product
(0006), no data step: the live posts left undecided are decided right after `migrate` by the
compliance app's post_migrate receiver, with the code of the day."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0007_content_updated_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='blogpostpage',
            name='mentions_condition',
            field=models.BooleanField(default=None, editable=False, help_text="Whether the post's words name a disease or condition of the claims checker's lists, decided when it is published: such a post shows the health disclaimer.", null=True),
        ),
    ]
