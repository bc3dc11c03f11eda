from django.db import migrations


def forwards(apps, schema_editor):
    from zhengwu.tickets.defaults import load

    load(apps.get_model("tickets", "Category"))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
