"""The award row's copies of its award type's rank and its decision's year (thidua.awards.sort_keys), and the two
indexes that make the registry's sort by award type and its decision-year filter with the year sort index ranges.

On a national table (20 M rows) this runs in three steps that each keep the registry writable: the columns are
added with a constant default (no table rewrite), the triggers are installed and the copies filled in batches of
ids, each committed on its own; then the indexes are built CONCURRENTLY (outside a transaction, hence atomic =
False). A rerun after an interruption fills only the rows still wrong and skips the indexes already built."""

from django.db import migrations, models

from thidua.lib.migration_ops import add_index_concurrently

INDEXES = [
    models.Index(fields=['-award_type_rank', 'recipient_name_folded', 'id'], name='award_rank_name_id'),
    models.Index(fields=['decision_year', '-year', 'recipient_name_folded', 'id'], name='award_dyear_year_name_id'),
]


def drop_summary_triggers_on_sqlite(apps, schema_editor):
    # SQLite adds these columns by rebuilding the table (copy, drop, rename), which its triggers on the other
    # tables, naming awards_award, refuse; they are installed again right after. PostgreSQL alters in place.
    from thidua.awards import summary

    if schema_editor.connection.vendor == "sqlite":
        summary.drop_triggers(schema_editor.connection)


def install_and_fill(apps, schema_editor):
    from thidua.awards import sort_keys, summary

    if schema_editor.connection.vendor == "sqlite":
        summary.install_triggers(schema_editor.connection)
    sort_keys.install_triggers(schema_editor.connection)
    sort_keys.fill_existing(conn=schema_editor.connection)


def uninstall(apps, schema_editor):
    from thidua.awards import sort_keys, summary

    sort_keys.drop_triggers(schema_editor.connection)
    if schema_editor.connection.vendor == "sqlite":  # the columns go by a rebuild too (see above)
        summary.drop_triggers(schema_editor.connection)


def reinstall_summary_triggers_on_sqlite(apps, schema_editor):
    from thidua.awards import summary

    if schema_editor.connection.vendor == "sqlite":
        summary.install_triggers(schema_editor.connection)


def create_indexes(apps, schema_editor):
    for index in INDEXES:
        add_index_concurrently(schema_editor, apps.get_model("awards", "Award"), index)


def drop_indexes(apps, schema_editor):
    model = apps.get_model("awards", "Award")
    for index in INDEXES:
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('awards', '0009_award_summary'),
    ]

    operations = [
        migrations.RunPython(drop_summary_triggers_on_sqlite, reinstall_summary_triggers_on_sqlite, elidable=False),
        migrations.AddField(
            model_name='award',
            name='award_type_rank',
            field=models.SmallIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name='award',
            name='decision_year',
            field=models.SmallIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(install_and_fill, uninstall, elidable=False),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name='award', index=index) for index in INDEXES],
            database_operations=[migrations.RunPython(create_indexes, drop_indexes, elidable=False)],
        ),
    ]
