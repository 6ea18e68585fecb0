"""Reception's part of a complainant's account (complaints/account/, through portal.registry): the bookings made
with the signed-in phone, cancelling one of them, what a copy of one's data holds about bookings, and what a
deletion request may remove now."""

from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import registry
from portal.audit import PersonalDataSeen
from portal.privacy import ANONYMISED, ANONYMISED_PHONE

from . import services
from .models import Booking, BookingStatus


def _of(phone: str):
    return Booking.objects.filter(phone=phone).select_related("day__branch").order_by("-day__date", "-id")


def _can_cancel(booking: Booking, today: date) -> bool:
    return booking.status == BookingStatus.BOOKED and booking.day.date >= today


def items(phone: str, today: date) -> list[dict]:
    """The bookings of `phone` (E.164), newest day first, as the account lists them."""
    return [
        {
            "reference": booking.number,
            "title": _("Reception day of %(branch)s") % {"branch": booking.day.branch.name},
            "when": booking.day.date,
            "time": f"{booking.day.start_time:%H:%M}–{booking.day.end_time:%H:%M}",
            "status": booking.get_status_display(),
            "topic": booking.topic,
            "can_cancel": _can_cancel(booking, today),
        }
        for booking in _of(phone)
    ]


def cancel(phone: str, reference: str) -> bool:
    """Cancel the booking `reference` of `phone`, through the same service as the public cancel page; False
    when it is not theirs or can no longer be cancelled."""
    booking = _of(phone).filter(number=reference).first()
    if booking is None or not _can_cancel(booking, timezone.localdate()):
        return False
    services.booking_cancel(booking=booking)
    return True


def export(phone: str) -> list[dict]:
    """Every booking of `phone`, in full, with who saw its data in full (portal.audit)."""
    rows = []
    for booking in _of(phone):
        seen = PersonalDataSeen.objects.about(booking).select_related("user")
        rows.append(
            {
                "booking_number": booking.number,
                "branch": booking.day.branch.name,
                "date": booking.day.date.isoformat(),
                "name": booking.name,
                "phone": booking.phone,
                "topic": booking.topic,
                "status": booking.status,
                "booked_at": booking.created_at.isoformat(),
                "cancelled_at": booking.cancelled_at.isoformat() if booking.cancelled_at else None,
                "complaint": booking.complaint.tracking_number if booking.complaint_id else booking.tracking_number,
                "seen_by_staff": [{"at": row.at.isoformat(), "where": row.where, "fields": row.fields} for row in seen],
            }
        )
    return rows


def erase(phone: str, today: date) -> list[str]:
    """What a deletion request removes now: the bookings of days gone by that are tied to no complaint (a
    booking turned into a complaint is kept with it). Upcoming bookings stay until cancelled or held."""
    due = _of(phone).filter(day__date__lt=today).filter(Q(complaint__isnull=True))
    numbers = list(due.values_list("number", flat=True))
    if numbers:
        Booking.objects.filter(number__in=numbers).update(name=ANONYMISED, phone=ANONYMISED_PHONE, topic=ANONYMISED)
    return numbers


SOURCE = registry.AccountSource(name="bookings", items=items, cancel=cancel, export=export, erase=erase)
