"""Partition the ticket events by month of ``recorded_at`` on PostgreSQL (docs/decisions/0007): the rows
move into one partition per month, a few months ahead and a default partition are created, the
ids go on from the same sequence. SQLite keeps its plain table."""

from django.db import migrations

from zhengwu.core.partitions import partition_table, unpartition_table

TABLE = "tickets_ticketevent"


def forward(apps, schema_editor):
    partition_table(schema_editor, TABLE, "recorded_at")


def backward(apps, schema_editor):
    unpartition_table(schema_editor, TABLE, "recorded_at")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_event_actor_from_the_chained_event_base")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
