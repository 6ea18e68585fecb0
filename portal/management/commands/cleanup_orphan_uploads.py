"""manage.py cleanup_orphan_uploads [--dry-run]: delete uploaded files no record points to, older than an hour."""

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from portal.housekeeping import cleanup_orphan_uploads


class Command(BaseCommand):
    help = "Delete uploaded files that no record points to and that are older than an hour."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be deleted; delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = cleanup_orphan_uploads(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        for name in report.deleted:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(
            f"{verb} {len(report.deleted)} orphaned file(s) ({filesizeformat(report.bytes_freed)}); "
            f"kept {report.referenced} referenced and {report.kept_young} younger than an hour."
        )
