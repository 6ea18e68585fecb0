"""The work queue: what needs a member of staff today, as the admin index shows it and the complaint list
filters it. Each queue is one condition on complaints (a Q for one user and day); the index counts them with
one aggregate query per section, and the list's "queue" filter applies the same condition, so a count and
the list it links to cannot disagree.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import BigIntegerField, Count, Exists, F, Min, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles

from . import services
from .models import (
    ACTIVE_STATUSES,
    DATA_REQUEST_OPEN,
    FORWARDED_SOURCES,
    FULL_DATA_PERMISSION,
    OPEN_STATUSES,
    Callback,
    CallbackStatus,
    Complaint,
    ComplaintEvent,
    DataRequest,
    EventAction,
    ExtensionRequest,
    ExtensionStatus,
    Status,
)

SOON_DAYS = 3
ASSIGN_PERMISSION = "complaints.assign_complaint"


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    section: str  # "mine" or "team"
    soonest: str | None  # the date field whose earliest value gives the days left (None: the clock is stopped)


MINE, TEAM, SENIOR, CALLS = "mine", "team", "senior", "calls"
MINE_TITLE = _("My complaints")
TEAM_TITLE = _("For the team's supervisor")
SENIOR_TITLE = _("For the senior managers")
CALLS_TITLE = _("Requests from complainants")
SECTION_TITLES = {MINE: MINE_TITLE, TEAM: TEAM_TITLE, SENIOR: SENIOR_TITLE, CALLS: CALLS_TITLE}
# Requests to be called back (/callback/): a queue of their own, for whoever may call back.
CALLBACKS_WAITING = Queue("callbacks_waiting", _("Waiting for a call back"), CALLS, None)
CALLBACK_PERMISSION = "complaints.answer_callback"
# Requests about one's personal data still to answer, by their stated limit (complaints/account/requests.py).
DATA_REQUESTS_OPEN = Queue("data_requests_open", _("Personal data requests to answer"), CALLS, "due_on")
SENIOR_PERMISSION = "complaints.approve_second_extension"

QUEUES = (
    Queue("mine_overdue", _("Overdue"), MINE, "due_date"),
    Queue("mine_due_soon", _("Due within 3 days"), MINE, "due_date"),
    Queue("mine_paused", _("Paused for outside appraisal"), MINE, None),
    Queue("mine_waiting_approval", _("Waiting for an extension approval"), MINE, "due_date"),
    Queue("mine_new_information", _("New information from the complainant"), MINE, "due_date"),
    Queue("unassigned", _("New complaints without a handler"), TEAM, "due_date"),
    Queue("approvals", _("Extension requests waiting for your decision"), TEAM, "due_date"),
    Queue(
        "regulator_due_soon",
        _("Forwarded by the regulator or the platform, reply due within 3 days"),
        TEAM,
        "regulator_deadline",
    ),
    Queue("second_extensions", _("Second extensions waiting for your decision"), SENIOR, "due_date"),
    Queue("requests_escalated", _("Extension requests undecided on the eve of their limit"), SENIOR, "due_date"),
    Queue("escalated_to_seniors", _("Late complaints escalated to the senior managers"), SENIOR, "late_since"),
)


def is_supervisor(user) -> bool:
    return user.has_perm(ASSIGN_PERMISSION)


def queues_for(user) -> list[Queue]:
    """The queues this user has: their own if they handle complaints, the team's if they assign them, the
    senior managers' if they decide second extensions."""
    sections = []
    if user.has_perm("complaints.handle_complaint"):
        sections.append(MINE)
    if is_supervisor(user):
        sections.append(TEAM)
    if user.has_perm(SENIOR_PERMISSION):
        sections.append(SENIOR)
    return [queue for queue in QUEUES if queue.section in sections]


def _new_information() -> Exists:
    """Information added by the complainant after the handler's last step on the complaint."""
    later_step = ComplaintEvent.objects.filter(
        complaint_id=OuterRef("complaint_id"), actor_id=OuterRef(OuterRef("handler_id")), at__gt=OuterRef("at")
    )
    return Exists(
        ComplaintEvent.objects.filter(complaint_id=OuterRef("pk"), action=EventAction.ADD_INFORMATION).exclude(
            Exists(later_step)
        )
    )


def condition(key: str, user, today: date) -> Q:
    """The complaints in queue `key` for `user` on `today`."""
    soon = today + timedelta(days=SOON_DAYS)
    mine = Q(handler=user)
    if key == "mine_overdue":
        return mine & (
            Q(status__in=OPEN_STATUSES, due_date__lt=today)
            | Q(status=Status.PAUSED, regulator_deadline__lt=today)
            | Q(status__in=ACTIVE_STATUSES, late_since__isnull=False)
        )
    if key == "mine_due_soon":
        return mine & Q(status__in=OPEN_STATUSES, late_since__isnull=True, due_date__gte=today, due_date__lte=soon)
    if key == "mine_paused":
        return mine & Q(status=Status.PAUSED)
    if key == "mine_waiting_approval":
        pending = ExtensionRequest.objects.filter(complaint_id=OuterRef("pk"), status=ExtensionStatus.PENDING)
        return mine & Q(status__in=ACTIVE_STATUSES) & Q(Exists(pending))
    if key == "mine_new_information":
        return mine & Q(status__in=ACTIVE_STATUSES) & Q(_new_information())
    if key == "unassigned":
        return Q(handler__isnull=True, status__in=ACTIVE_STATUSES)
    if key == "approvals":
        return Q(pk__in=services.decidable_extensions(user).values("complaint_id"))
    if key == "second_extensions":
        return Q(pk__in=services.decidable_extensions(user).filter(number=2).values("complaint_id"))
    if key == "requests_escalated":
        escalated = (
            ComplaintEvent.objects.filter(action=EventAction.ESCALATE, complaint_id=OuterRef("complaint_id"))
            .annotate(request_id=Cast(KT("data__request"), BigIntegerField()))
            .filter(request_id=OuterRef("pk"))
        )
        requests = services.decidable_extensions(user).filter(Exists(escalated))
        return Q(pk__in=requests.values("complaint_id"))
    if key == "escalated_to_seniors":
        escalated = ComplaintEvent.objects.filter(
            action=EventAction.ESCALATE, data__has_key="level", data__to=roles.SENIOR_MANAGER
        )
        return Q(status__in=ACTIVE_STATUSES, late_since__isnull=False, pk__in=escalated.values("complaint_id"))
    if key == "regulator_due_soon":
        return Q(
            source__in=FORWARDED_SOURCES,
            reported_back_on__isnull=True,
            status__in=(*ACTIVE_STATUSES, Status.DECIDED, Status.CLOSED),
            regulator_deadline__gte=today,
            regulator_deadline__lte=soon,
        )
    raise KeyError(key)


def _section_base(section: str, user, today: date):
    """The rows a section's aggregate reads: a handler's own complaints still being handled (the index on
    handler narrows them), or the team's unassigned and forwarded ones. Approvals are counted from the
    waiting requests (a few), not by a subquery per complaint."""
    complaints = Complaint.objects.all()
    if section == MINE:
        return complaints.filter(handler=user, status__in=ACTIVE_STATUSES)
    return complaints.filter(
        Q(handler__isnull=True, status__in=ACTIVE_STATUSES)
        | Q(
            source__in=FORWARDED_SOURCES,
            reported_back_on__isnull=True,
            regulator_deadline__gte=today,
            regulator_deadline__lte=today + timedelta(days=SOON_DAYS),
        )
    )


@dataclass
class Row:
    queue: Queue
    count: int
    days_left: int | None

    @property
    def key(self) -> str:
        return self.queue.key

    @property
    def label(self) -> str:
        return self.queue.label

    @property
    def late(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left if self.late else 0


def rows_for(user, today: date | None = None) -> dict[str, list[Row]]:
    """Each section's rows (count and days left of the soonest) for `user`: one query per section."""
    today = today or timezone.localdate()
    sections: dict[str, list[Row]] = {}
    for section in (MINE, TEAM, SENIOR):
        queues = [queue for queue in queues_for(user) if queue.section == section]
        if not queues:
            continue
        if section == SENIOR:
            sections[section] = [_senior_row(queue, user, today) for queue in queues]
            continue
        aggregates = {}
        approvals = None
        for queue in queues:
            if queue.key == "approvals":
                approvals = services.decidable_extensions(user).aggregate(
                    count=Count("pk"), soonest=Min("complaint__due_date")
                )
                continue
            where = condition(queue.key, user, today)
            aggregates[f"{queue.key}__count"] = Count("pk", filter=where)
            if queue.soonest:
                aggregates[f"{queue.key}__soonest"] = Min(F(queue.soonest), filter=where)
        totals = _section_base(section, user, today).aggregate(**aggregates)
        if approvals is not None:
            totals["approvals__count"], totals["approvals__soonest"] = approvals["count"], approvals["soonest"]
        rows = []
        for queue in queues:
            soonest = totals.get(f"{queue.key}__soonest")
            count = totals[f"{queue.key}__count"]
            rows.append(Row(queue, count, (soonest - today).days if soonest and count else None))
        sections[section] = rows
    return sections


def _senior_row(queue: Queue, user, today: date) -> Row:
    """A senior managers' queue: one small aggregate each (a few waiting requests, the escalated complaints).
    Days left of a late complaint are counted from its late mark (the limit that passed), not its due date."""
    totals = Complaint.objects.filter(condition(queue.key, user, today)).aggregate(
        count=Count("pk"), soonest=Min(queue.soonest)
    )
    soonest, count = totals["soonest"], totals["count"]
    if not (soonest and count):
        return Row(queue, count, None)
    days_left = (soonest - today).days
    return Row(queue, count, days_left - 1 if queue.soonest == "late_since" else days_left)


def request_rows(user, today: date | None = None) -> list[Row]:
    """The complainants' own requests for staff who may answer them: call backs waiting (days left counted from
    the oldest: one day to call back), and personal data requests still open (days left to the soonest limit).
    One small aggregate each."""
    today = today or timezone.localdate()
    rows = []
    if user.has_perm(CALLBACK_PERMISSION):
        totals = Callback.objects.filter(status=CallbackStatus.WAITING).aggregate(
            count=Count("pk"), oldest=Min("created_at")
        )
        waited = (today - timezone.localdate(totals["oldest"])).days if totals["count"] else None
        rows.append(Row(CALLBACKS_WAITING, totals["count"], None if waited is None else 1 - waited))
    if user.has_perm(FULL_DATA_PERMISSION) and user.has_perm("complaints.view_datarequest"):
        totals = DataRequest.objects.filter(status__in=DATA_REQUEST_OPEN).aggregate(
            count=Count("pk"), soonest=Min("due_on")
        )
        soonest = totals["soonest"]
        rows.append(Row(DATA_REQUESTS_OPEN, totals["count"], (soonest - today).days if soonest else None))
    return rows
