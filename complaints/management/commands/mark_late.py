"""manage.py mark_late: record every complaint whose time limit passed without a decision (docs/operations.md)."""

from django.core.management.base import BaseCommand

from complaints.services import mark_late_complaints


class Command(BaseCommand):
    help = (
        "Record as late every complaint whose time limit passed without a decision: the day it became late and an "
        "event. Run it daily, shortly after midnight Beijing time; running it again changes nothing."
    )

    def handle(self, *args, **options):
        marked = mark_late_complaints()
        for number in marked:
            self.stdout.write(f"Late: {number}")
        self.stdout.write(f"{len(marked)} complaint(s) recorded as late.")
