"""The log of personal data seen in full (portal.audit.PersonalDataSeen), append-only in the database. The
complaints app's earlier log is copied into it by complaints' migration 0016."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TABLE = "portal_personaldataseen"

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% is append-only: rows cannot be changed or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the model refuses changes itself; SQLite is only the zero-setup local default
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION portal_refuse_change()"
    )


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0006_holiday_from_reception"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonalDataSeen",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="when")),
                ("where", models.CharField(max_length=200, verbose_name="where")),
                ("fields", models.CharField(max_length=200, verbose_name="fields")),
                ("object_id", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="record id")),
                ("label", models.CharField(blank=True, max_length=200, verbose_name="record")),
                (
                    "content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="kind of record",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
            ],
            options={
                "verbose_name": "full view of personal data",
                "verbose_name_plural": "full views of personal data",
                "ordering": ["-at", "-id"],
                "default_permissions": ("view",),
                "indexes": [models.Index(fields=["content_type", "object_id"], name="portal_pds_subject")],
            },
        ),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
