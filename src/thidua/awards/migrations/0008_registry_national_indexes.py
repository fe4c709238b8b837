"""Registry indexes for a national registry: the name and year sorts as index ranges ((name, id), (year desc, name,
id)) for keyset pages, and on
PostgreSQL trigram indexes (pg_trgm, GIN) on the folded names, which answer "name contains …" (LIKE '%…%') without
reading every row. SQLite has no pg_trgm: there the search stays a plain scan (one machine, small data).

Built CONCURRENTLY (so outside a transaction): on a live national database the award table stays writable while
the index is built."""

from django.db import migrations, models

TRIGRAM_INDEXES = [
    ("award_name_trgm", "awards_award", "recipient_name_folded"),
    ("person_name_trgm", "orgs_person", "name_folded"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" '
                              f'USING gin ("{column}" gin_trgm_ops)')


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('awards', '0007_evaluation_maternity'),
        ('orgs', '0002_emulation_bodies_and_officers'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='award',
            index=models.Index(fields=['recipient_name_folded', 'id'], name='award_name_id'),
        ),
        migrations.AddIndex(
            model_name='award',
            index=models.Index(fields=['-year', 'recipient_name_folded', 'id'], name='award_year_name_id'),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
