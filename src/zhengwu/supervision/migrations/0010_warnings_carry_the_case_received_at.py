"""Each warning carries when its case (or joint case) was received: the month it is partitioned by
on PostgreSQL (docs/decisions/0008). The rows there take it from their case."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE supervision_casewarning SET case_received_at ="
            " (SELECT c.received_at FROM cases_case c WHERE c.id = supervision_casewarning.case_id)"
        )
        cursor.execute(
            "UPDATE supervision_jointwarning SET case_received_at ="
            " (SELECT j.received_at FROM joint_jointcase j"
            " WHERE j.id = supervision_jointwarning.joint_id)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0009_findings_referred_to_the_department"),
        ("joint", "0005_scene_stage_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="casewarning",
            name="case_received_at",
            field=models.DateTimeField(null=True, verbose_name="case received at"),
        ),
        migrations.AddField(
            model_name="jointwarning",
            name="case_received_at",
            field=models.DateTimeField(null=True, verbose_name="case received at"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="casewarning",
            name="case_received_at",
            field=models.DateTimeField(verbose_name="case received at"),
        ),
        migrations.AlterField(
            model_name="jointwarning",
            name="case_received_at",
            field=models.DateTimeField(verbose_name="case received at"),
        ),
    ]
