"""Retention: a legal-hold flag and the anonymisation date on complaints, the two new event actions, and an
event-log trigger that still refuses every change except blanking a note while anonymising."""

from django.conf import settings
from django.db import migrations, models

# The append-only logs refuse UPDATE and DELETE. One exception: inside a transaction that has run
# `SET LOCAL complaints.anonymising = 'on'` (complaints/compliance/retention.py), an event's note may be replaced by the
# anonymisation marker or emptied; every other column must stay as it was.
FUNCTION = """
CREATE OR REPLACE FUNCTION complaints_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'complaints_complaintevent'
       AND current_setting('complaints.anonymising', true) = 'on'
       AND NEW.note IN ('', '[已匿名化 anonymised]')
       AND (NEW.id, NEW.complaint_id, NEW.at, NEW.actor_id, NEW.action, NEW.from_status, NEW.to_status,
            NEW.public, NEW.data)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.complaint_id, OLD.at, OLD.actor_id, OLD.action, OLD.from_status, OLD.to_status,
            OLD.public, OLD.data) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '%% is append-only: rows cannot be changed or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION complaints_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% is append-only: rows cannot be changed or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


def sync_groups(apps, schema_editor):
    from complaints.roles import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_volume_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="complaint",
            options={
                "ordering": ["-received_at", "-id"],
                "permissions": [
                    ("view_all_complaints", "Can see every complaint, not only those assigned"),
                    ("handle_complaint", "Can work complaints through the workflow"),
                    ("assign_complaint", "Can assign complaints to handlers"),
                    ("approve_extension", "Can approve extensions of the time limit"),
                    ("export_complaint", "Can export complaint data"),
                    ("view_full_personal_data", "Can see complainants' personal data in full"),
                    ("set_legal_hold", "Can place complaints on legal hold and lift it"),
                ],
                "verbose_name": "complaint",
                "verbose_name_plural": "complaints",
            },
        ),
        migrations.RemoveConstraint(
            model_name="complaintevent",
            name="complaintevent_action_valid",
        ),
        migrations.AddField(
            model_name="complaint",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="anonymised at"),
        ),
        migrations.AddField(
            model_name="complaint",
            name="legal_hold",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Kept in full beyond the retention period (litigation, a regulator's inquiry).",
                verbose_name="legal hold",
            ),
        ),
        migrations.AlterField(
            model_name="complaintevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "Submitted on the web"),
                    ("register", "Registered"),
                    ("accept", "Accepted"),
                    ("start", "Work started"),
                    ("decide", "Decided"),
                    ("close", "Closed"),
                    ("extend", "Time limit extended"),
                    ("pause", "Paused for outside appraisal"),
                    ("resume", "Resumed after appraisal"),
                    ("merge", "Merged into another complaint"),
                    ("merged_in", "A repeat complaint was merged in"),
                    ("restart", "Clock restarted on new facts"),
                    ("withdraw", "Withdrawn"),
                    ("reject", "Rejected as not a complaint"),
                    ("request_review", "Review requested"),
                    ("reopen", "Reopened"),
                    ("assign", "Handler assigned"),
                    ("add_information", "Information added by the complainant"),
                    ("legal_hold", "Legal hold placed or lifted"),
                    ("anonymise", "Personal data anonymised (retention)"),
                ],
                max_length=16,
                verbose_name="action",
            ),
        ),
        migrations.AddConstraint(
            model_name="complaintevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "submit",
                            "register",
                            "accept",
                            "start",
                            "decide",
                            "close",
                            "extend",
                            "pause",
                            "resume",
                            "merge",
                            "merged_in",
                            "restart",
                            "withdraw",
                            "reject",
                            "request_review",
                            "reopen",
                            "assign",
                            "add_information",
                            "legal_hold",
                            "anonymise",
                        ],
                    )
                ),
                name="complaintevent_action_valid",
            ),
        ),
        migrations.RunPython(install, uninstall),
        migrations.RunPython(sync_groups, migrations.RunPython.noop),
    ]
