"""manage.py import_complaints FILE: import a CSV or XLSX file of complaints, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from complaints.compliance.importer import ImportRefused, complaint_import
from portal.actors import system_actor
from portal.management.users import user_named
from portal.tabular import MAX_IMPORT_BYTES


class Command(BaseCommand):
    help = (
        "Import complaints (regulator-forwarded lists, phone and letter logs, past records) from a CSV or XLSX "
        "file. One bad row refuses the whole file; importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="The staff member recorded as having registered the complaints.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = user_named(options["user"]) or system_actor()
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_IMPORT_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        try:
            plan = complaint_import(data=data, name=path.name, actor=actor)
        except ImportRefused as refused:
            raise CommandError(
                "The file was refused; nothing was imported.\n" + "\n".join(str(p) for p in refused.problems)
            ) from None
        self.stdout.write(
            f"Imported {path.name}: {plan.created} new, {plan.updated} updated, {plan.unchanged} unchanged."
        )
