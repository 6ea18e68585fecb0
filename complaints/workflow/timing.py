"""The clock of a complaint: its due date computed by complaints.deadlines from the events, the day a dated step
happened, and the record that its limit has passed (lateness), written as the system.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.actors import system_actor

from .. import deadlines
from ..deadlines import (
    BACKDATE_FREE_DAYS,
    BASE_DAYS,
    CLOCK_ACTIONS,
    ClockEvent,
    DateRefused,
    compute_deadline,
    effective_due,
    extension_room,
)
from ..models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    Complaint,
    ExtensionRequest,
    ExtensionStatus,
    RuleVersion,
)
from .core import (
    _CLOCK_STEPS,
    PAST_DATES_PERMISSION,
    A,
    S,
    WorkflowError,
    _today,
    record_event,
)
from .review_rules import review_limit_days

# What complaints.services re-exports from this module.
__all__ = [
    "decision_date",
    "extension_days_available",
    "past_limit",
]


def decision_date(complaint: Complaint, today: date | None = None) -> date | None:
    """The date by which the complainant is told to expect our decision: the one date every message and public
    page states (complaints.notifications, the status page and its next step, the receipt). It is the record's
    due date (the regulator's earlier date, extensions, pauses and restarts are all in it) while that date is
    still ahead. None when no true date can be given: the clock is paused (the date is known only when the
    appraisal is back), or the limit has passed (a letter registered after its limit, a resumption dated back):
    such a complaint is handled with priority, and no past date is ever promised (`past_limit`)."""
    if complaint.status == S.PAUSED or complaint.due_date is None:
        return None
    if deadlines.limit_has_passed(complaint.due_date, today or _today()):
        return None
    return complaint.due_date


def past_limit(complaint: Complaint, today: date | None = None) -> bool:
    """Whether an open complaint's limit has passed without a decision and no later date stands: what the
    messages and the status page say instead of a date ("past the time limit; handled with priority")."""
    return (
        complaint.status in OPEN_STATUSES and complaint.due_date is not None and decision_date(complaint, today) is None
    )


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


def rule_version_for(complaint: Complaint) -> RuleVersion | None:
    """The approved rule version in force on the day `complaint` was received (None before the first)."""
    cached = getattr(complaint, "_rule_version", False)
    if cached is False:
        cached = RuleVersion.objects.in_force(timezone.localdate(complaint.received_at))
        complaint._rule_version = cached
    return cached


def _rules(complaint: Complaint) -> deadlines.Rules:
    version = rule_version_for(complaint)
    return version.rules if version is not None else deadlines.DEFAULT_RULES


def _base_days(complaint: Complaint) -> int:
    """The base limit of the version in force when the complaint was received (15 days under the 2020 measures);
    a review has the company's own limit, the version's review limit (review_rules.review_limit_days)."""
    version = rule_version_for(complaint)
    if complaint.review_of_id:
        return review_limit_days(version=version)
    return version.base_days if version is not None else BASE_DAYS


def _store_deadline(complaint: Complaint, events: list[ClockEvent]) -> deadlines.Deadline:
    deadline = compute_deadline(
        timezone.localdate(complaint.received_at), events, base_days=_base_days(complaint), rules=_rules(complaint)
    )
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
    rules = _rules(complaint)
    deadline = compute_deadline(
        timezone.localdate(complaint.received_at),
        _clock_events(complaint),
        base_days=_base_days(complaint),
        rules=rules,
    )
    return extension_room(deadline.limit_days, deadline.extensions, rules)


def _mark_late(complaint: Complaint) -> bool:
    """Record, once, that the complaint's time limit has passed without a decision: the day it became late
    and an event. A request for an extension still waiting lapses with it. Returns whether it was marked.
    (The caller saves the complaint.)"""
    if complaint.late_since is not None or complaint.status not in ACTIVE_STATUSES or complaint.due_date is None:
        return False
    today = _today()
    regulator_deadline = complaint.report_back_due
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
        actor=system_actor(),
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
