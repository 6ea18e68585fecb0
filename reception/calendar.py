"""A branch's reception days as an iCalendar feed (RFC 5545), built with the `icalendar` library."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from portal.beijing import BEIJING

from .models import DayStatus


def event_uid(day, host: str) -> str:
    """Stable across edits and imports (the row's id never changes), unique across branches and sites."""
    return f"reception-day-{day.pk}@{host.split(':')[0] or 'localhost'}"


def branch_calendar(branch, days, *, host: str, page_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Consumer protection portal//Reception days//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Reception days · %(branch)s") % {"branch": branch.name})
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for day in days:
        event = Event()
        event.add("uid", event_uid(day, host))
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
            _("Receptionist: %(name)s %(title)s") % {"name": day.receptionist, "title": day.title},
        ]
        if day.phone:
            lines.append(_("Phone: %(phone)s") % {"phone": day.phone})
        if day.liaison:
            lines.append(_("Liaison: %(name)s") % {"name": day.liaison})
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
