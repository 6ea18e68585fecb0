from datetime import datetime, timedelta

from django.utils import timezone

from portal.beijing import day_start

from .models import ReceptionDay


def section_context(request) -> dict:
    """Each branch's next reception day, for the home page (one query)."""
    return {"next_days": list(ReceptionDay.objects.next_per_branch(timezone.localdate()))}


def next_change() -> datetime | None:
    """The next midnight (Beijing time) at which an upcoming day becomes past: the schedule, the archive and
    the home page change then without any edit, so no cached page may outlive it."""
    first = ReceptionDay.objects.first_date_from(timezone.localdate())
    if first is None:
        return None
    return day_start(first + timedelta(days=1))
