"""The case and department keys of the warnings lose their own indexes: the unique constraint
leads with the case and ``sup_warning_dept`` with the department."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0009_lean_indexes'),
        ('supervision', '0002_rectification_overdue'),
    ]

    operations = [
        migrations.AlterField(
            model_name='casewarning',
            name='case',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='warnings', to='cases.case', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='casewarning',
            name='department',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='department'),
        ),
    ]
