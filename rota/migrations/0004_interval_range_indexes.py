"""GiST indexes on each interval table's [start, end) range, on PostgreSQL only.

The on-call selectors ask which rows overlap a window; a b-tree on (rota, start)
bounds only one side, so every answer read a rota's whole history. With these
indexes the overlap is answered from both bounds. SQLite keeps its b-trees.
"""

from django.db import migrations

TABLES = {
    "rota_shift": "rota_id",
    "rota_cover": "rota_id",
    "rota_divert": "rota_id",
    "rota_note": "rota_id",
    "rota_leave": "clinician_id",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, owner in TABLES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {table}_span ON {table} '
            f'USING gist ({owner}, tstzrange("start", "end"))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_span")


class Migration(migrations.Migration):

    dependencies = [("rota", "0003_roles_per_membership")]

    operations = [migrations.RunPython(create, drop)]
