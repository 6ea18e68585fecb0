"""The clock's actions: extensions (requested by the handler, granted or refused by an approver), pause and resume
for an appraisal, restart on new facts, reopening, and the daily record of complaints gone late.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import notifications, staff_alerts
from ..deadlines import MAX_EXTENSIONS
from ..models import (
    FORWARDED_SOURCES,
    OPEN_STATUSES,
    Complaint,
    ComplaintEvent,
    ExtensionRequest,
    ExtensionStatus,
)
from .core import (
    A,
    S,
    WorkflowError,
    _check_conflict,
    _locked,
    _require,
    _today,
    record_event,
)
from .timing import (
    _limit_passed,
    _limit_passed_error,
    _mark_late,
    _pending_request,
    _step_day,
    extension_days_available,
)
from .transitions import (
    _apply,
    _begin,
    _transition,
)

# What complaints.services re-exports from this module.
__all__ = [
    "approver_refusal",
    "can_decide_extension",
    "complaint_mark_late",
    "complaint_pause",
    "complaint_reopen",
    "complaint_request_extension",
    "complaint_restart",
    "complaint_resume",
    "decidable_extensions",
    "extension_approvers",
    "extension_grant",
    "extension_refuse",
    "mark_late",
    "mark_late_complaints",
]

# Extensions (Art. 20): requested by whoever handles the complaint, granted or refused by an approver who is
# not the requester — a supervisor for the first (to 30 days), a senior manager for the second (60 in all).


@transaction.atomic
def complaint_request_extension(
    *, complaint: Complaint, actor, reason: str, days: int | None = None
) -> ExtensionRequest:
    """Ask for more time (Art. 20): the reason (told to the complainant once granted) and the days wanted — up
    to 30 days in all for the first extension, a further 30 (60 in all) for the second. The request waits in the
    approvers' list; nothing changes on the complaint until it is granted. It must be made before the current
    limit ends; after that the complaint is late and only the late decision remains. A review is decided within
    its own limit and is not extended (the company's policy)."""
    reason = _require(reason, _("Give the reason for the extension; the complainant is told it."))
    if actor is None:
        raise PermissionDenied(_("An extension is requested by the member of staff handling the complaint."))
    current = _begin(complaint, A.REQUEST_EXTENSION, actor=actor)
    if current.review_of_id:
        raise WorkflowError(_("A review is decided within its own time limit; it is not extended."), code="review")
    if current.extensions >= MAX_EXTENSIONS:
        raise WorkflowError(
            _("The time limit has already been extended twice (60 days); no further extension is allowed."),
            code="extension_limit",
        )
    if _pending_request(current) is not None:
        raise WorkflowError(_("A request for an extension is already waiting for approval."), code="pending")
    if _limit_passed(current):
        raise _limit_passed_error(current)
    room = extension_days_available(current)
    days = room if days is None else days
    if not 1 <= days <= room:
        raise WorkflowError(
            _("This extension may add 1 to %(room)d days."), code="extension_days", params={"room": room}
        )
    request = ExtensionRequest.objects.create(
        complaint=current,
        number=current.extensions + 1,
        days=days,
        reason=reason,
        requested_by=actor,
        requested_at=timezone.now(),
        due_when_requested=current.due_date,
    )
    record_event(
        current,
        A.REQUEST_EXTENSION,
        actor=actor,
        note=reason,
        public=False,
        data={"number": request.number, "days": days, "request": request.pk},
    )
    current.save()
    staff_alerts.extension_requested(request, extension_approvers(request, first_line=True))
    return request


# The permission that decides each extension (by its number), and the one that marks the senior managers.
APPROVING_PERMISSIONS = {1: "approve_extension", 2: "approve_second_extension"}


def _holding(codename: str):
    """Active users holding complaints.`codename` through a group or their own permissions (superusers, who
    hold everything, are not counted: they are not the team's approvers)."""
    where = {"content_type__app_label": "complaints", "codename": codename}
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(**{f"groups__permissions__{name}": value for name, value in where.items()})
            | Q(**{f"user_permissions__{name}": value for name, value in where.items()})
        )
        .distinct()
    )


def extension_approvers(request: ExtensionRequest, *, first_line: bool = False) -> list:
    """The people who may decide `request` (the approver's permission, not the requester, not conflicted). With
    `first_line`, a first extension goes to the approvers who are not senior managers (the supervisors) when
    there are any; the senior managers are told when it is still undecided on the eve of the limit."""
    users = _holding(APPROVING_PERMISSIONS[request.number])
    eligible = [user for user in users.order_by("pk") if approver_refusal(user, request) is None]
    if first_line and request.number == 1:
        seniors = set(_holding(APPROVING_PERMISSIONS[2]).values_list("pk", flat=True))
        supervisors = [user for user in eligible if user.pk not in seniors]
        return supervisors or eligible
    return eligible


def _check_approver(actor, request: ExtensionRequest, complaint: Complaint) -> None:
    if actor is None or not actor.is_active:
        raise PermissionDenied(_("An extension is granted or refused by an approver."))
    if not actor.has_perm(request.approving_permission):
        raise PermissionDenied(
            _("Only a supervisor may decide on the first extension.")
            if request.number == 1
            else _("Only a senior manager may decide on the second extension.")
        )
    if actor.pk == request.requested_by_id:
        raise PermissionDenied(_("An extension is decided by someone other than the person who asked for it."))
    _check_conflict(actor, complaint)


def can_decide_extension(user, request: ExtensionRequest) -> bool:
    """Whether `user` may grant or refuse this request now."""
    return request.status == ExtensionStatus.PENDING and may_decide_extension(user, request)


def may_decide_extension(user, request: ExtensionRequest) -> bool:
    """Whether `user` is an approver of this request at all (whether or not it is still waiting)."""
    return approver_refusal(user, request) is None


def approver_refusal(user, request: ExtensionRequest):
    """Why `user` may never decide this request (a translated sentence), or None when they may."""
    try:
        _check_approver(user, request, request.complaint)
    except PermissionDenied as refused:
        return str(refused)
    return None


def decidable_extensions(user):
    """The waiting requests `user` may decide, in SQL: the rule of can_decide_extension (the approver's
    permission for the request's number, not the requester, not conflicted) for lists and counts."""
    if user is None or not user.is_active:
        return ExtensionRequest.objects.none()
    numbers = [
        number
        for number, permission in ((1, "complaints.approve_extension"), (2, "complaints.approve_second_extension"))
        if user.has_perm(permission)
    ]
    decided_by_user = ComplaintEvent.objects.filter(
        complaint_id=OuterRef("complaint__review_of_id"), action=A.DECIDE, actor=user
    )
    return (
        ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING, number__in=numbers)
        .exclude(requested_by=user)
        .exclude(complaint__named_employee=user)
        .exclude(complaint__review_of__named_employee=user)
        .exclude(Exists(decided_by_user))
    )


def _locked_request(request: ExtensionRequest) -> ExtensionRequest:
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == ExtensionStatus.LAPSED and request.complaint.late_since is not None:
        raise _limit_passed_error(request.complaint)
    if request.status != ExtensionStatus.PENDING:
        raise WorkflowError(
            _("This request has already been decided: %(status)s."),
            code="request_decided",
            params={"status": request.get_status_display()},
        )
    return request


@transaction.atomic
def extension_grant(*, request: ExtensionRequest, actor, note: str = "") -> Complaint:
    """Grant a waiting request (Art. 20): the limit moves by the days asked for, and the complainant is told of
    the extension and its reason. Only before the limit being extended ends: a request not granted by then
    has lapsed and the complaint is late."""
    request = _locked_request(request)
    complaint = _begin(request.complaint, A.EXTEND, actor=actor, checked=True)
    _check_approver(actor, request, complaint)
    if _limit_passed(complaint):
        raise _limit_passed_error(complaint)
    if complaint.extensions + 1 != request.number:
        raise WorkflowError(_("This request no longer matches the complaint's extensions."), code="request_stale")
    complaint = _apply(
        complaint,
        A.EXTEND,
        actor=actor,
        note=request.reason,
        data={
            "number": request.number,
            "days": request.days,
            "requested_by": request.requested_by.get_username(),
            "approved_by": actor.get_username(),
            "request": request.pk,
        },
    )
    ExtensionRequest.objects.filter(pk=request.pk).update(
        status=ExtensionStatus.GRANTED, decided_by=actor, decided_at=timezone.now(), decision_note=note.strip()
    )
    notifications.notify(complaint, notifications.EXTENDED, reason=request.reason)
    request.refresh_from_db()
    request.complaint = complaint
    staff_alerts.extension_decided(request)
    return complaint


@transaction.atomic
def extension_refuse(*, request: ExtensionRequest, actor, note: str) -> ExtensionRequest:
    """Refuse a waiting request, saying why (kept in the history for the handler; the complainant is not told,
    since nothing changes for them)."""
    note = _require(note, _("Say why the extension is refused."))
    request = _locked_request(request)
    complaint = _locked(request.complaint)
    _check_approver(actor, request, complaint)
    _mark_late(complaint)
    ExtensionRequest.objects.filter(pk=request.pk).update(
        status=ExtensionStatus.REFUSED, decided_by=actor, decided_at=timezone.now(), decision_note=note
    )
    record_event(
        complaint, A.REFUSE_EXTENSION, actor=actor, note=note, data={"number": request.number, "request": request.pk}
    )
    complaint.save()
    request.refresh_from_db()
    staff_alerts.extension_decided(request)
    return request


@transaction.atomic
def complaint_pause(*, complaint: Complaint, actor, reason: str, started_on: date | None = None) -> Complaint:
    """Stop the clock for an outside appraisal, test or evaluation (Art. 20: that time does not count). The
    complainant is told. `started_on` is the day the appraisal began (today by default). A pause comes before
    the limit ends: after it, the complaint is late."""
    reason = _require(reason, _("Say which appraisal the complaint waits for."))
    current = _begin(complaint, A.PAUSE, actor=actor)
    if _limit_passed(current):
        raise _limit_passed_error(current)
    day = _step_day(current, started_on, actor)
    complaint = _apply(current, A.PAUSE, actor=actor, note=reason, happened_on=day)
    notifications.notify(complaint, notifications.PAUSED, reason=reason)
    return complaint


@transaction.atomic
def complaint_resume(*, complaint: Complaint, actor, note: str = "", ended_on: date | None = None) -> Complaint:
    """The appraisal is back: the clock runs again, the days paused (to `ended_on`, the day it ended, today by
    default) added to the due date. The complainant is told the new date (the pause message promised it)."""
    current = _begin(complaint, A.RESUME, actor=actor)
    day = _step_day(current, ended_on, actor)
    complaint = _apply(current, A.RESUME, actor=actor, note=note, happened_on=day)
    notifications.notify(complaint, notifications.RESUMED)
    return complaint


@transaction.atomic
def complaint_restart(*, complaint: Complaint, actor, note: str) -> Complaint:
    """New facts restart the clock (Art. 20): a fresh 15-day period from today. A complaint already late stays
    late: the new period is for the new facts, not a second chance at the first."""
    note = _require(note, _("Describe the new facts."))
    complaint = _transition(complaint, A.RESTART, actor=actor, note=note)
    notifications.notify(complaint, notifications.RESTARTED)
    return complaint


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Reopen a decided, closed or rejected complaint (e.g. the decision was wrong). The clock is not reset:
    a complaint reopened after its limit is late from the day it is reopened, and one already late stays late."""
    reason = _require(reason, _("Give the reason for reopening."))
    complaint = _transition(complaint, A.REOPEN, actor=actor, note=reason, public=True, fields={"ended_on": None})
    notifications.notify(complaint, notifications.REOPENED, reason=reason)
    return complaint


@transaction.atomic
def complaint_mark_late(*, complaint: Complaint) -> Complaint:
    """Record that the complaint's limit has passed without a decision, if it has (once: a complaint late stays
    late). Every step does this first; the daily run (mark_late_complaints) does it for complaints nobody
    touched, and staff pages before an action, so that a refused step still leaves the record."""
    current = _locked(complaint)
    if _mark_late(current):
        current.save()
    return current


def mark_late_complaints() -> list[str]:
    """The daily run: every complaint whose limit passed yesterday or before without a decision is recorded
    as late, with the day it became late and an event. Each in its own transaction; idempotent."""
    today = _today()
    candidates = (
        Complaint.objects.filter(late_since__isnull=True)
        .filter(
            Q(status__in=OPEN_STATUSES, due_date__lt=today)
            | Q(status=S.PAUSED, source__in=FORWARDED_SOURCES, regulator_deadline__lt=today)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    marked = []
    for pk in list(candidates):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            if _mark_late(complaint):
                complaint.save()
                marked.append(complaint.tracking_number)
    return marked


@task
def mark_late() -> dict:
    """The daily deadline run as a task for `manage.py db_worker` (e.g. enqueued at 00:10 Beijing time)."""
    return {"late": len(mark_late_complaints())}
