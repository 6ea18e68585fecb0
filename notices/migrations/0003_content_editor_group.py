from django.db import migrations


def create_group(apps, schema_editor):
    from notices.roles import sync_groups

    sync_groups(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_search_and_tag_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
