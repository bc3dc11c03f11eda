"""``workdays_used`` (0004) is empty for the cases decided before it existed: fill it from their
events through the one clock computation (``zhengwu.cases.services.backfill_workdays_used``,
``compute_clocks`` with the real calendar), 500 cases per transaction."""

from django.db import migrations


def fill(apps, schema_editor):
    from zhengwu.cases.services import backfill_workdays_used

    backfill_workdays_used(
        cases=apps.get_model("cases", "Case"), events=apps.get_model("cases", "CaseEvent")
    )


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch

    dependencies = [
        ("cases", "0007_remove_case_remaining_workdays"),
        ("workdays", "0001_initial"),  # the calendar it counts with
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
