"""The periodic side of the staff's work (run by `manage.py run_periodic`): the handlers' daily digest and the
escalation ladder for late complaints.

- Digest: each handler, once a day from PORTAL_DIGEST_HOUR (Beijing time), is told which of their complaints
  fall due within 3 days.
- Escalation follows the late mark (`late_since`, written once by complaints.workflow.timing and never taken
  back), not the due date: a restart, a reopening, a merge or an import that gives a late complaint a new due
  date leaves it on the ladder. One day late it goes to the supervisors; five days late, to the senior
  managers; then, until it is decided, it is chased again every CHASE_DAYS (7) days after the last step (levels
  3, 4, …: the supervisors, the senior managers and its handler). Each step is an event on the complaint, once
  per level and lateness (`due` in the event is the limit that passed), and an alert.
- Imported complaints (their key begins "import:") already late are told in one digest per step and run, not
  an alert each: importing a year of old late cases is one line in each approver's inbox.
- Extension requests still undecided on the working day before the limit they extend are escalated: every
  approver who may decide them, the senior managers included, is told (an event on the complaint too).
All are idempotent: running them again the same day writes nothing new.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal import roles
from portal.actors import system_actor
from portal.messaging.alerts import admin_url, staff_alert, users_in_group
from portal.models import Holiday
from portal.workdays import previous_working_day

from . import services, staff_alerts
from .models import ACTIVE_STATUSES, Complaint, ComplaintEvent, EventAction, ExtensionRequest, ExtensionStatus
from .staff_alerts import case_params, case_url

DIGEST_DAYS = 3
# (days overdue, level, the group told, the alert's template)
LADDER = (
    (1, 1, roles.SUPERVISOR, "escalated_supervisor"),
    (5, 2, roles.SENIOR_MANAGER, "escalated_senior"),
)
# After the top of the ladder, a complaint still undecided is chased again every this many days.
CHASE_DAYS = 7
CHASED = (roles.SUPERVISOR, roles.SENIOR_MANAGER)
IMPORT_KEY = "import:"


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


def days_late(complaint: Complaint, today: date) -> int:
    """How many days the complaint has been late: 1 on the day it became late (the day after its limit)."""
    return (today - complaint.late_since).days + 1


def passed_due(complaint: Complaint) -> date:
    """The limit that passed: the day before the complaint became late (kept whatever its due date is now)."""
    return complaint.late_since - timedelta(days=1)


def steps_due(days: int, taken: dict[int, date], today: date) -> list[tuple[int, str, str]]:
    """The ladder's steps a complaint `days` late takes `today`, given the steps taken already for this lateness
    ({level: the day it was taken}): [(level, group or "", template)]. The fixed steps it has reached and not
    taken; then, once the top was taken, the next chase when the last step is CHASE_DAYS old (counted from the
    last step, so a complaint found late long after its limit is chased a week after it reached the top; a
    missed week is not made up)."""
    steps = [(level, group, template) for after, level, group, template in LADDER if days >= after]
    steps = [step for step in steps if step[0] not in taken]
    if LADDER[-1][1] in taken:
        last = max(taken)
        if (today - taken[last]).days >= CHASE_DAYS:
            steps.append((last + 1, "", "escalated_again"))
    return steps


@dataclass
class _Digest:
    """The imported complaints one run escalated, gathered per alert: users by pk, tracking numbers."""

    users: dict = field(default_factory=dict)
    numbers: list = field(default_factory=list)
    first_event: int = 0


def complaints_escalate(*, now=None) -> int:
    """Mark what has gone late, escalate extension requests undecided on the eve of their limit, then walk every
    late complaint still being handled up the ladder as far as its lateness reaches; returns the steps taken."""
    today: date = timezone.localdate(now or timezone.now())
    services.mark_late_complaints()
    steps = requests_escalate(today=today)
    late = list(
        Complaint.objects.filter(status__in=ACTIVE_STATUSES, late_since__isnull=False, late_since__lte=today)
        .select_related("handler")
        .order_by("late_since", "pk")
    )
    taken: dict[tuple[int, str], dict[int, date]] = {}
    for complaint_id, level, due, happened_on, at in ComplaintEvent.objects.filter(
        action=EventAction.ESCALATE, complaint__in=late, data__has_key="level"
    ).values_list("complaint_id", "data__level", "data__due", "happened_on", "at"):
        taken.setdefault((complaint_id, due), {})[level] = happened_on or timezone.localdate(at)
    digests: dict[str, _Digest] = {}
    for complaint in late:
        days = days_late(complaint, today)
        imported = complaint.idempotency_key.startswith(IMPORT_KEY)
        for level, group, template in steps_due(
            days, taken.get((complaint.pk, passed_due(complaint).isoformat()), {}), today
        ):
            steps += complaint_escalate(
                complaint=complaint,
                level=level,
                days=days,
                group=group,
                template=template,
                digest=digests.setdefault(template, _Digest()) if imported else None,
            )
    for template, digest in digests.items():
        _send_digest(template, digest, today)
    return steps


def _ladder_users(complaint: Complaint, group: str) -> list:
    if group:
        return list(users_in_group(group))
    users = {user.pk: user for name in CHASED for user in users_in_group(name)}
    if complaint.handler_id and complaint.handler.is_active:
        users.setdefault(complaint.handler_id, complaint.handler)
    return list(users.values())


@transaction.atomic
def complaint_escalate(
    *, complaint: Complaint, level: int, days: int, group: str, template: str, digest: _Digest | None = None
) -> int:
    """One step of the ladder for one complaint (the system acts): the event and the alerts (gathered into
    `digest` instead, for an imported complaint). Returns 1, or 0 when the step was already taken (by a run that
    overlapped) or the complaint is no longer late or no longer being handled."""
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("handler").get(pk=complaint.pk)
    if complaint.late_since is None or complaint.status not in ACTIVE_STATUSES:
        return 0
    due = passed_due(complaint).isoformat()
    if complaint.events.filter(action=EventAction.ESCALATE, data__level=level, data__due=due).exists():
        return 0
    users = _ladder_users(complaint, group)
    event = services.record_event(
        complaint,
        EventAction.ESCALATE,
        actor=system_actor(),
        data={
            "level": level,
            "due": due,
            "days": days,
            "to": group or roles.SENIOR_MANAGER,
            "users": [user.get_username() for user in users],
        },
    )
    if digest is not None:
        digest.users.update({user.pk: user for user in users})
        digest.numbers.append(complaint.tracking_number)
        digest.first_event = digest.first_event or event.pk
        return 1
    staff_alert(
        users=users,
        template=template,
        params={
            **case_params(complaint),
            "due": due,
            "days": days,
            "handler": services.handler_label(complaint),
            "since": complaint.late_since.isoformat(),
        },
        key=f"escalated:{complaint.pk}:{level}:{due}",
        reference=complaint.tracking_number,
        url=case_url(complaint),
    )
    return 1


def _send_digest(template: str, digest: _Digest, today: date) -> None:
    """One alert for the imported complaints a run escalated at the same step, to everyone those steps told."""
    if not digest.numbers:
        return
    shown = ", ".join(digest.numbers[:30]) + (" …" if len(digest.numbers) > 30 else "")
    staff_alert(
        users=list(digest.users.values()),
        template="escalated_digest",
        params={"count": len(digest.numbers), "numbers": shown},
        key=f"escalated-digest:{template}:{today.isoformat()}:{digest.first_event}",
        url=admin_url("admin:complaints_complaint_changelist", query="?deadline=overdue"),
    )


def eve_of_limit(due: date) -> date:
    """The working day before `due` (the public holidays and make-up working days of portal.models.Holiday)."""
    holidays, workdays = Holiday.objects.filter(date__gte=due - timedelta(days=40), date__lt=due).calendar()
    return previous_working_day(due, set(holidays), workdays)


def requests_escalate(*, today: date) -> int:
    """Each extension request still waiting on the working day before the limit it extends (or later, the limit
    not yet passed) is escalated once: an event on the complaint and an alert to every approver who may decide
    it, the senior managers included. Returns how many."""
    waiting = (
        ExtensionRequest.objects.filter(
            status=ExtensionStatus.PENDING,
            complaint__late_since__isnull=True,
            complaint__due_date__gte=today,
            complaint__due_date__lte=today + timedelta(days=40),
        )
        .select_related("complaint", "requested_by")
        .order_by("complaint__due_date", "pk")
    )
    escalated = 0
    eves: dict[date, date] = {}
    for request in waiting:
        due = request.complaint.due_date
        if due not in eves:
            eves[due] = eve_of_limit(due)
        if today >= eves[due]:
            escalated += request_escalate(request=request)
    return escalated


@transaction.atomic
def request_escalate(*, request: ExtensionRequest) -> int:
    """One undecided request escalated (the system acts); 0 when it was already, or is no longer waiting."""
    request = (
        ExtensionRequest.objects.select_for_update().select_related("complaint", "requested_by").get(pk=request.pk)
    )
    complaint = request.complaint
    if request.status != ExtensionStatus.PENDING or complaint.late_since is not None:
        return 0
    if complaint.events.filter(action=EventAction.ESCALATE, data__request=request.pk).exists():
        return 0
    users = services.extension_approvers(request)
    services.record_event(
        complaint,
        EventAction.ESCALATE,
        actor=system_actor(),
        data={
            "number": request.number,
            "due": complaint.due_date.isoformat(),
            "to": roles.SENIOR_MANAGER,
            "users": [user.get_username() for user in users],
            "request": request.pk,
        },
    )
    staff_alerts.extension_undecided(request, users)
    return 1
