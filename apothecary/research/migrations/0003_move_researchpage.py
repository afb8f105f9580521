"""ResearchPage moves to the pages app (research is a library below the page types). Only
Django's idea of the model moves: the table stays, renamed nowhere (pages' model keeps
db_table "research_researchpage"), and pages.0004 moves the content type."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("research", "0002_alter_researchpage_body"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ResearchPage")],
            database_operations=[],
        ),
    ]
