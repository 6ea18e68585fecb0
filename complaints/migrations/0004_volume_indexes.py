"""Indexes for a register of a million complaints.

- (branch, received_at): a branch's report or export of a period reads only that branch's rows.
- A trigram GIN index on UPPER(tracking_number): the admin's search by part of a number (`icontains`, which
  PostgreSQL runs as UPPER(col) LIKE UPPER('%…%')) is answered from the index instead of reading every row.
  SQLite (the zero-setup `make run` database) has no trigram extension: there it does nothing.
"""

from django.conf import settings
from django.db import migrations, models


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS complaint_number_trgm ON complaints_complaint "
        'USING gin ((UPPER("tracking_number"::text)) gin_trgm_ops)'
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS complaint_number_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_compliance"),
        ("portal", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["branch", "received_at"], name="complaint_branch_received_idx"),
        ),
    ]
