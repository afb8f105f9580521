"""ResearchPage, from the research app: the model's state is created here over the table
that exists (research_researchpage), and the content type is renamed in place, so every
page, revision and reference keeps pointing at it."""

import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


CREATE = migrations.CreateModel(
            name='ResearchPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('show_health_disclaimer', models.BooleanField(default=False, help_text="Show the brand's health disclaimer at the foot of the page.")),
                ('last_reviewed', models.DateField(blank=True, help_text='When they last checked it.', null=True)),
                ('intro', models.TextField(blank=True, help_text='A sentence or two shown under the title.')),
                ('body', wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('bullet_list', 7), ('image', 11), ('callout', 15), ('comparison_table', 20), ('citation', 23)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'max_length': 200}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'Heading 2'), ('h3', 'Heading 3')]}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'ol', 'ul', 'h3', 'h4', 'superscript'], 'template': 'blocks/paragraph.html'}), 4: ('wagtail.blocks.CharBlock', (), {'max_length': 400}), 5: ('wagtail.blocks.ListBlock', (4,), {'min_num': 1}), 6: ('wagtail.blocks.BooleanBlock', (), {'help_text': 'Number the items.', 'required': False}), 7: ('wagtail.blocks.StructBlock', [[('items', 5), ('ordered', 6)]], {}), 8: ('wagtail.images.blocks.ImageChooserBlock', (), {}), 9: ('wagtail.blocks.CharBlock', (), {'help_text': 'Describe the image for people who cannot see it (required).', 'max_length': 250}), 10: ('wagtail.blocks.CharBlock', (), {'max_length': 250, 'required': False}), 11: ('wagtail.blocks.StructBlock', [[('image', 8), ('alt_text', 9), ('caption', 10)]], {}), 12: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('info', 'Information'), ('tip', 'Tip'), ('warning', 'Warning')]}), 13: ('wagtail.blocks.CharBlock', (), {'max_length': 120, 'required': False}), 14: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'ul', 'ol']}), 15: ('wagtail.blocks.StructBlock', [[('tone', 12), ('title', 13), ('text', 14)]], {}), 16: ('wagtail.blocks.CharBlock', (), {'max_length': 80}), 17: ('wagtail.blocks.CharBlock', (), {'max_length': 300, 'required': False}), 18: ('wagtail.blocks.StructBlock', [[('left', 17), ('right', 17)]], {}), 19: ('wagtail.blocks.ListBlock', (18,), {'min_num': 1}), 20: ('wagtail.blocks.StructBlock', [[('caption', 0), ('left_heading', 16), ('right_heading', 16), ('rows', 19)]], {}), 21: ('wagtail.snippets.blocks.SnippetChooserBlock', ('research.Citation',), {'required': True}), 22: ('wagtail.blocks.CharBlock', (), {'help_text': "Optional: what this source supports here, e.g. 'The hip figures above'.", 'max_length': 250, 'required': False}), 23: ('wagtail.blocks.StructBlock', [[('citation', 21), ('note', 22)]], {})}, help_text='Shown above the library.')),
                ('medical_reviewer', models.ForeignKey(blank=True, help_text="The health professional who checked this page's health content.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='compliance.medicalreviewer')),
                ('social_image', models.ForeignKey(blank=True, help_text='Shown when the page is shared; 1200×630 works best.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.creditedimage')),
            ],
            options={
                'db_table': 'research_researchpage',
            },
            bases=('wagtailcore.page',),
)


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="research", model="researchpage").update(
        app_label="pages"
    )


def keep_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="pages", model="researchpage").update(
        app_label="research"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0002_default_phrase_lists'),
        ('core', '0001_initial'),
        ('pages', '0003_alter_standardpage_body'),
        ('research', '0003_move_researchpage'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[CREATE],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, keep_content_type, elidable=False),
    ]

