"""Partition the rating tasks' steps by month of ``recorded_at`` on PostgreSQL (docs/decisions/0007): the rows
move into one partition per month, a few months ahead and a default partition are created, the
ids go on from the same sequence. SQLite keeps its plain table."""

from django.db import migrations

from zhengwu.core.partitions import partition_table, unpartition_table

TABLE = "ratings_taskevent"


def forward(apps, schema_editor):
    partition_table(schema_editor, TABLE, "recorded_at")


def backward(apps, schema_editor):
    unpartition_table(schema_editor, TABLE, "recorded_at")


class Migration(migrations.Migration):
    dependencies = [("ratings", "0003_move_push_records_to_the_exchange_outbox")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
