"""Task steps become a ``zhengwu.core.models.ChainedEvent``: ``kind`` as long as the other trails',
``retroactive`` added, and every existing task's steps chained again, once, in ``seq`` order with
the payload of ``zhengwu.core.trail`` (label ``task``, the task's number) so that
``verify_audit`` checks them like case and ticket events.

Only a chain that verifies with the former payload is chained again; one that does not is left as
it is, so ``verify_audit`` reports it instead of the migration hiding the break."""

from django.db import migrations, models

from zhengwu.core import trail
from zhengwu.core.audit import GENESIS, chain_hash, first_break


def former_payload(task_id, row) -> dict:
    """What ``ratings.services._append`` hashed before the trail was unified."""
    return {
        "task": task_id,
        "seq": row.seq,
        "kind": row.kind,
        "occurred_at": row.occurred_at,
        "recorded_at": row.recorded_at,
        "actor": row.actor_name,
        "data": row.data,
    }


def rechain(apps, schema_editor):
    Task = apps.get_model("ratings", "RectificationTask")
    TaskEvent = apps.get_model("ratings", "TaskEvent")
    tasks = Task.objects.select_related("rating__case").order_by("id")
    for task in tasks.iterator(chunk_size=500):
        rows = list(TaskEvent.objects.filter(task_id=task.pk).order_by("seq"))
        former = first_break(
            (row.seq, former_payload(task.pk, row), row.prev_hash, row.hash) for row in rows
        )
        if (
            not rows
            or former is not None
            or len(rows) != task.event_count
            or rows[-1].hash != task.head_hash
        ):
            continue
        number = f"{task.rating.case.number}/{task.pk}"  # RectificationTask.number
        previous = GENESIS
        for row in rows:
            row.prev_hash = previous
            row.hash = chain_hash(previous, trail.payload("task", number, row))
            TaskEvent.objects.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash)
            previous = row.hash
        Task.objects.filter(pk=task.pk).update(head_hash=previous)


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskevent",
            name="retroactive",
            field=models.BooleanField(default=False, verbose_name="retroactive entry"),
        ),
        migrations.AlterField(
            model_name="taskevent",
            name="kind",
            field=models.CharField(max_length=32, verbose_name="kind"),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
    ]
