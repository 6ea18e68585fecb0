"""The periodic side of the staff's work (run by `manage.py run_periodic`): the handlers' daily digest and the
escalation ladder for late complaints.

- Digest: each handler, once a day from PORTAL_DIGEST_HOUR (Beijing time), is told which of their complaints
  fall due within 3 days.
- Escalation: a complaint whose clock runs and whose due date passed one day ago goes to the supervisors; five
  days ago, to the senior managers. Each step is an event on the complaint (once per step and due date: an
  extension that moves the due date starts the ladder again) and an alert.
Both are idempotent: running them again the same day writes nothing new.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal import roles
from portal.actors import system_actor
from portal.messaging.alerts import admin_url, staff_alert, users_in_group

from . import services
from .models import OPEN_STATUSES, Complaint, ComplaintEvent, EventAction
from .staff_alerts import case_params, case_url

DIGEST_DAYS = 3
# (days overdue, level, the group told, the alert's template)
LADDER = (
    (1, 1, roles.SUPERVISOR, "escalated_supervisor"),
    (5, 2, roles.SENIOR_MANAGER, "escalated_senior"),
)


def digests_send(*, now=None) -> int:
    """The daily digest of complaints due within 3 days, to each handler who has any; returns how many."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.PORTAL_DIGEST_HOUR:
        return 0
    today = now.date()
    due = Complaint.objects.due_soon(today, DIGEST_DAYS).filter(handler__isnull=False).order_by("due_date", "id")
    by_handler: dict[int, list[Complaint]] = {}
    for complaint in due.only("pk", "tracking_number", "due_date", "handler_id"):
        by_handler.setdefault(complaint.handler_id, []).append(complaint)
    sent = 0
    for user in get_user_model().objects.filter(pk__in=by_handler, is_active=True):
        complaints = by_handler[user.pk]
        sent += len(
            staff_alert(
                users=[user],
                template="digest",
                params={
                    "count": len(complaints),
                    "numbers": ", ".join(f"{c.tracking_number} ({c.due_date:%m-%d})" for c in complaints[:20]),
                },
                key=f"digest:{today.isoformat()}",
                url=admin_url("admin:complaints_complaint_changelist", query="?deadline=due_soon"),
            )
        )
    return sent


def complaints_escalate(*, now=None) -> int:
    """Walk every late complaint up the ladder as far as its lateness reaches; returns the steps taken."""
    today: date = timezone.localdate(now or timezone.now())
    late = list(
        Complaint.objects.overdue(today)
        .filter(due_date__lte=today - timedelta(days=LADDER[0][0]))
        .select_related("handler")
    )
    taken = set(
        ComplaintEvent.objects.filter(action=EventAction.ESCALATE, complaint__in=late).values_list(
            "complaint_id", "data__level", "data__due"
        )
    )
    steps = 0
    for complaint in late:
        days = (today - complaint.due_date).days
        for after, level, group, template in LADDER:
            if days >= after and (complaint.pk, level, complaint.due_date.isoformat()) not in taken:
                steps += complaint_escalate(complaint=complaint, level=level, days=days, group=group, template=template)
    return steps


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, level: int, days: int, group: str, template: str) -> int:
    """One step of the ladder for one complaint (the system acts): the event and the alerts. Returns 1, or 0 when
    the step was already taken (by a run that overlapped) or the complaint is no longer late."""
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("handler").get(pk=complaint.pk)
    due = complaint.due_date.isoformat() if complaint.due_date else ""
    if not complaint.due_date or complaint.due_date >= timezone.localdate() or complaint.status not in OPEN_STATUSES:
        return 0
    if complaint.events.filter(action=EventAction.ESCALATE, data__level=level, data__due=due).exists():
        return 0
    users = list(users_in_group(group))
    services.record_event(
        complaint,
        EventAction.ESCALATE,
        actor=system_actor(),
        data={"level": level, "due": due, "days": days, "to": group, "users": [user.get_username() for user in users]},
    )
    handler = complaint.handler.get_username() if complaint.handler_id else "—"
    staff_alert(
        users=users,
        template=template,
        params={**case_params(complaint), "days": days, "handler": handler},
        key=f"escalated:{complaint.pk}:{level}:{due}",
        reference=complaint.tracking_number,
        url=case_url(complaint),
    )
    return 1
