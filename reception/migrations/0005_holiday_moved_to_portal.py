"""Holiday is portal's now (portal 0006 took over its table, renamed portal_holiday, and its content type):
it leaves reception's state; the database is not touched here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reception", "0004_romanised_names_and_calendar_sequence"),
        ("portal", "0006_holiday_from_reception"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Holiday")],
            database_operations=[],
        ),
    ]
