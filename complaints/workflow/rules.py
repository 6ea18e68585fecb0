"""The complaint rules as dated versions (complaints.models.RuleVersion): entered by a member of compliance, in force
once a second member approved them; what a version would change before it takes effect.

- A version normally takes effect in the future. One dated today or in the past only records a rule already in
  force: it needs a reason, and on approval it applies to the complaints received since its date that are still
  being handled and not late (each gets a corrected due date and an event). It never touches a late complaint
  (late stays late) nor one already decided (a complaint decided on time stays on time).
- Each complaint is judged by the version in force on the day it was received (complaints.workflow.timing).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines
from ..models import ACTIVE_STATUSES, Complaint, ComplaintEvent, RuleVersion
from .core import A, WorkflowError, _locked, _today, record_event
from .timing import _clock_events, _store_deadline, rule_version_for

ENTER_PERMISSION = "complaints.add_ruleversion"
# The what-if reads the clock events of this many complaints at a time.
WHAT_IF_CHUNK = 1000
APPROVE_PERMISSION = "complaints.approve_ruleversion"
VERSION_FIELDS = (
    "title",
    "effective_from",
    "base_days",
    "first_extension_limit",
    "second_extension_limit",
    "second_extension_max_days",
    "review_days",
    "first_extension_approvals",
    "second_extension_approvals",
    "regulator_default_days",
    "platform_default_days",
)


def _midnight(day: date) -> datetime:
    """The start of `day` in China Standard Time (days of receipt are Beijing days)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def rule_version_in_force(day: date | None = None) -> RuleVersion | None:
    """The approved version in force on `day` (today when None): what public texts state and new complaints get."""
    return RuleVersion.objects.in_force(day or _today())


def next_rule_change() -> datetime | None:
    """The moment the next approved version takes effect (midnight, Beijing time), or None."""
    upcoming = RuleVersion.objects.approved().filter(effective_from__gt=_today()).order_by("effective_from").first()
    return _midnight(upcoming.effective_from) if upcoming is not None else None


def _check(actor, permission: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def rule_version_enter(*, actor, reason: str = "", **values) -> RuleVersion:
    """Enter a version of the complaint rules; it waits for a second approver. Refused with a translated
    message when its limits do not grow with each extension, or when it is dated today or earlier without a
    reason (a back-dated version only records a rule already in force)."""
    _check(actor, ENTER_PERMISSION)
    unknown = set(values) - set(VERSION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    version = RuleVersion(**values, reason=reason.strip(), entered_by=actor)
    errors = {}
    try:
        version.full_clean(exclude=["entered_by", "approved_by", "applied_to"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if not errors:
        if not version.base_days < version.first_extension_limit <= version.second_extension_limit:
            errors["first_extension_limit"] = [
                _("The limits must grow: the base limit, then the limit after each extension.")
            ]
        if version.effective_from <= _today() and not version.reason:
            errors["reason"] = [
                _("A version in force from today or earlier records a rule already in force: give the reason.")
            ]
        elif RuleVersion.objects.approved().filter(effective_from=version.effective_from).exists():
            errors["effective_from"] = [_("A version already takes effect on this day.")]
    if errors:
        raise ValidationError(errors)
    version.save()
    return version


@dataclass(frozen=True)
class Change:
    """An open complaint whose due date a version would change."""

    complaint: Complaint
    due_before: date
    due_after: date


def deadline_under(complaint: Complaint, version: RuleVersion, events=None) -> deadlines.Deadline:
    """The deadline `complaint` would have under `version` (its clock events as recorded, or `events`)."""
    base_days = version.review_limit if complaint.review_of_id else version.base_days
    return deadlines.compute_deadline(
        timezone.localdate(complaint.received_at),
        _clock_events(complaint) if events is None else events,
        base_days=base_days,
        rules=version.rules,
    )


def _due_under(complaints, version: RuleVersion):
    """(complaint, its date to meet under `version`, or None when its recorded extensions exceed what the version
    allows), for many complaints: their clock events read in one query per thousand complaints."""
    batch = []
    for complaint in complaints.iterator(chunk_size=WHAT_IF_CHUNK):
        batch.append(complaint)
        if len(batch) == WHAT_IF_CHUNK:
            yield from _due_of_batch(batch, version)
            batch = []
    yield from _due_of_batch(batch, version)


def _due_of_batch(batch: list[Complaint], version: RuleVersion):
    events = defaultdict(list)
    rows = ComplaintEvent.objects.filter(complaint__in=[c.pk for c in batch], action__in=deadlines.CLOCK_ACTIONS)
    for event in rows.order_by("complaint_id", "at", "id"):
        days = event.data.get("days") if event.action == A.EXTEND else None
        events[event.complaint_id].append(deadlines.ClockEvent(event.action, event.day, days))
    for complaint in batch:
        try:
            due = deadline_under(complaint, version, events[complaint.pk]).due
        except deadlines.ExtensionRefused:
            yield complaint, None
            continue
        yield complaint, deadlines.effective_due(due, complaint.regulator_deadline)


def _candidates(version: RuleVersion):
    """The complaints a version dated `effective_from` may apply to now: received since its date, still being
    handled and not late, and judged by an older version (a later version already in force keeps its own)."""
    since = _midnight(version.effective_from)
    later = (
        RuleVersion.objects.approved()
        .exclude(pk=version.pk)
        .filter(effective_from__gt=version.effective_from)
        .order_by("effective_from")
        .first()
    )
    complaints = Complaint.objects.filter(
        received_at__gte=since, status__in=ACTIVE_STATUSES, late_since__isnull=True
    ).order_by("received_at", "id")
    if later is not None:
        complaints = complaints.filter(received_at__lt=_midnight(later.effective_from))
    return complaints


def rule_version_changes(version: RuleVersion) -> list[Change]:
    """Exactly the open complaints whose due date `version` changes if it is dated where it is: received since its
    date, still being handled, not late, and given another statutory due date by it. Empty for a version dated
    in the future (no complaint has been received under it)."""
    if version.effective_from > _today():
        return []
    # A complaint whose extensions, granted under the old rule, the new one would not allow keeps its limit (None).
    return [
        Change(complaint, complaint.due_date, after)
        for complaint, after in _due_under(_candidates(version), version)
        if after is not None and after != complaint.due_date
    ]


@transaction.atomic
def rule_version_approve(*, version: RuleVersion, actor) -> RuleVersion:
    """Approve a version as its second approver (not whoever entered it). A version dated today or earlier
    applies at once to the complaints `rule_version_changes` lists: each gets its new due date and an event."""
    _check(actor, APPROVE_PERMISSION)
    version = RuleVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != RuleVersion.Status.PENDING:
        raise WorkflowError(_("This version has already been decided."), code="decided")
    if version.entered_by_id == actor.pk:
        raise WorkflowError(_("A second member of compliance must approve the version."), code="same_person")
    if RuleVersion.objects.approved().filter(effective_from=version.effective_from).exists():
        raise WorkflowError(_("A version already takes effect on this day."), code="same_day")
    version.status = RuleVersion.Status.APPROVED
    version.approved_by = actor
    version.decided_at = timezone.now()
    changed = []
    for change in rule_version_changes(version):
        complaint = _locked(change.complaint)
        complaint._rule_version = version
        before = complaint.due_date
        _store_deadline(complaint, _clock_events(complaint))
        if complaint.due_date == before:
            continue
        record_event(
            complaint,
            A.CORRECT,
            actor=actor,
            note=_("Judged by the rule version in force when it was received (%(title)s, from %(day)s).")
            % {"title": version.title, "day": version.effective_from.isoformat()},
            data={
                "fields": ["due_date"],
                "rule_version": version.pk,
                "due_before": before.isoformat(),
                "due_after": complaint.due_date.isoformat(),
            },
        )
        complaint.save()
        changed.append(complaint.pk)
    version.applied_to = changed
    version.save()
    return version


@transaction.atomic
def rule_version_refuse(*, version: RuleVersion, actor) -> RuleVersion:
    """Refuse a version waiting for its second approver (whoever may approve, or whoever entered it)."""
    if actor is None or (version.entered_by_id != actor.pk and not actor.has_perm(APPROVE_PERMISSION)):
        raise PermissionDenied(_("You do not have permission to do this."))
    version = RuleVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != RuleVersion.Status.PENDING:
        raise WorkflowError(_("This version has already been decided."), code="decided")
    version.status = RuleVersion.Status.REFUSED
    version.approved_by = actor
    version.decided_at = timezone.now()
    version.save()
    return version


def on_time_rate_under(version: RuleVersion, *, today: date | None = None, days: int = 365) -> dict:
    """The last 12 months' complaints decided, and how many were on time as recorded and as they would have been
    had `version` been in force for all of them (their clock events as recorded; a complaint late as recorded
    is counted as the new limits would have judged it: this is the plain what-if, not a change to any record)."""
    today = today or _today()
    start = today - timedelta(days=days)
    rows = (
        Complaint.objects.with_timeliness()
        .filter(closed_day__isnull=False, received_at__gte=_midnight(start), received_at__lt=_midnight(today))
        .order_by("id")
    )
    total = recorded = would = 0
    for complaint, due in _due_under(rows, version):
        due = due or complaint.due_date
        total += 1
        recorded += bool(complaint.on_time)
        would += due is not None and complaint.closed_day <= due
    return {
        "total": total,
        "recorded": recorded,
        "would_be": would,
        "recorded_rate": recorded / total if total else None,
        "would_be_rate": would / total if total else None,
    }


__all__ = [
    "APPROVE_PERMISSION",
    "ENTER_PERMISSION",
    "Change",
    "deadline_under",
    "next_rule_change",
    "on_time_rate_under",
    "rule_version_approve",
    "rule_version_changes",
    "rule_version_enter",
    "rule_version_for",
    "rule_version_in_force",
    "rule_version_refuse",
]
