"""The award's province indexed with the primary key: a province office's API list, newest records first, reads
each of its cluster's provinces along it (thidua.lib.keyset, `by_value`). It replaces the foreign key's own index
on the province alone, which it serves as well, so the national table keeps the same number of indexes. Built
CONCURRENTLY on PostgreSQL before the old one is dropped (the registry stays writable and indexed meanwhile), hence
atomic = False. The old index is dropped by name, not through AlterField: on SQLite that would rebuild the table,
and with it drop the table's triggers."""

from django.db import migrations, models
from django.db.models import Index

from thidua.lib.migration_ops import add_index_concurrently_operation

INDEX = models.Index(fields=["province", "id"], name="award_province_id")


def _foreign_key_indexes(schema_editor, model) -> list[str]:
    column = model._meta.get_field("province").column
    return schema_editor._constraint_names(model, [column], index=True, type_=Index.suffix)


def drop_foreign_key_index(apps, schema_editor):
    model = apps.get_model("awards", "Award")
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for name in _foreign_key_indexes(schema_editor, model):
        schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {schema_editor.quote_name(name)}")


def create_foreign_key_index(apps, schema_editor):
    model = apps.get_model("awards", "Award")
    if not _foreign_key_indexes(schema_editor, model):
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field("province")]))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("awards", "0012_award_decision_year_rank_index"),
    ]

    operations = [
        # The new index first, so that the province is never without one; reversed, the old one comes back first.
        add_index_concurrently_operation("awards", "Award", INDEX),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="award",
                    name="province",
                    field=models.ForeignKey(db_index=False, on_delete=models.deletion.PROTECT,
                                            related_name="awards_in_province", to="orgs.organization",
                                            verbose_name="tỉnh, bộ"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_foreign_key_index, create_foreign_key_index, elidable=False)],
        ),
    ]
