"""What the migrations that index the large tables share."""


def add_index_concurrently(schema_editor, model, index) -> None:
    """`index` on `model`: on PostgreSQL built CONCURRENTLY, so a national table stays writable meanwhile (the
    migration must be `atomic = False`), and skipped when a rerun after an interruption finds it built; elsewhere
    added as usual."""
    if schema_editor.connection.vendor == "postgresql":
        sql = str(index.create_sql(model, schema_editor, concurrently=True))
        schema_editor.execute(sql.replace("CREATE INDEX CONCURRENTLY", "CREATE INDEX CONCURRENTLY IF NOT EXISTS"))
    else:
        schema_editor.add_index(model, index)
