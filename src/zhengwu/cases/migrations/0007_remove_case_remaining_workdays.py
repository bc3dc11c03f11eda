"""The working days left change every working day for every open case: they are no longer
stored but computed when read (``zhengwu.cases.selectors.remaining_workdays``), so the daily
supervision sweep writes only the cases whose stored clocks really change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_sweep_hot_updates"),
    ]

    operations = [
        migrations.RemoveField(model_name="case", name="remaining_workdays"),
    ]
