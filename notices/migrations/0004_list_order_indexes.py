"""Partial indexes in the order the public lists use, so a list page reads its rows from an index."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0003_content_editor_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-pinned", "-publish_at", "-id"],
                name="notice_listed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["category", "-pinned", "-publish_at", "-id"],
                name="notice_category_listed_idx",
            ),
        ),
    ]
