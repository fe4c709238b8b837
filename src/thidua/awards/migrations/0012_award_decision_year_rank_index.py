"""The index for the registry's decision-year filter sorted by award type. Built CONCURRENTLY on PostgreSQL (the
registry stays writable while a national table is indexed: ~10 s for 8,8 M records here), hence atomic = False;
a rerun after an interruption skips it when it exists."""

from django.db import migrations, models

from thidua.lib.migration_ops import add_index_concurrently

INDEX = models.Index(fields=["decision_year", "-award_type_rank", "recipient_name_folded", "id"],
                     name="award_dyear_rank_name_id")


def create_index(apps, schema_editor):
    add_index_concurrently(schema_editor, apps.get_model("awards", "Award"), INDEX)


def drop_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("awards", "Award"), INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("awards", "0011_summary_triggers_by_key"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="award", index=INDEX)],
            database_operations=[migrations.RunPython(create_index, drop_index, elidable=False)],
        ),
    ]
