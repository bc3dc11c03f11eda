"""The cases table keeps a fifth of each page free (fillfactor 80) instead of half (0006).

Half was chosen when the sweep rewrote every open case daily. It now writes about a tenth of
them (the level changes, heap-only updates that need room on their own page) and the suspended
ones, while most rows of a center's table are closed cases that are never written again: half
of every page stayed empty for them, and every scan read twice the pages (docs/supervision.md
has the figures). A fifth still holds a day's new row versions of a page's open cases; VACUUM
makes the room again between two days. Existing pages keep their layout until they are
rewritten (``VACUUM FULL`` or ``CLUSTER`` repacks them)."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case SET (fillfactor = 80)")


def back_to_half(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case SET (fillfactor = 50)")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_lean_indexes"),
    ]

    operations = [
        migrations.RunPython(set_fillfactor, back_to_half),
    ]
