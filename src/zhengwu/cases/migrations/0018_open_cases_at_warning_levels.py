"""The open cases at warning levels in a table of their own, kept by triggers on the cases table
(``zhengwu.cases.at_level``): created, filled from the cases' stored levels, then the triggers."""

import django.db.models.deletion
from django.db import migrations, models

from zhengwu.cases import at_level


def forward(apps, schema_editor):
    at_level.install(schema_editor)
    at_level.rebuild(schema_editor.connection.alias)


def backward(apps, schema_editor):
    at_level.uninstall(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_regional_oversight'),
        ('cases', '0017_undelivered_decisions_by_delivery_due'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseAtLevel',
            fields=[
                ('case', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='at_level', serialize=False, to='cases.case', verbose_name='case')),
                ('level', models.CharField(choices=[('normal', 'Normal'), ('yellow', 'Yellow warning'), ('red', 'Red warning'), ('statutory_overdue', 'Past the statutory limit')], max_length=20, verbose_name='level')),
                ('department', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department', verbose_name='department')),
            ],
            options={
                'verbose_name': 'open case at a warning level',
                'verbose_name_plural': 'open cases at warning levels',
                'indexes': [models.Index(fields=['department', 'level', '-case'], name='case_at_level')],
            },
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
