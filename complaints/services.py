"""Every change to a complaint, one function per action (DESIGN.md: writes are services).

Each function is atomic, checks the action against TRANSITIONS (the one table of what is allowed from which
status) and the actor (their permission, the assignment, and the conflict of interest), writes a ComplaintEvent
in the same transaction, stores the due date computed by complaints.deadlines from the events, records a
complaint as late once its time limit has passed, and schedules the complainant's notification for after the
commit. Views, admin forms, reception and management commands all call these.

`actor` is the staff member acting; None means the complainant (on the public pages) or the system (imports).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import codes
from portal.beijing import day_start
from portal.models import PROVINCES, Branch
from portal.phones import normalize_phone
from portal.privacy import mask_name, mask_phone
from portal.uploads import DOCX, JPEG, PDF, PNG, random_storage_name, safe_display_name, validate_upload

from . import deadlines, letters, notifications, staff_alerts
from .deadlines import (
    BACKDATE_FREE_DAYS,
    BASE_DAYS,
    CLOCK_ACTIONS,
    MAX_EXTENSIONS,
    ClockEvent,
    DateRefused,
    compute_deadline,
    effective_due,
    extension_room,
)
from .models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    BusinessChannel,
    CallDirection,
    CallOutcome,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    EventAction,
    ExtensionRequest,
    ExtensionStatus,
    Outcome,
    ProductLine,
    Remedy,
    Source,
    Status,
)
from .review import review_unit, review_window_ends

TRACKING_PREFIX = "TS"
ATTACHMENT_KINDS = (PDF, JPEG, PNG, DOCX)
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

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
    A.LETTER: (frozenset({S.DECIDED, S.CLOSED}), None),
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
    A.LETTER: pgettext_lazy("complaint action", "Print the decision letter"),
}

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


def _limit_passed(complaint: Complaint) -> bool:
    return complaint.late_since is not None or (
        complaint.due_date is not None and deadlines.limit_has_passed(complaint.due_date, _today())
    )


def _limit_passed_error(complaint: Complaint) -> WorkflowError:
    return WorkflowError(
        _("The time limit ended on %(due)s; record the late decision instead."),
        code="limit_passed",
        params={"due": _passed_due(complaint).isoformat()},
    )


def _passed_due(complaint: Complaint) -> date:
    """The due date that passed: the day before the complaint became late, or its due date."""
    if complaint.late_since is not None:
        return date.fromordinal(complaint.late_since.toordinal() - 1)
    return complaint.due_date


def _pending_request(complaint: Complaint) -> ExtensionRequest | None:
    cached = getattr(complaint, "_pending_request", False)
    if cached is False:
        cached = complaint.extension_requests.filter(status=ExtensionStatus.PENDING).first()
        complaint._pending_request = cached
    return cached


def allowed_actions(complaint: Complaint) -> list[str]:
    """The actions the workflow allows now (before permissions). An extension is bounded by the count, needs
    no other request waiting, and, like a pause, must come before the time limit ends (Art. 20); only a
    forwarded complaint is reported back to the regulator, once."""
    return [action for action in TRANSITIONS if why_not_now(complaint, action) is None]


def why_not_now(complaint: Complaint, action: str):
    """Why the workflow does not allow `action` now (a translated sentence for the person who tried it), or
    None when it does. The one rule of allowed_actions."""
    sources, _to = TRANSITIONS[action]
    if complaint.status not in sources:
        return _("“%(action)s” is not possible while the complaint is “%(status)s”.") % {
            "action": ACTION_LABELS.get(action, action),
            "status": complaint.get_status_display(),
        }
    if action in (A.REQUEST_EXTENSION, A.EXTEND) and complaint.extensions >= MAX_EXTENSIONS:
        return _("The time limit has already been extended twice; no further extension is possible.")
    if action == A.REQUEST_EXTENSION and complaint.review_of_id:
        return _("The time limit of a review cannot be extended.")
    if action in (A.REQUEST_EXTENSION, A.PAUSE) and _limit_passed(complaint):
        return _limit_passed_error(complaint).messages[0]
    if action == A.REQUEST_EXTENSION and _pending_request(complaint) is not None:
        return _("An extension request is already waiting for approval.")
    if action == A.REPORT_BACK and complaint.source != Source.REGULATOR:
        return _("Only a complaint forwarded by the regulator is reported back to it.")
    if action == A.REPORT_BACK and complaint.reported_back_on:
        return _("The reply to the regulator has already been recorded.")
    return None


def can_act(user, complaint: Complaint, action: str) -> bool:
    """Whether `user` may take `action` on `complaint` now (status, permission, conflict of interest)."""
    return action in allowed_actions(complaint) and may_act(user, complaint, action)


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


def _check_actor(actor, complaint: Complaint, action: str) -> None:
    if actor is None:
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


def _base_days(complaint: Complaint) -> int:
    """15 days for a complaint (Art. 20); a review has the company's own limit."""
    return int(settings.PORTAL_REVIEW_LIMIT_DAYS) if complaint.review_of_id else BASE_DAYS


def _store_deadline(complaint: Complaint, events: list[ClockEvent]) -> deadlines.Deadline:
    deadline = compute_deadline(timezone.localdate(complaint.received_at), events, base_days=_base_days(complaint))
    complaint.statutory_due_date = deadline.due
    complaint.due_date = effective_due(deadline.due, complaint.regulator_deadline)
    complaint.extensions = deadline.extensions
    return deadline


def _clock_events(complaint: Complaint) -> list[ClockEvent]:
    return [
        ClockEvent(event.action, event.day, event.data.get("days") if event.action == A.EXTEND else None)
        for event in complaint.events.filter(action__in=CLOCK_ACTIONS).order_by("at", "id")
    ]


def _refresh_deadline(complaint: Complaint) -> deadlines.Deadline:
    return _store_deadline(complaint, _clock_events(complaint))


def extension_days_available(complaint: Complaint) -> int:
    """How many days the next extension of `complaint` may add (Art. 20: to 30 days, then a further 30)."""
    deadline = compute_deadline(
        timezone.localdate(complaint.received_at), _clock_events(complaint), base_days=_base_days(complaint)
    )
    return extension_room(deadline.limit_days, deadline.extensions)


def _mark_late(complaint: Complaint) -> bool:
    """Record, once, that the complaint's time limit has passed without a decision: the day it became late
    and an event. A request for an extension still waiting lapses with it. Returns whether it was marked.
    (The caller saves the complaint.)"""
    if complaint.late_since is not None or complaint.status not in ACTIVE_STATUSES or complaint.due_date is None:
        return False
    today = _today()
    regulator_deadline = complaint.regulator_deadline if complaint.source == Source.REGULATOR else None
    rule = {"due": complaint.due_date, "regulator_deadline": regulator_deadline, "today": today}
    since = deadlines.late_since(**rule, paused=complaint.status == S.PAUSED)
    if since is None:
        return False
    reopened = complaint.events.filter(action=A.REOPEN).order_by("-at", "-id").first()
    if reopened is not None:
        since = deadlines.late_since(**rule, paused=complaint.status == S.PAUSED, active_since=reopened.day)
    passed = date.fromordinal(since.toordinal() - 1)
    complaint.late_since = since
    lapsed = _lapse_requests(complaint)
    record_event(
        complaint,
        A.LATE,
        actor=None,
        happened_on=since,
        data={"due": passed.isoformat(), "lapsed_requests": lapsed} if lapsed else {"due": passed.isoformat()},
    )
    return True


def _lapse_requests(complaint: Complaint) -> int:
    """Requests for an extension still waiting end when the complaint no longer can be extended."""
    complaint._pending_request = None
    return ExtensionRequest.objects.filter(complaint=complaint, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.LAPSED, decided_at=timezone.now()
    )


def _step_day(complaint: Complaint, day: date | None, actor, *, clock: bool = True, after=()) -> date:
    """The day a step happened, checked (complaints.deadlines.check_step_day): today when none is given. It may
    not come before the clock's previous step, nor before the steps of the kinds in `after`."""
    today = _today()
    previous = None
    if clock:
        last = complaint.events.filter(action__in=(*_CLOCK_STEPS, *after)).order_by("-at", "-id").first()
        previous = last.day if last is not None else None
    try:
        return deadlines.check_step_day(
            day or today,
            today=today,
            received_on=timezone.localdate(complaint.received_at),
            previous_clock_day=previous,
            may_backdate=actor is not None and actor.has_perm(PAST_DATES_PERMISSION),
        )
    except DateRefused as refused:
        messages = {
            "future": _("The date cannot be in the future."),
            "before_receipt": _("The date cannot be before the complaint was received (%(day)s)."),
            "before_previous": _("The date cannot be before the previous step of the clock (%(day)s)."),
            "needs_supervisor": _("A date more than %(days)d days back must be recorded by a supervisor."),
        }
        raise WorkflowError(
            messages[refused.code],
            code=f"date_{refused.code}",
            params={"day": refused.limit.isoformat() if refused.limit else "", "days": BACKDATE_FREE_DAYS},
        ) from None


def _begin(complaint: Complaint, action: str, *, actor, checked: bool = False) -> Complaint:
    """Lock the complaint, record that it is late if its limit has passed (a step recorded after the limit comes
    after it), and check `action` against TRANSITIONS and, unless already done, the actor's rights."""
    complaint = _locked(complaint)
    _mark_late(complaint)
    sources, _target = TRANSITIONS[action]
    if complaint.status not in sources:
        raise WorkflowError(
            _("“%(action)s” is not possible while the complaint is “%(status)s”."),
            code="illegal_transition",
            params={"action": ACTION_LABELS[action], "status": complaint.get_status_display()},
        )
    if not checked:
        _check_actor(actor, complaint, action)
    return complaint


def _apply(
    complaint: Complaint,
    action: str,
    *,
    actor,
    note: str = "",
    public: bool = True,
    data: dict | None = None,
    fields: dict | None = None,
    happened_on: date | None = None,
) -> Complaint:
    """Apply a checked action to a locked complaint: its fields and status, the event, the due date, lateness."""
    _sources, target = TRANSITIONS[action]
    before = complaint.status
    for name, value in (fields or {}).items():
        setattr(complaint, name, value)
    if target is not None:
        complaint.status = target
    record_event(
        complaint, action, actor=actor, note=note, public=public, data=data, from_status=before, happened_on=happened_on
    )
    if action in CLOCK_ACTIONS:
        _refresh_deadline(complaint)
    # A resumption dated back, a reopening: the limit may have passed in the meantime.
    _mark_late(complaint)
    if complaint.status not in _WORKING:
        _lapse_requests(complaint)
    complaint.save()
    return complaint


def _transition(complaint: Complaint, action: str, *, actor, checked: bool = False, **changes) -> Complaint:
    """Check `action` against TRANSITIONS and the actor's rights (unless the calling service `checked` them by
    its own rule), then apply it (`_apply`: its fields, status, event, due date and lateness)."""
    return _apply(_begin(complaint, action, actor=actor, checked=checked), action, actor=actor, **changes)


def _require(value: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, code="required")
    return value


def _new_tracking_number(day: date) -> str:
    while True:
        number = codes.generate(TRACKING_PREFIX, day)
        if not Complaint.objects.filter(tracking_number=number).exists():
            return number


def _aware(received_at: datetime | date) -> datetime:
    if isinstance(received_at, datetime):
        return received_at if timezone.is_aware(received_at) else timezone.make_aware(received_at)
    return day_start(received_at)


def _store_attachments(
    complaint: Complaint, attachments, *, by_complainant: bool, uploaded_by=None
) -> list[ComplaintAttachment]:
    """Check each file by its content and store it under a random name outside the static files."""
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS:
        raise WorkflowError(
            _("Attach at most %(count)d files at a time."), code="too_many", params={"count": MAX_ATTACHMENTS}
        )
    # Every file is checked before any is written, so that a refused file leaves no other behind.
    kinds = [
        validate_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES) for upload in attachments
    ]
    stored = []
    for upload, kind in zip(attachments, kinds, strict=True):
        upload.seek(0)
        path = default_storage.save(random_storage_name("complaints", kind), upload)
        stored.append(
            ComplaintAttachment.objects.create(
                complaint=complaint,
                file=path,
                original_name=safe_display_name(upload.name or ""),
                content_type=kind.mime,
                size=upload.size,
                by_complainant=by_complainant,
                uploaded_by=uploaded_by,
            )
        )
    return stored


def _create(
    *, actor, action: str, received_at, fields: dict, note: str = "", attachments=(), data: dict | None = None
) -> Complaint:
    received_at = _aware(received_at)
    fields = {**fields, "phone": normalize_phone(fields["phone"])}
    complaint = Complaint(
        tracking_number=_new_tracking_number(timezone.localdate(received_at)),
        received_at=received_at,
        status=S.RECEIVED,
        **fields,
    )
    # The check constraints restate the fields' choices (checked here by the field validation) and are enforced by
    # PostgreSQL on insert; validating them in Python would cost a savepoint and a query each per submission.
    complaint.full_clean(
        exclude=["tracking_number", "idempotency_key", "due_date"], validate_unique=False, validate_constraints=False
    )
    _store_deadline(complaint, [])
    complaint.save()
    record_event(
        complaint,
        action,
        actor=actor,
        note=note,
        public=True,
        data=data,
        from_status="",
        happened_on=timezone.localdate(received_at),
    )
    # A letter registered after its time limit (received long before, registered late) is late at once.
    if _mark_late(complaint):
        complaint.save(update_fields=["late_since"])
    _store_attachments(complaint, attachments, by_complainant=actor is None, uploaded_by=actor)
    notifications.notify(complaint, notifications.REVIEW_OPENED if complaint.review_of_id else notifications.RECEIVED)
    if complaint.channel == Channel.WEB and complaint.handler_id is None:
        staff_alerts.unassigned(complaint)
    return complaint


def complaint_submit(
    *,
    name: str,
    phone: str,
    description: str,
    category: str = Category.OTHER,
    email: str = "",
    language: str = "zh-hans",
    idempotency_key: str = "",
    attachments=(),
    policy_number: str = "",
    desired_outcome: str = "",
    province: str = "",
    capacity: str = "self",
    principal_name: str = "",
) -> Complaint:
    """A complaint filed on the web by the complainant. Idempotent on `idempotency_key`: the same form sent
    twice (a double click, a resent POST) makes one complaint and returns it both times. The complaint, its
    event, its messages and alerts are one transaction (no savepoint when called on its own)."""
    fields = {
        "name": name.strip(),
        "phone": phone,
        "email": email.strip(),
        "description": description,
        "category": category,
        "language": language,
        "policy_number": policy_number.strip(),
        "desired_outcome": desired_outcome,
        "province": province,
        "capacity": capacity,
        "principal_name": principal_name.strip(),
        "channel": Channel.WEB,
        "source": Source.SELF,
        "idempotency_key": idempotency_key,
    }
    try:
        with transaction.atomic():
            return _create(
                actor=None, action=A.SUBMIT, received_at=timezone.now(), fields=fields, attachments=attachments
            )
    except IntegrityError:
        # The same form sent again (a double click, a resent POST, or at the same moment): the complaint made
        # first. The key's unique index decides, before any file is stored, so no look-up comes first.
        if idempotency_key:
            existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise


@transaction.atomic
def complaint_register(
    *,
    actor: AbstractBaseUser | None,
    channel: str,
    received_at: datetime | date,
    name: str,
    phone: str,
    description: str,
    category: str = Category.OTHER,
    business_channel: str = "",
    product_line: str = "",
    province: str = "",
    branch=None,
    email: str = "",
    source: str = Source.SELF,
    regulator_ref: str = "",
    regulator_deadline: date | None = None,
    language: str = "zh-hans",
    note: str = "",
    policy_number: str = "",
    desired_outcome: str = "",
    id_type: str = "",
    id_number: str = "",
    capacity: str = "self",
    principal_name: str = "",
    power_of_attorney: bool = False,
    named_employee=None,
    attachments=(),
    idempotency_key: str = "",
) -> Complaint:
    """A complaint received by letter, visit, phone, WeChat, email or forwarded by the regulator, registered
    by staff (or by an import). The clock runs from `received_at`, not from the moment of registration
    (Art. 20 counts from receipt). A regulator-forwarded complaint must carry the regulator's reference; when
    the regulator sets its own deadline, the earlier of that and the regulation's limit is the one to meet.
    With an `idempotency_key` (an import's row key), registering the same complaint again returns the first."""
    if idempotency_key:
        existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if source == Source.REGULATOR and not regulator_ref.strip():
        raise WorkflowError(_("Give the regulator's reference for a forwarded complaint."), code="regulator_ref")
    if actor is not None and named_employee is not None and named_employee.pk == actor.pk:
        raise WorkflowError(
            _("You are named in this complaint: a colleague must register it and take every step on it."),
            code="conflict",
        )
    if source != Source.REGULATOR:
        regulator_deadline = None
    if regulator_deadline is not None and regulator_deadline < timezone.localdate(_aware(received_at)):
        raise WorkflowError(
            _("The regulator's deadline cannot be before the day the complaint was received."),
            code="regulator_deadline",
        )
    if branch is not None and not province:
        province = branch.province
    # First responder (首问负责制): whoever registers a complaint and may handle complaints handles it until a
    # supervisor reassigns it (complaint_assign, an event of its own).
    first_responder = actor if actor is not None and actor.has_perm(DEFAULT_PERMISSION) else None
    fields = {
        "name": name.strip(),
        "phone": phone,
        "email": email.strip(),
        "description": description,
        "category": category,
        "business_channel": business_channel,
        "product_line": product_line,
        "province": province,
        "branch": branch,
        "channel": channel,
        "source": source,
        "regulator_ref": regulator_ref.strip(),
        "regulator_deadline": regulator_deadline,
        "language": language,
        "policy_number": policy_number.strip(),
        "desired_outcome": desired_outcome,
        "id_type": id_type,
        # Upper-cased like every ID number looked up (the check character of a resident ID is X, typed x too).
        "id_number": id_number.strip().upper(),
        "capacity": capacity,
        "principal_name": principal_name.strip(),
        "power_of_attorney": power_of_attorney,
        "named_employee": named_employee,
        "handler": first_responder,
        "idempotency_key": idempotency_key,
    }
    return _create(
        actor=actor,
        action=A.REGISTER,
        received_at=received_at,
        fields=fields,
        note=note,
        attachments=attachments,
        data={"handler": first_responder.get_username()} if first_responder is not None else None,
    )


@transaction.atomic
def complaint_accept(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """Accept (受理) the complaint; the complainant is told."""
    complaint = _transition(complaint, A.ACCEPT, actor=actor, note=note)
    notifications.notify(complaint, notifications.ACCEPTED)
    return complaint


@transaction.atomic
def complaint_start(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """Work on the complaint has started."""
    return _transition(complaint, A.START, actor=actor, note=note, public=True)


@transaction.atomic
def complaint_decide(
    *,
    complaint: Complaint,
    actor,
    decision: str,
    outcome: str,
    remedies: list[str],
    note: str = "",
    delivered_on: date | None = None,
) -> Complaint:
    """The decision, as told to the complainant (Art. 20: decided and told within the limit). It must name the
    further remedies open to them (Art. 21: review, mediation, arbitration, litigation). `delivered_on` is the
    day the complainant received it (today by default: the portal tells them when it is recorded); the 30 days
    for asking for a review count from it. A decision recorded after the limit is late, whatever that day."""
    decision = _require(decision, _("Write the decision as it will be told to the complainant."))
    if outcome not in Outcome.values:
        raise WorkflowError(_("Choose the outcome."), code="outcome")
    remedies = [code for code in Remedy.values if code in set(remedies or [])]
    if not remedies:
        raise WorkflowError(_("Name at least one further remedy open to the complainant."), code="remedies")
    current = _begin(complaint, A.DECIDE, actor=actor)
    day = _step_day(current, delivered_on, actor)
    complaint = _apply(
        current,
        A.DECIDE,
        actor=actor,
        note=note,
        happened_on=day,
        fields={
            "decision": decision,
            "outcome": outcome,
            "remedies": remedies,
            "decided_at": _now(),
            "decision_delivered_on": day,
        },
    )
    notifications.notify(complaint, notifications.REVIEW_DECIDED if complaint.review_of_id else notifications.DECIDED)
    return complaint


def _root_cause(code: str, *, active: bool = False):
    """A code of the root-cause list (kept by compliance, which the workflow reaches through the field)."""
    codes = Complaint._meta.get_field("cause").related_model.objects.filter(code=code)
    return (codes.filter(is_active=True) if active else codes).first()


@transaction.atomic
def complaint_record_delivery(*, complaint: Complaint, actor, delivered_on: date, note: str = "") -> Complaint:
    """The day the decision reached the complainant, when that was after it was recorded (a letter delivered
    days later): the 30 days for asking for a review count from it. Not before the decision, not in the future,
    more than 3 days back only by a supervisor."""
    current = _begin(complaint, A.DELIVER, actor=actor)
    day = _step_day(current, delivered_on, actor, after=(A.DECIDE,))
    return _apply(
        current,
        A.DELIVER,
        actor=actor,
        note=note,
        public=False,
        happened_on=day,
        fields={"decision_delivered_on": day},
    )


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint,
    actor,
    root_cause: str,
    responsible_unit: str = "",
    cause: str | None = None,
    responsible_branch=None,
    remediation: str = "",
    note: str = "",
) -> Complaint:
    """Close (办结) a decided complaint. The coded root cause (one of the list kept in the admin), its
    description and the responsible unit (a branch, or a head-office department by name) are required: they
    feed the analysis of causes and the remediation the regulation asks for (溯源整改)."""
    code = _root_cause(cause or "", active=True)
    if code is None:
        raise WorkflowError(_("Choose the root cause code before closing."), code="required")
    root_cause = _require(root_cause, _("Give the root cause before closing."))
    if responsible_branch is not None and not (responsible_unit or "").strip():
        responsible_unit = responsible_branch.name
    responsible_unit = _require(responsible_unit, _("Name the responsible unit before closing."))
    return _transition(
        complaint,
        A.CLOSE,
        actor=actor,
        note=note,
        data={"cause": code.code},
        fields={
            "cause": code,
            "root_cause": root_cause,
            "responsible_branch": responsible_branch,
            "responsible_unit": responsible_unit,
            "remediation": remediation.strip(),
            "ended_on": _today(),
        },
    )


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
    return request


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


def handler_label(complaint: Complaint) -> str:
    """Who handles the complaint, in words: their name, or that nobody does yet."""
    handler = complaint.handler
    if handler is None:
        return str(_("not yet assigned"))
    return handler.get_full_name() or handler.get_username()


def _check_merge_target(actor, original: Complaint) -> None:
    """Merging writes on the original too: the actor must be allowed to act on it as on the repeat."""
    if actor is None:
        return
    if is_conflicted(actor, original):
        raise PermissionDenied(
            _("You are named in complaint %(number)s, or decided the decision under review: you cannot merge into it.")
            % {"number": original.tracking_number}
        )
    if not (actor.has_perm("complaints.view_all_complaints") or original.handler_id == actor.pk):
        raise WorkflowError(
            _(
                "Complaint %(number)s is not assigned to you (its handler: %(handler)s): "
                "ask a supervisor to merge into it."
            ),
            code="merge_not_yours",
            params={"number": original.tracking_number, "handler": handler_label(original)},
        )


def can_merge_into(user, complaint: Complaint, original: Complaint, *, merge_allowed: bool | None = None) -> bool:
    """Whether `user` may merge `complaint` into `original` now: the merge is legal on the repeat for them
    (`merge_allowed`, when the caller has asked can_act already), the original is open, received before it and
    theirs to act on (the one-click merge of a possible repeat)."""
    if merge_allowed is None:
        merge_allowed = can_act(user, complaint, A.MERGE)
    if original.pk == complaint.pk or not merge_allowed:
        return False
    if original.status not in ACTIVE_STATUSES or original.merged_into_id:
        return False
    if original.received_at > complaint.received_at:
        return False
    try:
        _check_merge_target(user, original)
    except (PermissionDenied, ValidationError):
        return False
    return True


# Complaints from the same phone or about the same policy received this close to each other may be repeats.
REPEAT_WINDOW = timedelta(days=90)


def possible_repeats(complaint: Complaint | None = None, *, phone: str = "", policy_number: str = "", received_at=None):
    """Complaints that may be the same as `complaint` (or as one being registered with `phone`, in E.164, and
    `policy_number`, received at `received_at`): the same phone or the same policy number (any case), received
    within 90 days before or after, neither itself nor merged nor anonymised. Each condition is answered from an index
    (phone and received_at; UPPER(policy_number) and received_at)."""
    if complaint is not None:
        if complaint.anonymised_at is not None:
            return Complaint.objects.none()  # its phone and policy are gone (retention)
        phone, policy_number, received_at = complaint.phone, complaint.policy_number, complaint.received_at
    policy_number = (policy_number or "").strip()
    match = Q(phone=phone) if phone else Q()
    if policy_number:
        match |= Q(policy_number__iexact=policy_number)
    if not match:
        return Complaint.objects.none()
    received_at = _aware(received_at or timezone.now())
    repeats = (
        Complaint.objects.filter(match)
        .filter(received_at__gte=received_at - REPEAT_WINDOW, received_at__lte=received_at + REPEAT_WINDOW)
        .exclude(status=S.MERGED)
        .filter(anonymised_at__isnull=True)
        .select_related("handler")
        .order_by("received_at", "id")
    )
    if complaint is not None:
        repeats = repeats.exclude(pk=complaint.pk)
    return repeats


@transaction.atomic
def complaint_merge(*, complaint: Complaint, into: Complaint, actor, note: str = "") -> Complaint:
    """Merge a repeat of the same complaint, made within the original's limit, into the original (Art. 20).
    The repeat ends (late if its own limit had passed); the original, received first, keeps its own clock."""
    if into.pk == complaint.pk:
        raise WorkflowError(_("A complaint cannot be merged into itself."), code="merge_self")
    original = _locked(into)
    _check_merge_target(actor, original)
    if original.status not in ACTIVE_STATUSES or original.merged_into_id:
        raise WorkflowError(_("The original complaint must still be open."), code="merge_target")
    if original.received_at > complaint.received_at:
        raise WorkflowError(
            _("A complaint is merged into the one received before it, not into a later one."), code="merge_later"
        )
    complaint = _transition(
        complaint,
        A.MERGE,
        actor=actor,
        note=note,
        data={"into": original.tracking_number},
        fields={"merged_into": original, "ended_on": _today()},
    )
    record_event(original, A.MERGED_IN, actor=actor, note=note, data={"repeat": complaint.tracking_number})
    notifications.notify(complaint, notifications.MERGED)
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
def complaint_withdraw(
    *, complaint: Complaint, actor=None, note: str = "", received_on: date | None = None
) -> Complaint:
    """The complainant withdraws: the procedure ends on the day the withdrawal is received (Art. 15), and
    they are told. `received_on` is that day (today by default, and always today on the public pages)."""
    current = _begin(complaint, A.WITHDRAW, actor=actor)
    day = _step_day(current, received_on, actor)
    complaint = _apply(current, A.WITHDRAW, actor=actor, note=note, happened_on=day, fields={"ended_on": day})
    notifications.notify(complaint, notifications.WITHDRAWN)
    return complaint


@transaction.atomic
def complaint_reject(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Not a consumer complaint (e.g. a question, or not about this company): ended with the reason given."""
    reason = _require(reason, _("Give the reason why this is not a complaint."))
    complaint = _transition(complaint, A.REJECT, actor=actor, note=reason, fields={"ended_on": _today()})
    notifications.notify(complaint, notifications.REJECTED, reason=reason)
    return complaint


@dataclass(frozen=True)
class ReviewEligibility:
    """Whether the complainant may ask for a review now, until when, and if not, why (a WorkflowError)."""

    until: date | None
    refusal: WorkflowError | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def review_eligibility(complaint: Complaint, today: date | None = None) -> ReviewEligibility:
    """The one rule for asking a review (Art. 26): the decision is made (decided or closed), the complainant
    received it no more than 30 days ago (review_window_ends), and no review of it is already under way (a
    withdrawn or rejected one does not count). The status page asks this before offering the button;
    complaint_request_review enforces it."""
    today = today or _today()
    until = review_window_ends(complaint)
    refusal = None
    if complaint.status not in TRANSITIONS[A.REQUEST_REVIEW][0]:
        refusal = WorkflowError(
            _("“%(action)s” is not possible while the complaint is “%(status)s”."),
            code="illegal_transition",
            params={"action": ACTION_LABELS[A.REQUEST_REVIEW], "status": complaint.get_status_display()},
        )
    elif until is not None and today > until:
        refusal = WorkflowError(
            _("A review must be requested within 30 days of receiving the decision."), code="review_too_late"
        )
    elif complaint.reviews.exclude(status__in=[S.WITHDRAWN, S.REJECTED]).exists():
        refusal = WorkflowError(_("A review of this decision has already been requested."), code="review_exists")
    return ReviewEligibility(until=until, refusal=refusal)


# What a review complaint takes over from the complaint under review (the complainant need not repeat it).
_REVIEW_COPIED_FIELDS = (
    "name", "phone", "email", "id_type", "id_number", "capacity", "principal_name", "power_of_attorney",
    "language", "category", "business_channel", "province", "policy_number", "source", "named_employee",
)  # fmt: skip


@transaction.atomic
def complaint_request_review(*, complaint: Complaint, reason: str, actor=None) -> Complaint:
    """A complainant who disagrees asks the superior unit for a review within 30 days of receiving the decision
    (Art. 26). Opens a linked review complaint at that unit (review_unit) with its own clock — the company's
    review limit (settings.PORTAL_REVIEW_LIMIT_DAYS) — and returns it. Whoever decided the original, or is
    named in it, takes no step on the review."""
    reason = _require(reason, _("Say why you disagree with the decision."))
    current = _locked(complaint)
    refusal = review_eligibility(current).refusal
    if refusal is not None:
        raise refusal
    _transition(complaint, A.REQUEST_REVIEW, actor=actor, note=reason)
    unit = review_unit(current)
    review = _create(
        actor=actor,
        action=A.SUBMIT if actor is None else A.REGISTER,
        received_at=_now(),
        note=str(_("Review of %(number)s") % {"number": current.tracking_number}),
        fields={field: getattr(current, field) for field in _REVIEW_COPIED_FIELDS}
        | {
            "description": reason,
            "channel": Channel.WEB if actor is None else current.channel,
            "review_of": current,
            "branch": unit,
        },
    )
    return review


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Reopen a decided, closed or rejected complaint (e.g. the decision was wrong). The clock is not reset:
    a complaint reopened after its limit is late from the day it is reopened, and one already late stays late."""
    reason = _require(reason, _("Give the reason for reopening."))
    complaint = _transition(complaint, A.REOPEN, actor=actor, note=reason, public=True, fields={"ended_on": None})
    notifications.notify(complaint, notifications.REOPENED, reason=reason)
    return complaint


@transaction.atomic
def complaint_assign(*, complaint: Complaint, actor, handler) -> Complaint:
    """Give the complaint to a handler. Nobody handles a complaint about themselves, nor the review of a
    decision they made or of a complaint about them (the recusal rule, 回避)."""
    if handler is None or not handler.is_active or not handler.has_perm("complaints.handle_complaint"):
        raise WorkflowError(_("Choose a staff member who handles complaints."), code="handler")
    current = _locked(complaint)
    if handler.pk in conflicted_ids(current):
        if current.named_employee_id == handler.pk:
            message = _("This complaint is about %(name)s; it must be handled by someone else.")
        else:
            message = _("%(name)s is named in or decided the complaint under review; someone else must review it.")
        raise WorkflowError(message, code="conflict", params={"name": handler.get_username()})
    complaint = _transition(
        complaint,
        A.ASSIGN,
        actor=actor,
        public=False,
        data={"handler": handler.get_username()},
        fields={"handler": handler},
    )
    staff_alerts.assigned(complaint)
    return complaint


@transaction.atomic
def complaint_add_information(*, complaint: Complaint, text: str = "", attachments=(), actor=None) -> Complaint:
    """More information or files from the complainant while the complaint is open."""
    text = (text or "").strip()
    attachments = list(attachments or [])
    if not text and not attachments:
        raise WorkflowError(_("Write something or attach a file."), code="empty")
    complaint = _transition(
        complaint,
        A.ADD_INFORMATION,
        actor=actor,
        note=text,
        data={"files": len(attachments)},
    )
    _store_attachments(complaint, attachments, by_complainant=actor is None)
    staff_alerts.information_added(complaint)
    return complaint


@transaction.atomic
def complaint_report_back(
    *, complaint: Complaint, actor, reference: str, reported_on: date | None = None, note: str = ""
) -> Complaint:
    """Record the company's reply to the regulator on a complaint it forwarded: the day it was sent and its
    reference. It is due by the regulator's deadline; sent later, it counts as reported back late."""
    reference = _require(reference, _("Give the reference of the reply to the regulator."))
    current = _begin(complaint, A.REPORT_BACK, actor=actor)
    if current.source != Source.REGULATOR:
        raise WorkflowError(
            _("Only a complaint forwarded by the regulator is reported back to it."), code="not_forwarded"
        )
    if current.reported_back_on:
        raise WorkflowError(
            _("The reply to the regulator was already recorded (%(day)s)."),
            code="reported",
            params={"day": current.reported_back_on.isoformat()},
        )
    day = _step_day(current, reported_on, actor, clock=False)
    on_time = current.regulator_deadline is None or day <= current.regulator_deadline
    return _apply(
        current,
        A.REPORT_BACK,
        actor=actor,
        note=note,
        public=False,
        happened_on=day,
        data={"reference": reference[:100], "on_time": on_time},
        fields={"reported_back_on": day, "report_back_ref": reference[:100]},
    )


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
            | Q(status=S.PAUSED, source=Source.REGULATOR, regulator_deadline__lt=today)
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


# What a correction may change, and how each value appears in the event (personal data masked: the event log
# is read by more people than may see the complainant's data in full).
CORRECTABLE_FIELDS = {
    "name": mask_name,
    "phone": mask_phone,
    "channel": str,
    "business_channel": str,
    "category": str,
    "province": str,
    "description": None,  # the complainant's own words: the event says it changed, not what it said
}
CORRECTION_PERMISSION = "complaints.import_complaints"


@transaction.atomic
def complaint_correct(*, complaint: Complaint, actor, changes: dict, note: str = "") -> Complaint:
    """Correct facts recorded wrongly (a later list from the regulator, a mistyped name or phone). Only the
    fields in CORRECTABLE_FIELDS; the status and the clock are untouched. The event names every changed field
    with its value before and after, personal values masked. Allowed to the system (actor None: an import run
    by an operator), to whoever may import complaints, and to the complaint's handler."""
    complaint = _locked(complaint)
    _check_conflict(actor, complaint)
    if actor is not None and not actor.has_perm(CORRECTION_PERMISSION):
        _check_actor(actor, complaint, A.CORRECT)
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise WorkflowError(
            _("These fields cannot be corrected: %(fields)s."),
            code="field",
            params={"fields": ", ".join(sorted(unknown))},
        )
    if "phone" in changes:
        changes = {**changes, "phone": normalize_phone(changes["phone"])}
    changed = {name: value for name, value in changes.items() if getattr(complaint, name) != value}
    if not changed:
        return complaint
    lines = [note.strip()] if note.strip() else []
    for name, value in changed.items():
        show = CORRECTABLE_FIELDS[name]
        lines.append(f"{name}: {show(getattr(complaint, name))} → {show(value)}" if show else name)
        setattr(complaint, name, value)
    complaint.full_clean(
        exclude=["tracking_number", "idempotency_key"], validate_unique=False, validate_constraints=False
    )
    record_event(
        complaint,
        A.CORRECT,
        actor=actor,
        note="\n".join(lines),
        data={"fields": sorted(changed)},
    )
    complaint.save()
    return complaint


@transaction.atomic
def complaint_record_closed(
    *, complaint: Complaint, actor, closed_at: datetime, outcome: str = "", note: str
) -> Complaint:
    """A complaint decided and closed elsewhere, as its record says (an imported list): accepted, decided and
    closed through the workflow's transitions, each an event, as of the record's closing moment
    (recording_history): the rules are judged on that day, so a complaint closed after its limit is late in the
    reports exactly as one worked in the portal, and one closed in time is not. The events keep the moment they
    were recorded beside the day they happened, and their note says where the record came from. The outcome is
    stored as recorded, blank when the record gives none. For the system (actor None) and for whoever may
    import complaints."""
    if actor is not None and not actor.has_perm(CORRECTION_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    _check_conflict(actor, complaint)
    if outcome and outcome not in Outcome.values:
        raise WorkflowError(_("Choose the outcome."), code="outcome")
    closed_on = timezone.localdate(closed_at)
    decision = _("Closed on %(date)s according to the imported record.") % {"date": closed_on.isoformat()}
    with recording_history(closed_at):
        if _locked(complaint).status == S.RECEIVED:
            complaint = _transition(complaint, A.ACCEPT, actor=actor, note=note, public=False, checked=True)
        complaint = _transition(
            complaint,
            A.DECIDE,
            actor=actor,
            note=note,
            public=False,
            data={"decided_on": closed_on.isoformat()},
            fields={
                "decision": decision,
                "outcome": outcome,
                "remedies": Remedy.values,
                "decided_at": closed_at,
                "decision_delivered_on": closed_on,
            },
            checked=True,
        )
        return _transition(
            complaint,
            A.CLOSE,
            actor=actor,
            note=note,
            public=False,
            fields={
                "cause": _root_cause("other"),
                "root_cause": note,
                "responsible_unit": str(_("As recorded in the source")),
                "ended_on": closed_on,
            },
            checked=True,
        )


LEGAL_HOLD_PERMISSION = "complaints.set_legal_hold"


@transaction.atomic
def complaint_set_legal_hold(*, complaint: Complaint, actor, hold: bool, reason: str = "") -> Complaint:
    """Place a complaint on legal hold (litigation, a regulator's inquiry) or lift it. While on hold the
    complaint keeps its personal data past the retention period (compliance/retention.py). Only staff with the
    legal-hold permission; the event names who and why."""
    if actor is None or not actor.has_perm(LEGAL_HOLD_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    complaint = _locked(complaint)
    _check_conflict(actor, complaint)
    if complaint.legal_hold == hold:
        return complaint
    complaint.legal_hold = hold
    complaint.save(update_fields=["legal_hold", "updated_at"])
    record_event(complaint, A.LEGAL_HOLD, actor=actor, note=reason.strip(), data={"hold": hold})
    return complaint


# What a reclassification may change: the complaint's classification for the statistics and its routing.
RECLASSIFIABLE_FIELDS = ("category", "business_channel", "product_line", "branch", "province", "named_employee")
_CODED_FIELDS = {
    "category": (Category.values, False),
    "business_channel": (BusinessChannel.values, True),
    "product_line": (ProductLine.values, True),
    "province": (PROVINCES, True),
}


def _staff_actor(actor) -> None:
    if actor is None or not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("You do not have permission to do this."))


def _checked_value(complaint: Complaint, name: str, value):
    """A reclassification's new value, refused with the field's name when it is not one of its choices."""
    field = Complaint._meta.get_field(name)
    if name in _CODED_FIELDS:
        allowed, may_be_empty = _CODED_FIELDS[name]
        value = "" if value is None else str(value)
        if value in allowed or (may_be_empty and value == ""):
            return value
    elif name == "branch":
        if value is None or isinstance(value, Branch):
            return value
    elif name == "named_employee":
        if value is None:
            return value
        if getattr(value, "is_staff", False):
            if value.pk == complaint.handler_id:
                raise WorkflowError(
                    _("%(name)s handles this complaint: assign it to someone else before naming them."),
                    code="named_handler",
                    params={"name": value.get_username()},
                )
            return value
    raise WorkflowError(
        _("“%(value)s” is not a valid %(field)s."), code="invalid", params={"value": value, "field": field.verbose_name}
    )


def _kept(name: str, value) -> str:
    """How a value is kept in the event: a code for coded fields, the name of a branch or a member of staff."""
    if name == "branch":
        return value.name if value is not None else ""
    if name == "named_employee":
        return value.get_username() if value is not None else ""
    return value or ""


@transaction.atomic
def complaint_reclassify(*, complaint: Complaint, actor, changes: dict, note: str = "") -> Complaint:
    """Correct how a complaint is classified and routed while it is worked: its category, business channel,
    product line, branch, province and the employee it is about (RECLASSIFIABLE_FIELDS). Whoever may act on
    the complaint (its handler, a supervisor), at any step; the status and the clock are untouched. A value
    that is not a choice of its field, or a change that changes nothing, is refused. The event keeps each
    changed field's value before and after (codes and names; the history shows their labels), never public.
    A complaint given a branch is from then on that branch's: its reports, exports and lists by branch."""
    _staff_actor(actor)
    unknown = set(changes) - set(RECLASSIFIABLE_FIELDS)
    if unknown:
        raise WorkflowError(
            _("These fields cannot be reclassified: %(fields)s."),
            code="field",
            params={"fields": ", ".join(sorted(unknown))},
        )
    current = _begin(complaint, A.RECLASSIFY, actor=actor)
    values = {name: _checked_value(current, name, value) for name, value in changes.items()}
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    if not changed:
        raise WorkflowError(_("Nothing changes: the values chosen are the ones recorded."), code="unchanged")
    record = {
        name: [_kept(name, getattr(current, name)), _kept(name, value)]
        for name, value in sorted(changed.items(), key=lambda item: RECLASSIFIABLE_FIELDS.index(item[0]))
    }
    if "named_employee" in changed:
        current._conflicted_ids = None
    return _apply(
        current,
        A.RECLASSIFY,
        actor=actor,
        note=(note or "").strip(),
        public=False,
        data={"changes": record},
        fields=changed,
    )


@transaction.atomic
def complaint_add_note(*, complaint: Complaint, actor, text: str) -> Complaint:
    """An internal note on the case (what was checked, who was asked): an event without a status change, for
    staff only, never shown to the complainant."""
    _staff_actor(actor)
    text = _require(text, _("Write the note."))
    return _transition(complaint, A.NOTE, actor=actor, note=text, public=False)


@transaction.atomic
def complaint_log_call(
    *,
    complaint: Complaint,
    actor,
    direction: str,
    outcome: str,
    text: str = "",
    happened_at: datetime | None = None,
) -> Complaint:
    """A phone call with the complainant, in or out, and how it went (reached, no answer, asked to be called
    back, wrong number ...): an event without a status change, dated the day of the call, never public."""
    _staff_actor(actor)
    if direction not in CallDirection.values:
        raise WorkflowError(_("Say whether the call came in or went out."), code="direction")
    if outcome not in CallOutcome.values:
        raise WorkflowError(_("Choose how the call went."), code="outcome")
    happened_at = happened_at or timezone.now()
    if timezone.is_naive(happened_at):
        happened_at = timezone.make_aware(happened_at)
    if happened_at > timezone.now():
        raise WorkflowError(_("The time of the call cannot be in the future."), code="future")
    current = _begin(complaint, A.CALL, actor=actor)
    return _apply(
        current,
        A.CALL,
        actor=actor,
        note=(text or "").strip(),
        public=False,
        happened_on=timezone.localdate(happened_at),
        data={
            "direction": direction,
            "outcome": outcome,
            "at": timezone.localtime(happened_at).isoformat(timespec="minutes"),
        },
    )


@transaction.atomic
def complaint_add_staff_attachments(*, complaint: Complaint, actor, files, note: str = "") -> Complaint:
    """Documents staff add at any step (a recording's transcript, a branch's statement, a signed receipt),
    checked by their content exactly like the complainant's (_store_attachments: PDF, JPEG, PNG, DOCX, at most
    five of 10 MB each), kept with who added them, and an event naming them (never public)."""
    _staff_actor(actor)
    files = list(files or [])
    if not files:
        raise WorkflowError(_("Choose at least one file."), code="empty")
    current = _begin(complaint, A.ATTACH, actor=actor)
    stored = _store_attachments(current, files, by_complainant=False, uploaded_by=actor)
    return _apply(
        current,
        A.ATTACH,
        actor=actor,
        note=(note or "").strip(),
        public=False,
        data={"files": [attachment.original_name for attachment in stored]},
    )


@transaction.atomic
def complaint_issue_letter(*, complaint: Complaint, actor) -> Complaint:
    """Record that the decision letter was printed and sent (to a complainant who came by letter, visit or
    phone): the event keeps the letter's text as issued, in the complainant's language."""
    _staff_actor(actor)
    current = _begin(complaint, A.LETTER, actor=actor)
    if not current.decision:
        raise WorkflowError(_("There is no decision to send yet."), code="no_decision")
    letter = letters.decision_letter(current)
    return _apply(current, A.LETTER, actor=actor, note=letter.text, public=False, data={"language": letter.language})
