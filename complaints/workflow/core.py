"""The workflow's rules and its one event writer: TRANSITIONS (what may follow what), the actions' labels, who may act
(PERMISSIONS, the assignment, the conflict of interest), WorkflowError, the moment steps are judged at, and
record_event.

`actor` is the member of staff acting. `actor=None` is the complainant, acting on the public pages (authorised by
the tracking number and phone, not by a permission). The system (management commands, periodic jobs, imports
run by an operator, the demo) acts as `portal.actors.system_actor()`: it is allowed the system's work and is
recorded as the event's actor. None is still accepted where the system used to be None, and checked as it was.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.actors import is_system_actor
from portal.beijing import day_start
from portal.display import person_name

from ..deadlines import CLOCK_ACTIONS
from ..models import (
    ACTIVE_STATUSES,
    Complaint,
    ComplaintEvent,
    EventAction,
    Status,
)

# What complaints.services re-exports from this module.
__all__ = [
    "ACTION_LABELS",
    "PERMISSIONS",
    "TRANSITIONS",
    "A",
    "S",
    "WorkflowError",
    "action_label",
    "actor_refusal",
    "conflicted_ids",
    "handler_label",
    "is_conflicted",
    "record_event",
    "recording_history",
]

A = EventAction
S = Status
_ACTIVE = frozenset(ACTIVE_STATUSES)
# The statuses in which a complaint's time limit may still be extended or its clock paused.
_WORKING = frozenset({S.ACCEPTED, S.IN_PROGRESS})

# The workflow: action -> (statuses it may start from, status it leads to; None keeps the status).
TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    A.ACCEPT: (frozenset({S.RECEIVED}), S.ACCEPTED),
    A.START: (frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    A.DECIDE: (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.DECIDED),
    A.CLOSE: (frozenset({S.DECIDED}), S.CLOSED),
    A.DELIVER: (frozenset({S.DECIDED, S.CLOSED}), None),
    A.REQUEST_EXTENSION: (_WORKING, None),
    A.EXTEND: (_WORKING, None),
    A.PAUSE: (_WORKING, S.PAUSED),
    A.RESUME: (frozenset({S.PAUSED}), S.IN_PROGRESS),
    A.MERGE: (_ACTIVE, S.MERGED),
    A.RESTART: (frozenset({S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS}), None),
    A.WITHDRAW: (_ACTIVE, S.WITHDRAWN),
    A.REJECT: (frozenset({S.RECEIVED, S.ACCEPTED}), S.REJECTED),
    A.REQUEST_REVIEW: (frozenset({S.DECIDED, S.CLOSED}), None),
    A.REOPEN: (frozenset({S.DECIDED, S.CLOSED, S.REJECTED}), S.IN_PROGRESS),
    A.ASSIGN: (_ACTIVE | {S.DECIDED}, None),
    A.ADD_INFORMATION: (_ACTIVE, None),
    A.REPORT_BACK: (frozenset(S), None),
    # Correcting and enriching the record: at any step, the status unchanged; a letter tells a decision.
    A.RECLASSIFY: (frozenset(S), None),
    A.NOTE: (frozenset(S), None),
    A.CALL: (frozenset(S), None),
    A.ATTACH: (frozenset(S), None),
    # A staff document made visible to the complainant (never back: they may have read it).
    A.SEND_DOCUMENTS: (frozenset(S), None),
    A.LETTER: (frozenset({S.DECIDED, S.CLOSED}), None),
    A.FEEDBACK: (frozenset({S.DECIDED, S.CLOSED}), None),
    A.PAYMENT: (frozenset({S.DECIDED, S.CLOSED}), None),
    # Care (complaints/workflow/care.py): the circumstances at any step; a further material while undecided.
    A.CARE: (frozenset(S), None),
    A.FURTHER_REQUEST: (_ACTIVE, None),
    # A group complaint's members (complaints/workflow/groups.py): recorded at any step, the status unchanged.
    A.MEMBERS: (frozenset(S), None),
}

# What each action is called on buttons and in messages (a verb; the event log uses EventAction's labels).
ACTION_LABELS = {
    A.ACCEPT: pgettext_lazy("complaint action", "Accept"),
    A.START: pgettext_lazy("complaint action", "Start work"),
    A.DECIDE: pgettext_lazy("complaint action", "Decide"),
    A.CLOSE: pgettext_lazy("complaint action", "Close"),
    A.DELIVER: pgettext_lazy("complaint action", "Record when the decision was received"),
    A.REQUEST_EXTENSION: pgettext_lazy("complaint action", "Request an extension"),
    A.EXTEND: pgettext_lazy("complaint action", "Grant the extension"),
    A.PAUSE: pgettext_lazy("complaint action", "Pause for appraisal"),
    A.RESUME: pgettext_lazy("complaint action", "Resume"),
    A.MERGE: pgettext_lazy("complaint action", "Merge into the original"),
    A.RESTART: pgettext_lazy("complaint action", "Restart the clock"),
    A.WITHDRAW: pgettext_lazy("complaint action", "Withdraw"),
    A.REJECT: pgettext_lazy("complaint action", "Reject as not a complaint"),
    A.REQUEST_REVIEW: pgettext_lazy("complaint action", "Request a review"),
    A.REOPEN: pgettext_lazy("complaint action", "Reopen"),
    A.ASSIGN: pgettext_lazy("complaint action", "Assign a handler"),
    A.ADD_INFORMATION: pgettext_lazy("complaint action", "Add information"),
    A.REPORT_BACK: pgettext_lazy("complaint action", "Report back to the regulator"),
    A.RECLASSIFY: pgettext_lazy("complaint action", "Reclassify"),
    A.NOTE: pgettext_lazy("complaint action", "Add an internal note"),
    A.CALL: pgettext_lazy("complaint action", "Log a call"),
    A.ATTACH: pgettext_lazy("complaint action", "Add documents"),
    A.SEND_DOCUMENTS: pgettext_lazy("complaint action", "Send documents to the complainant"),
    A.LETTER: pgettext_lazy("complaint action", "Print the decision letter"),
    A.FEEDBACK: pgettext_lazy("complaint action", "Record the satisfaction call"),
    A.PAYMENT: pgettext_lazy("complaint action", "Record a payment"),
    A.CARE: pgettext_lazy("complaint action", "Record circumstances and help"),
    A.FURTHER_REQUEST: pgettext_lazy("complaint action", "Ask for a further material"),
    A.MEMBERS: pgettext_lazy("complaint action", "Record the group's members"),
}


def action_label(complaint, action: str) -> str:
    """The label of `action` on `complaint`: the report-back step names to whom it is sent (the regulator, or the
    national complaint platform that transferred the case); every other step, its one label."""
    if action == A.REPORT_BACK and complaint.source == "platform":
        return str(pgettext_lazy("complaint action", "Report back to the platform"))
    return str(ACTION_LABELS[action])


# Who may take each staff action (the complainant's own actions need no permission: they are authorised by
# the tracking number and phone on the public pages). Granting an extension is checked by the approver's rule
# (extension_grant), not here.
PERMISSIONS = {
    A.ASSIGN: "complaints.assign_complaint",
}
DEFAULT_PERMISSION = "complaints.handle_complaint"
PAST_DATES_PERMISSION = "complaints.record_past_dates"
# The steps of the clock a dated step may not come before.
_CLOCK_STEPS = (*CLOCK_ACTIONS, A.REOPEN)


class WorkflowError(ValidationError):
    """An action refused by the rules; its message is translated and meant for the person who tried it."""


# History recorded after the fact (imports of closed complaints, the demo): see recording_history.
_history: ContextVar[datetime | None] = ContextVar("complaints_history_moment", default=None)


@contextmanager
def recording_history(moment: datetime):
    """Steps taken inside this block happened at `moment`, a past moment: for records kept elsewhere (an
    imported complaint closed years ago) and the demo. The rules are judged at that moment, exactly as if the
    steps had been taken then in the portal: a complaint decided after its limit is late, one decided in time
    is not. Each event still records when it was written (now) beside the day it happened. No form or page
    reaches this."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _history.set(min(moment, timezone.now()))
    try:
        yield
    finally:
        _history.reset(token)


def _now() -> datetime:
    return _history.get() or timezone.now()


def _today() -> date:
    return timezone.localdate(_now())


def may_act(user, complaint: Complaint, action: str) -> bool:
    """Whether `user` may take `action` on `complaint` at all (permission, assignment, conflict of interest),
    whatever its status now."""
    return actor_refusal(user, complaint, action) is None


def actor_refusal(user, complaint: Complaint, action: str):
    """Why `user` may never take `action` on `complaint` (a translated sentence), or None when they may."""
    try:
        _check_actor(user, complaint, action)
    except PermissionDenied as refused:
        return str(refused) or str(_("You do not have permission to do this."))
    return None


def conflicted_ids(complaint: Complaint) -> set[int]:
    """The staff who may take no step on this complaint (the recusal rule, 回避, of Order 2020 No. 3): the
    employee it is about and, for a review, the employee the original was about and whoever decided it."""
    cached = getattr(complaint, "_conflicted_ids", None)
    if cached is not None:
        return cached
    ids = {complaint.named_employee_id}
    if complaint.review_of_id:
        original = Complaint.objects.filter(pk=complaint.review_of_id).values_list("named_employee_id", flat=True)
        ids.update(original)
        ids.update(_deciders(complaint.review_of_id))
    ids.discard(None)
    complaint._conflicted_ids = ids
    return ids


def _deciders(complaint_id: int) -> set[int]:
    return set(
        ComplaintEvent.objects.filter(complaint_id=complaint_id, action=A.DECIDE, actor__isnull=False).values_list(
            "actor_id", flat=True
        )
    )


def is_conflicted(user, complaint: Complaint) -> bool:
    return user is not None and user.pk in conflicted_ids(complaint)


def _check_conflict(actor, complaint: Complaint) -> None:
    if is_conflicted(actor, complaint):
        raise PermissionDenied(
            _(
                "You are named in this complaint, or you decided the decision under review: "
                "someone else must take every step on it."
            )
        )


def acts_unchecked(actor) -> bool:
    """Whether `actor` needs no permission: the complainant on the public pages (None) or the system's account
    (portal.actors), whose work the commands, jobs and imports do."""
    return actor is None or is_system_actor(actor)


def _check_actor(actor, complaint: Complaint, action: str) -> None:
    if acts_unchecked(actor):
        return
    _check_conflict(actor, complaint)
    permission = PERMISSIONS.get(action, DEFAULT_PERMISSION)
    if not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))
    if not (actor.has_perm("complaints.view_all_complaints") or complaint.handler_id == actor.pk):
        raise PermissionDenied(_("This complaint is not assigned to you."))


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def record_event(
    complaint: Complaint,
    action: str,
    *,
    actor,
    note: str = "",
    public: bool = False,
    data: dict | None = None,
    from_status: str | None = None,
    happened_on: date | None = None,
) -> ComplaintEvent:
    """The one way an event is written (the workflow, corrections, legal holds, retention): who, when, the status
    before and after, a note and details. The caller holds the complaint's row lock."""
    return ComplaintEvent.objects.create(
        complaint=complaint,
        at=timezone.now(),
        happened_on=happened_on or _today(),
        actor=actor,
        action=action,
        from_status=complaint.status if from_status is None else from_status,
        to_status=complaint.status,
        note=note,
        public=public,
        data=data or {},
    )


def _require(value: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, code="required")
    return value


def _aware(received_at: datetime | date) -> datetime:
    if isinstance(received_at, datetime):
        return received_at if timezone.is_aware(received_at) else timezone.make_aware(received_at)
    return day_start(received_at)


def handler_label(complaint: Complaint) -> str:
    """Who handles the complaint, in words: their name, or that nobody does yet."""
    handler = complaint.handler
    if handler is None:
        return str(_("not yet assigned"))
    return person_name(handler)


def _staff_actor(actor) -> None:
    if actor is None or not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("You do not have permission to do this."))
