"""manage.py apply_retention [--dry-run]: anonymise complaints past the retention period (docs/operations.md)."""

from django.core.management.base import BaseCommand

from complaints.compliance.retention import retention_apply
from portal.actors import system_actor


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of complaints that ended more than PORTAL_RETENTION_YEARS ago "
        "(legal holds excepted); statistics are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be anonymised; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = retention_apply(dry_run=dry_run, actor=system_actor())
        verb = "Would anonymise" if dry_run else "Anonymised"
        for number in report.anonymised:
            self.stdout.write(f"{verb} {number}")
        for number in report.on_hold:
            self.stdout.write(f"Kept {number} (legal hold)")
        self.stdout.write(
            f"{verb} {len(report.anonymised)} complaint(s) that ended on or before {report.cutoff.isoformat()}"
            f"{'' if dry_run else f', deleted {report.files_deleted} file(s)'}; "
            f"{len(report.on_hold)} kept on legal hold."
        )
        for name, done in report.others.items():
            self.stdout.write(f"{verb} {len(done)} {name}.")
