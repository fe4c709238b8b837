"""Database-level guard of the audit trail: UPDATE is refused on SQLite and PostgreSQL, row DELETE on PostgreSQL.

(SQLite's flush, used by tests and `thidua restore --force`, deletes rows one table at a time, so the DELETE guard
there is the model's; PostgreSQL's flush is TRUNCATE, which row triggers do not see.)
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS core_auditevent_no_update"]
PG_FORWARD = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'core_auditevent is append-only'; END $$""",
    """CREATE TRIGGER core_auditevent_no_update_delete BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update_delete ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
                             _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD})),
    ]
