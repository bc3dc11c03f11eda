"""Partition the case and joint case warnings by month of their case's receipt on PostgreSQL
(docs/decisions/0008): the rows move into one partition per month, a few months ahead and a
default partition are created, the ids go on from the same sequence, and each table's unique
constraint gains the month (a function of the case, so it stays as strict). SQLite keeps its plain
tables."""

from django.db import migrations

from zhengwu.core.partitions import partition_table, unpartition_table

TABLES = ("supervision_casewarning", "supervision_jointwarning")
KEY = "case_received_at"


def forward(apps, schema_editor):
    for table in TABLES:
        partition_table(schema_editor, table, KEY)


def backward(apps, schema_editor):
    for table in TABLES:
        unpartition_table(schema_editor, table, KEY)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0010_warnings_carry_the_case_received_at")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
