"""manage.py import_platform FILE: register the cases the national complaint platform transferred, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from complaints.compliance.platform.adapter import exchange
from complaints.compliance.platform.cases import import_platform_cases
from portal.tabular import ImportRefused, TableError


class Command(BaseCommand):
    help = (
        "Register the cases the national complaint platform transferred (a JSON, CSV or XLSX file, read through "
        "the configured exchange), as the system's account. One bad row refuses the whole file; importing the same "
        "file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; register nothing.")

    def handle(self, *args, **options):
        try:
            rows = exchange().transferred_cases(options["file"])
            result = import_platform_cases(rows, dry_run=options["dry_run"])
        except TableError as error:
            raise CommandError(f"The file was refused; nothing was imported.\n{error}") from None
        except ImportRefused as refused:
            raise CommandError(
                "The file was refused; nothing was imported.\n" + "\n".join(str(p) for p in refused.problems)
            ) from None
        verb = "Would register" if result.dry_run else "Registered"
        self.stdout.write(
            f"{verb} {len(result.created)} new platform case(s); {len(result.unchanged)} already registered."
        )
        for complaint in result.created if not result.dry_run else ():
            self.stdout.write(f"  {complaint.platform_ref} → {complaint.tracking_number}")
