from django.db import migrations, models
from django.db.models import F, Q


def backfill(apps, schema_editor):
    """A callback at or after the current reply was about it; any other was about the round
    before the latest redo."""
    Ticket = apps.get_model("tickets", "Ticket")
    called = Ticket.objects.filter(callback_at__isnull=False)
    current = Q(replied_at__isnull=False, callback_at__gte=F("replied_at")) | Q(redo_count=0)
    called.filter(current).update(callback_round=F("redo_count"))
    called.exclude(current).update(callback_round=F("redo_count") - 1)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_default_categories")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="callback_round",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="callback round"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
