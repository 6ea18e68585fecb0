"""Indexes for finding a complaint by what a caller says (the admin's search, exact matches) and for possible
repeats (the same phone or policy number within 90 days of receipt): phone with received_at, UPPER(policy_number)
with received_at (looked up case-insensitively), the name and the ID number (the regulator's reference has its
partial index from migration 0003).

ID numbers are looked up upper-cased (a resident ID's check character X, often typed x): those stored with a
lower-case x are upper-cased here, as complaint_register now stores them.
"""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Upper


def upper_case_id_numbers(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    Complaint.objects.filter(id_number__contains="x").update(id_number=Upper("id_number"))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_deadline_integrity"),
        ("portal", "0005_branch_parent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(upper_case_id_numbers, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["phone", "received_at"], name="complaint_phone_received_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                django.db.models.functions.text.Upper("policy_number"),
                models.F("received_at"),
                name="complaint_policy_received_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["name"], name="complaint_name_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["id_number"], name="complaint_id_number_idx"),
        ),
    ]
