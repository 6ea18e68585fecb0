"""The complaints' log of personal data seen in full moves into the portal's log (portal.PersonalDataSeen), which
covers bookings too: same user, time, place and fields; the complaint becomes the record seen (a search over
complaints names the kind only). Then the complaints' own table goes, with its content type and permissions."""

from django.db import migrations


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


def remove_content_type(apps, schema_editor):
    """The removed model's content type goes, and with it its permissions (no group or user keeps a right to a
    table that no longer exists)."""
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="complaints", model="personaldataview"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0015_configuration_history"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0007_personal_data_seen"),
    ]

    operations = [
        migrations.RunPython(copy_complaint_views, migrations.RunPython.noop),
        migrations.DeleteModel(name="PersonalDataView"),
        migrations.RunPython(remove_content_type, migrations.RunPython.noop),
    ]
