from django.db import migrations


def create_groups(apps, schema_editor):
    from reception.roles import sync_groups

    sync_groups(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("reception", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
