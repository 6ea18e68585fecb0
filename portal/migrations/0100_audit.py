"""The log of personal data seen in full (portal.audit.PersonalDataSeen), append-only in the database, with
the complaints' earlier log (complaints.PersonalDataView) copied into it: same user, time, place and fields; the
complaint becomes the record seen (a search over complaints names the kind only)."""

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


def copy_complaint_views(apps, schema_editor):
    content_type, _created = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="complaints", model="complaint"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO portal_personaldataseen (at, user_id, "where", fields, content_type_id, object_id, label) '
            'SELECT v.at, v.user_id, v."where", v.fields, %s, v.complaint_id, coalesce(c.tracking_number, %s) '
            "FROM complaints_personaldataview v LEFT JOIN complaints_complaint c ON c.id = v.complaint_id "
            "ORDER BY v.id",
            [content_type.pk, ""],
        )


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
        ("portal", "0005_branch_parent"),
        ("complaints", "0014_labels"),
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
        migrations.RunPython(copy_complaint_views, migrations.RunPython.noop),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
