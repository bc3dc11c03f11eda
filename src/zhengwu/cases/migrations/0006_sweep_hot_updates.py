"""The supervision sweep rewrites the clocks of every open case once a working day, set-based
(zhengwu.supervision.sweep). Two changes let PostgreSQL do that as heap-only (HOT) updates, which
touch none of the table's indexes: the index on (state, clocks_on), used only by the per-case
refresh the sweep replaced, goes (clocks_on changes every day), and the table's pages keep half
free for the new row versions (fillfactor 50; docs/supervision.md has the figures)."""

from django.db import migrations


def set_fillfactor(apps, schema_editor, value=50):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE cases_case SET (fillfactor = {int(value)})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_indicator_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_state_clocks"),
        migrations.RunPython(set_fillfactor, reset_fillfactor),
    ]
