"""The log of personal data seen refuses a change in the same words as the complaints' logs: the record cannot
change."""

from importlib import import_module

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'This record cannot be changed or deleted: %% is append-only, every row stays as it was written.',
        TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

# What migration 0007 installed, put back when this one is reversed.
PREVIOUS = import_module("portal.migrations.0007_personal_data_seen").FUNCTION


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0010_docs_merged_messages"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
