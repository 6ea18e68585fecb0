"""The work queue: what needs a member of staff today, as the admin index shows it and the complaint list
filters it. Each queue is one condition on complaints (a Q for one user and day); the index counts them with
one aggregate query per section, and the list's "queue" filter applies the same condition, so a count and
the list it links to cannot disagree.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    Complaint,
    ComplaintEvent,
    EventAction,
    ExtensionRequest,
    ExtensionStatus,
    Source,
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


MINE, TEAM = "mine", "team"
MINE_TITLE = _("My complaints")
TEAM_TITLE = _("For the team's supervisor")

QUEUES = (
    Queue("mine_overdue", _("Overdue"), MINE, "due_date"),
    Queue("mine_due_soon", _("Due within 3 days"), MINE, "due_date"),
    Queue("mine_paused", _("Paused for outside appraisal"), MINE, None),
    Queue("mine_waiting_approval", _("Waiting for an extension approval"), MINE, "due_date"),
    Queue("mine_new_information", _("New information from the complainant"), MINE, "due_date"),
    Queue("unassigned", _("New complaints without a handler"), TEAM, "due_date"),
    Queue("approvals", _("Extension requests waiting for your decision"), TEAM, "due_date"),
    Queue("regulator_due_soon", _("Forwarded by the regulator, reply due within 3 days"), TEAM, "regulator_deadline"),
)


def is_supervisor(user) -> bool:
    return user.has_perm(ASSIGN_PERMISSION)


def queues_for(user) -> list[Queue]:
    """The queues this user has: their own if they handle complaints, the team's if they assign them."""
    sections = []
    if user.has_perm("complaints.handle_complaint"):
        sections.append(MINE)
    if is_supervisor(user):
        sections.append(TEAM)
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
    if key == "regulator_due_soon":
        return Q(
            source=Source.REGULATOR,
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
            source=Source.REGULATOR,
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
    for section in (MINE, TEAM):
        queues = [queue for queue in queues_for(user) if queue.section == section]
        if not queues:
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
