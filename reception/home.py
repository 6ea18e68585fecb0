from datetime import datetime, timedelta

from django.utils import timezone

from portal.beijing import day_start

from .models import ReceptionDay


def section_context(request) -> dict:
    """Each branch's next reception day, for the home page (one query), soonest first: the elderly home shows
    the first as the next reception day of all."""
    days = ReceptionDay.objects.next_per_branch(timezone.localdate())
    return {"next_days": list(days.order_by("date", "start_time", "branch__sort_order", "branch__slug"))}


def next_change() -> datetime | None:
    """The next midnight (Beijing time) at which an upcoming day becomes past: the schedule, the archive and
    the home page change then without any edit, so no cached page may outlive it."""
    first = ReceptionDay.objects.first_date_from(timezone.localdate())
    if first is None:
        return None
    return day_start(first + timedelta(days=1))
