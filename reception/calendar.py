"""A branch's reception days as an iCalendar feed (RFC 5545), built with the `icalendar` library."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from portal.beijing import BEIJING

from .models import DayStatus


def event_uid(day) -> str:
    """Stable across edits, imports and hosts (the row's id and the configured PORTAL_ID_DOMAIN never change),
    unique across branches and sites. A request's Host header must not decide it."""
    return f"reception-day-{day.pk}@{settings.PORTAL_ID_DOMAIN}"


def branch_calendar(branch, days, *, page_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Consumer protection portal//Reception days//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Reception days · %(branch)s") % {"branch": branch.name})
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for day in days:
        event = Event()
        event.add("uid", event_uid(day))
        # Calendars replace an event they hold only by a higher SEQUENCE (RFC 5545 3.8.7.4): every edit of
        # the day's date, time, place or status raises it.
        event.add("sequence", day.sequence)
        event.add("dtstamp", day.updated_at or timezone.now())
        event.add("last-modified", day.updated_at or timezone.now())
        event.add("dtstart", datetime.combine(day.date, day.start_time, tzinfo=BEIJING))
        event.add("dtend", datetime.combine(day.date, day.end_time, tzinfo=BEIJING))
        summary = _("General manager's reception day · %(branch)s") % {"branch": branch.name}
        if day.status == DayStatus.CANCELLED:
            summary = _("Cancelled: %(summary)s") % {"summary": summary}
        event.add("summary", summary)
        event.add("location", day.place)
        event.add("status", "CANCELLED" if day.status == DayStatus.CANCELLED else "CONFIRMED")
        lines = [
            _("Received by: %(name)s %(title)s") % {"name": day.receptionist_display, "title": day.title_display},
        ]
        if day.phone:
            lines.append(_("Phone: %(phone)s") % {"phone": day.phone})
        if day.liaison:
            lines.append(_("Liaison: %(name)s") % {"name": day.liaison_display})
        if day.status_reason:
            lines.append(day.status_reason)
        if day.notes:
            lines.append(day.notes)
        lines.append(_("Bring your ID, your policy documents and, if you filed a complaint, its tracking number."))
        event.add("description", "\n".join(lines))
        event.add("url", page_url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
