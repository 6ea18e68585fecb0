"""The append-only logs' refusal says that the record cannot change. The anonymisation exception of migration
0005 read `NEW.note` in the same condition as the table's name, so a change to a log without a note (the export
log) or a deletion failed with `record "new" has no field "note"` instead of the refusal; the note is now read
only for the event log, inside its own IF."""

from importlib import import_module

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION complaints_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'complaints_complaintevent'
       AND current_setting('complaints.anonymising', true) = 'on' THEN
        IF NEW.note IN ('', '[已匿名化 anonymised]')
           AND (NEW.id, NEW.complaint_id, NEW.at, NEW.actor_id, NEW.action, NEW.from_status, NEW.to_status,
                NEW.public, NEW.data)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.complaint_id, OLD.at, OLD.actor_id, OLD.action, OLD.from_status, OLD.to_status,
                OLD.public, OLD.data) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'This record cannot be changed or deleted: %% is append-only, every row stays as it was written.',
        TG_TABLE_NAME
        USING HINT = 'Record a correction as a new row instead (for statistics, publish a corrected version).';
END;
$$ LANGUAGE plpgsql;
"""

# What migration 0005 installed, put back when this one is reversed.
PREVIOUS = import_module("complaints.migrations.0005_retention_and_legal_hold").FUNCTION


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0024_account"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
