"""Every change to a complaint, one function per action (DESIGN.md: writes are services).

Each function is atomic, checks the action against TRANSITIONS (the one table of what is allowed from which
status), writes a ComplaintEvent in the same transaction, stores the due date computed by
complaints.deadlines.compute_deadline from the events, and schedules the complainant's notification for
after the commit. Views, admin forms, reception and management commands all call these.

`actor` is the staff member acting; None means the complainant (on the public pages) or the system (imports).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import codes
from portal.beijing import day_start
from portal.phones import normalize_phone
from portal.privacy import mask_name, mask_phone
from portal.uploads import DOCX, JPEG, PDF, PNG, random_storage_name, safe_display_name, validate_upload

from . import notifications, staff_alerts
from .deadlines import (
    CLOCK_ACTIONS,
    MAX_EXTENSIONS,
    ClockEvent,
    compute_deadline,
    review_deadline,
)
from .models import (
    ACTIVE_STATUSES,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    EventAction,
    Outcome,
    Remedy,
    Source,
    Status,
)

TRACKING_PREFIX = "TS"
ATTACHMENT_KINDS = (PDF, JPEG, PNG, DOCX)
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

A = EventAction
S = Status
_ACTIVE = frozenset(ACTIVE_STATUSES)

# The workflow: action -> (statuses it may start from, status it leads to; None keeps the status).
TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    A.ACCEPT: (frozenset({S.RECEIVED}), S.ACCEPTED),
    A.START: (frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    A.DECIDE: (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.DECIDED),
    A.CLOSE: (frozenset({S.DECIDED}), S.CLOSED),
    A.EXTEND: (frozenset({S.ACCEPTED, S.IN_PROGRESS}), None),
    A.PAUSE: (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.PAUSED),
    A.RESUME: (frozenset({S.PAUSED}), S.IN_PROGRESS),
    A.MERGE: (_ACTIVE, S.MERGED),
    A.RESTART: (frozenset({S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS}), None),
    A.WITHDRAW: (_ACTIVE, S.WITHDRAWN),
    A.REJECT: (frozenset({S.RECEIVED, S.ACCEPTED}), S.REJECTED),
    A.REQUEST_REVIEW: (frozenset({S.DECIDED, S.CLOSED}), None),
    A.REOPEN: (frozenset({S.DECIDED, S.CLOSED, S.REJECTED}), S.IN_PROGRESS),
    A.ASSIGN: (_ACTIVE | {S.DECIDED}, None),
    A.ADD_INFORMATION: (_ACTIVE, None),
}

# What each action is called on buttons and in messages (a verb; the event log uses EventAction's labels).
ACTION_LABELS = {
    A.ACCEPT: pgettext_lazy("complaint action", "Accept"),
    A.START: pgettext_lazy("complaint action", "Start work"),
    A.DECIDE: pgettext_lazy("complaint action", "Decide"),
    A.CLOSE: pgettext_lazy("complaint action", "Close"),
    A.EXTEND: pgettext_lazy("complaint action", "Extend the time limit"),
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
}

# Who may take each staff action (the complainant's own actions need no permission: they are authorised by
# the tracking number and phone on the public pages).
PERMISSIONS = {
    A.ASSIGN: "complaints.assign_complaint",
}
DEFAULT_PERMISSION = "complaints.handle_complaint"


class WorkflowError(ValidationError):
    """An action refused by the rules; its message is translated and meant for the person who tried it."""


def allowed_actions(complaint: Complaint) -> list[str]:
    """The actions the workflow allows now (before permissions). An extension is also bounded by the count."""
    return [
        action
        for action, (sources, _to) in TRANSITIONS.items()
        if complaint.status in sources and not (action == A.EXTEND and complaint.extensions >= MAX_EXTENSIONS)
    ]


def can_act(user, complaint: Complaint, action: str) -> bool:
    """Whether `user` may take `action` on `complaint` now (status and permission)."""
    if action not in allowed_actions(complaint):
        return False
    try:
        _check_actor(user, complaint, action)
    except PermissionDenied:
        return False
    return True


def _check_actor(actor, complaint: Complaint, action: str) -> None:
    if actor is None:
        return
    permission = PERMISSIONS.get(action, DEFAULT_PERMISSION)
    if not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))
    if not (actor.has_perm("complaints.view_all_complaints") or complaint.handler_id == actor.pk):
        raise PermissionDenied(_("This complaint is not assigned to you."))


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _today() -> date:
    return timezone.localdate()


def record_event(
    complaint: Complaint,
    action: str,
    *,
    actor,
    note: str = "",
    public: bool = False,
    data: dict | None = None,
    from_status: str | None = None,
) -> ComplaintEvent:
    """The one way an event is written (the workflow, corrections, legal holds, retention): who, when, the status
    before and after, a note and details. The caller holds the complaint's row lock."""
    return ComplaintEvent.objects.create(
        complaint=complaint,
        at=timezone.now(),
        actor=actor,
        action=action,
        from_status=complaint.status if from_status is None else from_status,
        to_status=complaint.status,
        note=note,
        public=public,
        data=data or {},
    )


def _refresh_deadline(complaint: Complaint) -> None:
    events = [
        ClockEvent(event.action, timezone.localdate(event.at))
        for event in complaint.events.filter(action__in=CLOCK_ACTIONS).order_by("at", "id")
    ]
    deadline = compute_deadline(timezone.localdate(complaint.received_at), events)
    complaint.due_date = deadline.due
    complaint.extensions = deadline.extensions


def _transition(
    complaint: Complaint,
    action: str,
    *,
    actor,
    note: str = "",
    public: bool = True,
    data: dict | None = None,
    fields: dict | None = None,
    checked: bool = False,
) -> Complaint:
    """Check `action` against TRANSITIONS and the actor's rights (unless the calling service `checked` them by
    its own rule), apply it, record it, refresh the due date."""
    complaint = _locked(complaint)
    sources, target = TRANSITIONS[action]
    if complaint.status not in sources:
        raise WorkflowError(
            _("“%(action)s” is not possible while the complaint is “%(status)s”."),
            code="illegal_transition",
            params={"action": ACTION_LABELS[action], "status": complaint.get_status_display()},
        )
    if not checked:
        _check_actor(actor, complaint, action)
    before = complaint.status
    for name, value in (fields or {}).items():
        setattr(complaint, name, value)
    if target is not None:
        complaint.status = target
    record_event(complaint, action, actor=actor, note=note, public=public, data=data, from_status=before)
    if action in CLOCK_ACTIONS:
        _refresh_deadline(complaint)
    complaint.save()
    return complaint


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


def _store_attachments(complaint: Complaint, attachments, *, by_complainant: bool) -> list[ComplaintAttachment]:
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
            )
        )
    return stored


def _create(*, actor, action: str, received_at, fields: dict, note: str = "", attachments=()) -> Complaint:
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
    _refresh_deadline_without_events(complaint)
    complaint.save()
    record_event(complaint, action, actor=actor, note=note, public=True, from_status="")
    _store_attachments(complaint, attachments, by_complainant=actor is None)
    notifications.notify(complaint, notifications.REVIEW_OPENED if complaint.review_of_id else notifications.RECEIVED)
    if complaint.channel == Channel.WEB and complaint.handler_id is None:
        staff_alerts.unassigned(complaint)
    return complaint


def _refresh_deadline_without_events(complaint: Complaint) -> None:
    deadline = compute_deadline(timezone.localdate(complaint.received_at), [])
    complaint.due_date = deadline.due
    complaint.extensions = 0


@transaction.atomic
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
    twice (a double click, a resent POST) makes one complaint and returns it both times."""
    if idempotency_key:
        existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
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
        # The same form, sent twice at once: the other request created it first.
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
    (Art. 20 counts from receipt). A regulator-forwarded complaint must carry the regulator's reference.
    With an `idempotency_key` (an import's row key), registering the same complaint again returns the first."""
    if idempotency_key:
        existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if source == Source.REGULATOR and not regulator_ref.strip():
        raise WorkflowError(_("Give the regulator's reference for a forwarded complaint."), code="regulator_ref")
    if branch is not None and not province:
        province = branch.province
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
        "id_number": id_number.strip(),
        "capacity": capacity,
        "principal_name": principal_name.strip(),
        "power_of_attorney": power_of_attorney,
        "named_employee": named_employee,
        "idempotency_key": idempotency_key,
    }
    return _create(
        actor=actor,
        action=A.REGISTER,
        received_at=received_at,
        fields=fields,
        note=note,
        attachments=attachments,
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
    *, complaint: Complaint, actor, decision: str, outcome: str, remedies: list[str], note: str = ""
) -> Complaint:
    """The decision, as told to the complainant. It must name the further remedies open to them
    (Art. 21: review, mediation, arbitration, litigation)."""
    decision = _require(decision, _("Write the decision as it will be told to the complainant."))
    if outcome not in Outcome.values:
        raise WorkflowError(_("Choose the outcome."), code="outcome")
    remedies = [code for code in Remedy.values if code in set(remedies or [])]
    if not remedies:
        raise WorkflowError(_("Name at least one further remedy open to the complainant."), code="remedies")
    complaint = _transition(
        complaint,
        A.DECIDE,
        actor=actor,
        note=note,
        fields={"decision": decision, "outcome": outcome, "remedies": remedies, "decided_at": timezone.now()},
    )
    notifications.notify(complaint, notifications.REVIEW_DECIDED if complaint.review_of_id else notifications.DECIDED)
    return complaint


def _root_cause(code: str, *, active: bool = False):
    """A code of the root-cause list (kept by compliance, which the workflow reaches through the field)."""
    codes = Complaint._meta.get_field("cause").related_model.objects.filter(code=code)
    return (codes.filter(is_active=True) if active else codes).first()


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


@transaction.atomic
def complaint_extend(
    *, complaint: Complaint, actor, reason: str, approved_by=None, senior_approval: str = ""
) -> Complaint:
    """Extend the time limit (Art. 20): to 30 days with a supervisor's approval, then to 60 days with a
    senior manager's approval as well. A third extension is refused. The complainant is told, with the reason."""
    reason = _require(reason, _("Give the reason for the extension; the complainant is told it."))
    current = _locked(complaint)
    if current.extensions >= MAX_EXTENSIONS:
        raise WorkflowError(
            _("The time limit has already been extended twice (60 days); no further extension is allowed."),
            code="extension_limit",
        )
    approver = approved_by or actor
    if approver is not None and not approver.has_perm("complaints.approve_extension"):
        raise WorkflowError(_("An extension must be approved by a supervisor."), code="supervisor_approval")
    data = {"approved_by": approver.get_username() if approver is not None else ""}
    if current.extensions == 1:
        senior_approval = _require(
            senior_approval, _("A second extension (to 60 days) needs a senior manager's approval: name it.")
        )
        data["senior_approval"] = senior_approval
    complaint = _transition(complaint, A.EXTEND, actor=actor, note=reason, data=data)
    notifications.notify(complaint, notifications.EXTENDED, reason=reason)
    return complaint


@transaction.atomic
def complaint_pause(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Stop the clock for an outside appraisal, test or evaluation (Art. 20: that time does not count).
    The complainant is told."""
    reason = _require(reason, _("Say which appraisal the complaint waits for."))
    complaint = _transition(complaint, A.PAUSE, actor=actor, note=reason)
    notifications.notify(complaint, notifications.PAUSED, reason=reason)
    return complaint


@transaction.atomic
def complaint_resume(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """The appraisal is back: the clock runs again, the paused days added to the due date. The complainant is
    told the new date (the pause message promised it)."""
    complaint = _transition(complaint, A.RESUME, actor=actor, note=note)
    notifications.notify(complaint, notifications.RESUMED)
    return complaint


@transaction.atomic
def complaint_merge(*, complaint: Complaint, into: Complaint, actor, note: str = "") -> Complaint:
    """Merge a repeat of the same complaint into the original (Art. 15). The repeat ends; the original keeps
    its own clock."""
    if into.pk == complaint.pk:
        raise WorkflowError(_("A complaint cannot be merged into itself."), code="merge_self")
    original = _locked(into)
    if original.status not in ACTIVE_STATUSES or original.merged_into_id:
        raise WorkflowError(_("The original complaint must still be open."), code="merge_target")
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
    """New facts restart the clock: a fresh 15-day period from today."""
    note = _require(note, _("Describe the new facts."))
    complaint = _transition(complaint, A.RESTART, actor=actor, note=note)
    notifications.notify(complaint, notifications.RESTARTED)
    return complaint


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, actor=None, note: str = "") -> Complaint:
    """The complainant withdraws: the procedure ends on the day the withdrawal is received, and they are told."""
    complaint = _transition(complaint, A.WITHDRAW, actor=actor, note=note, fields={"ended_on": _today()})
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
    """The one rule for asking a review (Art. 26): the decision is made (decided or closed), it was made no more
    than 30 days ago, and no review of it is already under way (a withdrawn or rejected one does not count).
    The status page asks this before offering the button; complaint_request_review enforces it."""
    today = today or _today()
    until = review_deadline(timezone.localdate(complaint.decided_at)) if complaint.decided_at else None
    refusal = None
    if complaint.status not in TRANSITIONS[A.REQUEST_REVIEW][0]:
        refusal = WorkflowError(
            _("“%(action)s” is not possible while the complaint is “%(status)s”."),
            code="illegal_transition",
            params={"action": ACTION_LABELS[A.REQUEST_REVIEW], "status": complaint.get_status_display()},
        )
    elif until is not None and today > until:
        refusal = WorkflowError(_("A review must be requested within 30 days of the decision."), code="review_too_late")
    elif complaint.reviews.exclude(status__in=[S.WITHDRAWN, S.REJECTED]).exists():
        refusal = WorkflowError(_("A review of this decision has already been requested."), code="review_exists")
    return ReviewEligibility(until=until, refusal=refusal)


# What a review complaint takes over from the complaint under review (the complainant need not repeat it).
_REVIEW_COPIED_FIELDS = (
    "name", "phone", "email", "id_type", "id_number", "capacity", "principal_name", "power_of_attorney",
    "language", "category", "business_channel", "province", "branch", "policy_number", "source",
)  # fmt: skip


@transaction.atomic
def complaint_request_review(*, complaint: Complaint, reason: str, actor=None) -> Complaint:
    """A complainant who disagrees asks the superior unit for a review within 30 days of the decision
    (Art. 26). Opens a linked review complaint with its own clock; returns it."""
    reason = _require(reason, _("Say why you disagree with the decision."))
    current = _locked(complaint)
    refusal = review_eligibility(current).refusal
    if refusal is not None:
        raise refusal
    _transition(complaint, A.REQUEST_REVIEW, actor=actor, note=reason)
    review = _create(
        actor=actor,
        action=A.SUBMIT if actor is None else A.REGISTER,
        received_at=timezone.now(),
        note=str(_("Review of %(number)s") % {"number": current.tracking_number}),
        fields={field: getattr(current, field) for field in _REVIEW_COPIED_FIELDS}
        | {
            "description": reason,
            "channel": Channel.WEB if actor is None else current.channel,
            "review_of": current,
        },
    )
    return review


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Reopen a decided, closed or rejected complaint (e.g. the decision was wrong). The clock is not reset:
    a reopened complaint past its due date shows as late."""
    reason = _require(reason, _("Give the reason for reopening."))
    complaint = _transition(complaint, A.REOPEN, actor=actor, note=reason, public=True, fields={"ended_on": None})
    notifications.notify(complaint, notifications.REOPENED, reason=reason)
    return complaint


@transaction.atomic
def complaint_assign(*, complaint: Complaint, actor, handler) -> Complaint:
    """Give the complaint to a handler. Nobody handles a complaint about themselves."""
    if handler is None or not handler.is_active or not handler.has_perm("complaints.handle_complaint"):
        raise WorkflowError(_("Choose a staff member who handles complaints."), code="handler")
    current = _locked(complaint)
    if current.named_employee_id and current.named_employee_id == handler.pk:
        raise WorkflowError(
            _("This complaint is about %(name)s; it must be handled by someone else."),
            code="conflict",
            params={"name": handler.get_username()},
        )
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
    closed through the workflow's transitions, each an event, with the decision dated by the record's closing
    moment (the events keep the moment they were recorded, and their note says where the record came from).
    The outcome is stored as recorded, blank when the record gives none. For the system (actor None) and for
    whoever may import complaints."""
    if actor is not None and not actor.has_perm(CORRECTION_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    if outcome and outcome not in Outcome.values:
        raise WorkflowError(_("Choose the outcome."), code="outcome")
    decision = _("Closed on %(date)s according to the imported record.") % {
        "date": timezone.localdate(closed_at).isoformat()
    }
    if _locked(complaint).status == S.RECEIVED:
        complaint = _transition(complaint, A.ACCEPT, actor=actor, note=note, public=False, checked=True)
    complaint = _transition(
        complaint,
        A.DECIDE,
        actor=actor,
        note=note,
        public=False,
        data={"decided_on": timezone.localdate(closed_at).isoformat()},
        fields={"decision": decision, "outcome": outcome, "remedies": Remedy.values, "decided_at": closed_at},
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
            "ended_on": timezone.localdate(closed_at),
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
    if complaint.legal_hold == hold:
        return complaint
    complaint.legal_hold = hold
    complaint.save(update_fields=["legal_hold", "updated_at"])
    record_event(complaint, A.LEGAL_HOLD, actor=actor, note=reason.strip(), data={"hold": hold})
    return complaint
