"""The SQLite summary triggers, installed again in their current form: they reach the summary row through its unique
key instead of scanning the summary for each award written. A database created before keeps the old, correct but
slow triggers until this runs; PostgreSQL's statement triggers did not change."""

from django.db import migrations


def reinstall_on_sqlite(apps, schema_editor):
    from thidua.awards import summary

    if schema_editor.connection.vendor == "sqlite":
        summary.install_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ('awards', '0010_award_sort_keys'),
    ]

    operations = [
        migrations.RunPython(reinstall_on_sqlite, migrations.RunPython.noop, elidable=False),
    ]
