"""manage.py draft_disclosure --year Y: the year's draft disclosure with its complaint section from the figures."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from complaints.compliance.disclosure import disclosure_draft
from portal.actors import system_actor
from portal.management.users import user_named


class Command(BaseCommand):
    help = (
        "Create the year's draft disclosure notice (both languages) whose complaint section states the year's "
        "figures, or bring that section of the existing draft up to date. Never publishes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", help="The staff member recorded as the author of the change.")

    def handle(self, *args, **options):
        if not 2000 <= options["year"] <= 2100:
            raise CommandError("--year must be between 2000 and 2100.")
        actor = user_named(options["user"]) or system_actor()
        try:
            notice, created = disclosure_draft(year=options["year"], actor=actor)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} the draft disclosure for {options['year']}: notice {notice.pk} ({notice.slug}).")
