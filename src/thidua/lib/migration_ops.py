"""What the migrations that index the large tables share."""

from django.db import migrations


def add_index_concurrently(schema_editor, model, index) -> None:
    """`index` on `model`: on PostgreSQL built CONCURRENTLY, so a national table stays writable meanwhile (the
    migration must be `atomic = False`), and skipped when a rerun after an interruption finds it built; elsewhere
    added as usual."""
    if schema_editor.connection.vendor == "postgresql":
        sql = str(index.create_sql(model, schema_editor, concurrently=True))
        schema_editor.execute(sql.replace("CREATE INDEX CONCURRENTLY", "CREATE INDEX CONCURRENTLY IF NOT EXISTS"))
    else:
        schema_editor.add_index(model, index)


def add_index_concurrently_operation(app_label: str, model_name: str, index):
    """The migration operation that adds `index` to the model's state and builds it with `add_index_concurrently`
    (reversed: dropped). Its migration must be `atomic = False`."""

    def create(apps, schema_editor):
        add_index_concurrently(schema_editor, apps.get_model(app_label, model_name), index)

    def drop(apps, schema_editor):
        schema_editor.remove_index(apps.get_model(app_label, model_name), index)

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name=model_name.lower(), index=index)],
        database_operations=[migrations.RunPython(create, drop, elidable=False)],
    )
