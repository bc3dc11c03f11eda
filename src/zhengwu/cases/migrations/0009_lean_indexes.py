"""Fewer indexes on the cases table, each of which every filing writes: the foreign keys that
lead a composite index (or are looked up only when an account or a window is deleted) lose their
own; the case number keeps its unique constraint without the prefix-search index (numbers are
looked up whole); ``case_provisional`` covers only the cases that rely on a provisional year; and
``level`` leaves every index, so the supervision sweep's level changes are heap-only updates.
Lists of cases at warning levels find them through ``case_open_due`` (the open cases by
department and promised due date) instead (docs/cases.md, "Indexes")."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0008_backfill_workdays_used'),
        ('catalog', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_dept_level',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_provisional',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_open_level',
        ),
        migrations.AlterField(
            model_name='case',
            name='applicant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='accounts.applicant', verbose_name='applicant'),
        ),
        migrations.AlterField(
            model_name='case',
            name='created_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='created_cases', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='case',
            name='department',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='accounts.department', verbose_name='department'),
        ),
        migrations.AlterField(
            model_name='case',
            name='item',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='catalog.serviceitem', verbose_name='service item'),
        ),
        migrations.AlterField(
            model_name='case',
            name='number',
            field=models.CharField(max_length=32, null=True, verbose_name='case number'),
        ),
        migrations.AlterField(
            model_name='case',
            name='owner',
            field=models.ForeignKey(blank=True, db_index=False, help_text='The account that follows the case online.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_cases', to=settings.AUTH_USER_MODEL, verbose_name='applicant account'),
        ),
        migrations.AlterField(
            model_name='case',
            name='window',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='cases', to='accounts.window', verbose_name='window'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('provisional', True)), fields=['state'], name='case_provisional'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('state__in', ('submitted', 'supplement_requested', 'accepted', 'suspended'))), fields=['department', 'promised_due'], name='case_open_due'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(fields=('number',), name='case_number_unique'),
        ),
    ]
