"""Telling visitors of their booking by SMS: confirmed, the day moved or changed, the day cancelled, the booking
cancelled. Queued in the outbox (portal/messaging) in the transaction of the change, in the language the
visitor booked in, with the texts of portal/messaging/catalogue.py and the gateway's 【signature】."""

from django.utils import translation

from portal.messaging.models import HeldReason, MessageChannel
from portal.messaging.outbox import message_queue

from .models import Booking

CONFIRMED, MOVED, DAY_CANCELLED, CANCELLED = "confirmed", "moved", "day_cancelled", "cancelled"

# What anyone with a phone number (and a booking number) can make the portal send: booking and cancelling count
# against the daily limit per recipient (portal/messaging/outbox.py); beyond it the message is held and the page
# still shows the booking. The branch's changes to a day (moved, cancelled) are never limited.
LIMITED = {CONFIRMED: HeldReason.BOOKINGS, CANCELLED: HeldReason.BOOKINGS}


def notify(booking: Booking, kind: str) -> None:
    day = booking.day
    with translation.override(booking.language):
        params = {
            "number": booking.number,
            "branch": day.branch.name,
            "date": day.date.isoformat(),
            "start": f"{day.start_time:%H:%M}",
            "end": f"{day.end_time:%H:%M}",
            "place": day.place,
            "reason": day.status_reason or "",
        }
    message_queue(
        channel=MessageChannel.SMS,
        recipient=booking.phone,
        language=booking.language,
        template=f"booking.{kind}",
        params=params,
        about=booking,
        reference=booking.number,
        limit=LIMITED.get(kind, ""),
    )
