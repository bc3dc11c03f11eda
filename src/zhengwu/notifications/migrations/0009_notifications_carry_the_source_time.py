"""Each notification carries when its source was recorded (``models.SOURCE_TIMES``): the month it
is partitioned by on PostgreSQL (docs/decisions/0008). The rows there take it from their source
(a notification whose source no longer exists keeps its own time)."""

from django.db import migrations, models

# kind -> (source table, its time column)
SOURCES = {
    "warning": ("supervision_casewarning", "raised_at"),
    "irregularity": ("supervision_irregularity", "detected_at"),
    "case_step": ("cases_caseevent", "recorded_at"),
    "supplement_due": ("cases_caseevent", "recorded_at"),
    "joint_warning": ("supervision_jointwarning", "raised_at"),
    "joint_irregular": ("supervision_jointirregularity", "detected_at"),
    "hall_irregular": ("hall_hallirregularity", "detected_at"),
    "measure": ("evaluation_measurefinding", "detected_at"),
}


def backfill(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        for kind, (source, column) in SOURCES.items():
            cursor.execute(
                f"UPDATE notifications_notification SET source_at = COALESCE("  # noqa: S608
                f" (SELECT s.{column} FROM {source} s"
                f"  WHERE s.id = notifications_notification.source_id), created_at)"
                " WHERE kind = %s",
                [kind],
            )
        # A roster's day at midnight in Shanghai (SQLite stores UTC without a zone).
        midnight = (
            "(r.day::timestamp AT TIME ZONE 'Asia/Shanghai')"
            if postgresql
            else "datetime(r.day, '-8 hours')"
        )
        cursor.execute(
            f"UPDATE notifications_notification SET source_at = COALESCE("  # noqa: S608
            f" (SELECT {midnight} FROM hall_dutyroster r"
            "  WHERE r.id = notifications_notification.source_id), created_at)"
            " WHERE kind = 'duty_roster'"
        )
        cursor.execute(
            "UPDATE notifications_notification SET source_at = created_at WHERE source_at IS NULL"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0008_measure_notification_kind"),
        ("supervision", "0009_findings_referred_to_the_department"),
        ("hall", "0004_queue_closed_numbers_and_claim_indexes"),
        ("evaluation", "0002_surveys"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="source_at",
            field=models.DateTimeField(null=True, verbose_name="source recorded at"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="notification",
            name="source_at",
            field=models.DateTimeField(verbose_name="source recorded at"),
        ),
    ]
