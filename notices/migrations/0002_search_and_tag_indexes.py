"""PostgreSQL indexes that keep search and tag filters fast with many notices.

Substring search (`icontains`, which PostgreSQL runs as UPPER(col) LIKE UPPER(pattern)) is served by trigram
GIN indexes on the same expression; tag filters (`rights @> '["redress"]'`) by GIN indexes on the JSON lists.
SQLite (the zero-setup `make run` database) has neither extension nor index types: there the operations do
nothing and the queries fall back to plain scans, which is fine at demo size.
"""

from django.db import migrations

SEARCHED = [f"{name}_{suffix}" for name in ("title", "summary", "body") for suffix in ("zh_hans", "en")]
TAGGED = ("rights", "audiences")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS notice_trgm_{column} ON notices_notice "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )
    for column in TAGGED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS notice_tags_{column} ON notices_notice USING gin ({column} jsonb_path_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS notice_trgm_{column}")
    for column in TAGGED:
        schema_editor.execute(f"DROP INDEX IF EXISTS notice_tags_{column}")


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
