"""Partition the notifications by month of their source on PostgreSQL (docs/decisions/0008): the
rows move into one partition per month, a few months ahead and a default partition are created,
the ids go on from the same sequence, and both unique constraints gain the source's time (a
function of the kind and source, so they stay as strict). SQLite keeps its plain table."""

from django.db import migrations

from zhengwu.core.partitions import partition_table, unpartition_table

TABLE = "notifications_notification"
KEY = "source_at"


def forward(apps, schema_editor):
    partition_table(schema_editor, TABLE, KEY)


def backward(apps, schema_editor):
    unpartition_table(schema_editor, TABLE, KEY)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0009_notifications_carry_the_source_time")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
