"""manage.py export_complaints --start D --end D --format csv|xlsx --output F [--unmasked --user USERNAME]"""

from django.core.management.base import BaseCommand, CommandError

from complaints.compliance.exports import ExportRefused, complaint_export
from portal.management.users import user_named


class Command(BaseCommand):
    help = (
        "Export the complaints received between two days (Beijing time, both included). Phone, ID number and email "
        "are masked unless --unmasked is given with --user naming someone allowed to see them. Every export is logged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="First day of receipt, e.g. 2024-01-01.")
        parser.add_argument("--end", required=True, help="Last day of receipt, e.g. 2024-12-31.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", required=True)
        parser.add_argument("--unmasked", action="store_true", help="Personal data in full (needs --user).")
        parser.add_argument("--user", help="The staff member the export is made for (logged).")
        parser.add_argument("--branch", help="Only this branch (its slug).")

    def handle(self, *args, **options):
        user = user_named(options["user"])
        if options["unmasked"] and user is None:
            raise CommandError("--unmasked needs --user naming a user allowed to see personal data in full.")
        filters = {"start": options["start"], "end": options["end"], "branch": options["branch"] or ""}
        try:
            rows = complaint_export(
                filters=filters,
                file_format=options["format"],
                target=options["output"],
                user=user,
                masked=not options["unmasked"],
                via="command",
            )
        except ExportRefused as refused:
            raise CommandError(str(refused.args[0]) if refused.args else str(refused)) from None
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error.strerror}") from None
        masked = "unmasked" if options["unmasked"] else "masked"
        self.stdout.write(f"Exported {rows} complaints ({masked}) to {options['output']}.")
        if user is None:
            self.stdout.write("Logged as made by the system account (no --user given).")
