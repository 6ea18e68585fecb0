"""manage.py publish_statistics --year Y [--quarter Q] [--note TEXT] [--user NAME]"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from complaints.compliance.reports import Period
from complaints.compliance.statistics import statistics_publish
from portal.actors import system_actor
from portal.management.users import user_named


class Command(BaseCommand):
    help = "Publish a year's or a quarter's complaint statistics on /statistics/ (a stored snapshot)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--note", default="", help="Required when correcting a period already published.")
        parser.add_argument("--user", help="The compliance officer publishing (recorded with the snapshot).")

    def handle(self, *args, **options):
        try:
            period = Period(options["year"], options["quarter"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        actor = user_named(options["user"]) or system_actor()
        try:
            row = statistics_publish(period=period, actor=actor, note=options["note"])
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        self.stdout.write(f"Published {period.label} (version {row.version}): {row.figures['total']} complaints.")
