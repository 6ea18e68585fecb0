"""PostgreSQL: notice search served by an index for words of 2 or more characters, Chinese or English.

The trigram indexes of migration 0002 need 3 characters, and the Chinese words people search with are mostly 2
(欺诈, 理赔): those searches read every row. Here each language's text (title, summary and body together) gets
its distinct pairs of neighbouring characters, upper-cased as the `icontains` recheck upper-cases them, in a
column PostgreSQL computes itself (GENERATED ... STORED): rows written by COPY (generate_volume), by the ORM or
by an import get it alike, with no save hook, and a GIN index on it answers `@>`. A stored column rather than an
index on the expression alone: the planner may still check a row by the expression (a filter, a recheck), and
computing the pairs of a notice costs about a millisecond, where reading a stored array costs microseconds.

A search asks `search_bigrams_<language> @> notice_bigrams(word)`. Every text holding the word holds its pairs,
so the index only narrows and the exact `icontains` recheck keeps the results as they were. A 1-character word
has no pair: it is found by the recheck alone, as before (single characters were left out: they would double
the array's size for words that match most notices anyway). The model does not declare the columns (Django
never writes them; PostgreSQL does). SQLite (the zero-setup `make run` database) gets nothing here and keeps
the plain `icontains` scan.
"""

from django.db import migrations

LANGUAGES = ("zh_hans", "en")

BIGRAMS = """
CREATE OR REPLACE FUNCTION notice_bigrams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT pair), '{}')
  FROM (SELECT (regexp_matches(upper(doc), '..', 'g'))[1]
        UNION ALL
        SELECT (regexp_matches(substr(upper(doc), 2), '..', 'g'))[1]) AS pairs(pair)
$$
"""


def document(suffix: str) -> str:
    """The text of one language whose pairs are stored: title, summary and body."""
    return (
        f"COALESCE(\"title_{suffix}\", '') || ' ' || COALESCE(\"summary_{suffix}\", '') || ' ' "
        f"|| COALESCE(\"body_{suffix}\", '')"
    )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS)
    for suffix in LANGUAGES:
        schema_editor.execute(
            f"ALTER TABLE notices_notice ADD COLUMN search_bigrams_{suffix} text[] "
            f"GENERATED ALWAYS AS (notice_bigrams({document(suffix)})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX notice_bigrams_{suffix} ON notices_notice USING gin (search_bigrams_{suffix})"
        )
    schema_editor.execute("ANALYZE notices_notice")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for suffix in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS notice_bigrams_{suffix}")
        schema_editor.execute(f"ALTER TABLE notices_notice DROP COLUMN IF EXISTS search_bigrams_{suffix}")
    schema_editor.execute("DROP FUNCTION IF EXISTS notice_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("notices", "0005_attachment_language")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
