# The ratings push records move to the one outbox of the exchange app (docs/exchange.md): every
# record keeps its key, payload, status, attempts and dates; its schema is the rating or
# rectification schema of the family, and its stream the case it reports on.

from django.db import migrations

SCHEMAS = {
    "rating": "zhengwu-exchange/rating/1",
    "rectification": "zhengwu-exchange/rectification/1",
}


def forwards(apps, schema_editor):
    PushRecord = apps.get_model("ratings", "PushRecord")
    OutboxRecord = apps.get_model("exchange", "OutboxRecord")
    batch = []
    for row in PushRecord.objects.order_by("id").iterator(chunk_size=2000):
        number = (row.payload or {}).get("case_number") or row.key
        batch.append(
            OutboxRecord(
                receiver="province",
                key=row.key,
                kind=row.kind,
                schema=SCHEMAS.get(row.kind, SCHEMAS["rating"]),
                stream=f"case:{number}",
                payload=row.payload,
                status=row.status,
                attempts=row.attempts,
                next_attempt_at=row.next_attempt_at,
                last_error=row.last_error,
                created_at=row.created_at,
                delivered_at=row.delivered_at,
            )
        )
        if len(batch) >= 2000:
            OutboxRecord.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        OutboxRecord.objects.bulk_create(batch, ignore_conflicts=True)


def backwards(apps, schema_editor):
    PushRecord = apps.get_model("ratings", "PushRecord")
    OutboxRecord = apps.get_model("exchange", "OutboxRecord")
    PushRecord.objects.bulk_create(
        (
            PushRecord(
                key=row.key,
                kind=row.kind,
                payload=row.payload,
                status=row.status if row.status != "refused" else "failed",
                attempts=row.attempts,
                next_attempt_at=row.next_attempt_at,
                last_error=row.last_error,
                created_at=row.created_at,
                delivered_at=row.delivered_at,
            )
            for row in OutboxRecord.objects.filter(kind__in=tuple(SCHEMAS)).iterator()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_outbox"),
        ("ratings", "0002_task_steps_chained_event"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="PushRecord"),
    ]
