"""The working-day calendar (Holiday) moves from reception to portal without losing a row: the model enters
portal's state on reception's table, which is then renamed portal_holiday; its content type is moved, so its
permissions (reception.view_holiday, …) and the groups and users holding them become portal.view_holiday, ….
Holiday keeps a history of its changes from now on (HistoricalHoliday). reception 0005 takes the model out of
reception's state."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

KIND_CHOICES = [("holiday", "Public holiday (no work)"), ("workday", "Make-up working day")]


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    moved = content_type.objects.using(db).filter(app_label="reception", model="holiday").first()
    if moved is None:
        return
    # A portal one can only be an empty leftover (nothing used it before this migration).
    content_type.objects.using(db).filter(app_label="portal", model="holiday").delete()
    moved.app_label = "portal"
    moved.save(update_fields=["app_label"])


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="reception", model="holiday").delete()
    content_type.objects.using(db).filter(app_label="portal", model="holiday").update(app_label="reception")


def sync_groups(apps, schema_editor):
    from portal.roles import sync_groups

    sync_groups(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_branch_parent"),
        ("reception", "0004_romanised_names_and_calendar_sequence"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Holiday",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="date")),
                        ("name", models.CharField(max_length=60, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=KIND_CHOICES, default="holiday", max_length=10, verbose_name="kind"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "public holiday",
                        "verbose_name_plural": "public holidays",
                        "ordering": ["date"],
                        "db_table": "reception_holiday",
                    },
                ),
            ],
            database_operations=[],
        ),
        # reception_holiday → portal_holiday (the rows, the primary key and the unique date go with the table).
        migrations.AlterModelTable(name="holiday", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
        migrations.CreateModel(
            name="HistoricalHoliday",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("date", models.DateField(db_index=True, verbose_name="date")),
                ("name", models.CharField(max_length=60, verbose_name="name")),
                ("kind", models.CharField(choices=KIND_CHOICES, default="holiday", max_length=10, verbose_name="kind")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical public holiday",
                "verbose_name_plural": "historical public holidays",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        # Branch staff read the calendar and supervisors keep it, now as portal's permissions.
        migrations.RunPython(sync_groups, migrations.RunPython.noop),
    ]
