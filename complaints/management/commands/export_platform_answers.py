"""manage.py export_platform_answers --since D --output PATH: the answers and steps for the national complaint
platform, through the configured exchange."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from complaints.compliance.platform.adapter import exchange


class Command(BaseCommand):
    help = (
        "Write the answers and steps of every case the national complaint platform transferred that has a step "
        "on or after --since (a JSON document, schema platform-answers version 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="The first day (YYYY-MM-DD, Beijing time).")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args, **options):
        try:
            since = date.fromisoformat(options["since"])
        except ValueError:
            raise CommandError(f"--since is not a day (YYYY-MM-DD): {options['since']}") from None
        try:
            count = exchange().write_answers(since, options["output"])
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error.strerror}") from None
        self.stdout.write(f"Wrote {count} platform case(s) to {options['output']}.")
