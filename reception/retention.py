"""Retention of bookings: a booked visit's personal data (name, phone, what the visitor wanted to talk about)
is kept as long as a complaint's, counted from the reception day, then anonymised with the same marker
(PIPL Art. 19 and 47). The day, the branch, the booking number, its status and the link to a complaint stay,
so the schedule's history still adds up. A booking whose complaint is on legal hold is kept in full.
The complaints app's retention run (`apply_retention`) calls `bookings_anonymise`, which this app registers
through `portal.registry.register_retention_step`."""

from datetime import date

from django.db import transaction

from portal.privacy import ANONYMISED, ANONYMISED_PHONE

from .models import Booking


def bookings_past_retention(cutoff: date):
    """Bookings of days on or before `cutoff`, not anonymised yet, not tied to a complaint on legal hold."""
    return (
        Booking.objects.filter(day__date__lte=cutoff)
        .exclude(name=ANONYMISED)
        .exclude(complaint__legal_hold=True)
        .order_by("day__date", "id")
    )


@transaction.atomic
def bookings_anonymise(*, cutoff: date, dry_run: bool = False) -> list[str]:
    """Anonymise the bookings past retention; returns their numbers (with `dry_run`, those it would)."""
    due = bookings_past_retention(cutoff).select_for_update(of=("self",))
    numbers = list(due.values_list("number", flat=True))
    if not dry_run and numbers:
        Booking.objects.filter(number__in=numbers).update(name=ANONYMISED, phone=ANONYMISED_PHONE, topic=ANONYMISED)
    return numbers
