"""The company's answers to the national complaint platform: for each case the platform transferred that has a
step since a day, its reference, status, decision (date, outcome and the text the complainant was sent: nothing
internal), redress, the report-back and its steps, each with its day. The document's shape is SCHEMA, version
VERSION (docs/design.md, "export_platform_answers"); a change of shape is a new version."""

from datetime import date, datetime, time

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from ...models import Complaint, ComplaintEvent, EventAction, Source

SCHEMA = "platform-answers"
VERSION = 1
# The steps the platform is told of (what changes the case or what the complainant is told); notes, calls,
# documents, assignments and corrections stay inside the company.
STEPS = (
    EventAction.REGISTER,
    EventAction.ACCEPT,
    EventAction.START,
    EventAction.EXTEND,
    EventAction.PAUSE,
    EventAction.RESUME,
    EventAction.RESTART,
    EventAction.MERGE,
    EventAction.DECIDE,
    EventAction.DELIVER,
    EventAction.PAYMENT,
    EventAction.CLOSE,
    EventAction.WITHDRAW,
    EventAction.REJECT,
    EventAction.REQUEST_REVIEW,
    EventAction.REOPEN,
    EventAction.LATE,
    EventAction.REPORT_BACK,
)


def _day(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def _case(complaint: Complaint) -> dict:
    return {
        "platform_ref": complaint.platform_ref,
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "received_on": _day(complaint.received_at),
        "reply_by": _day(complaint.regulator_deadline),
        "decided_on": _day(complaint.decided_at),
        "outcome": complaint.outcome or None,
        "decision": complaint.decision or None,
        "reliefs": list(complaint.reliefs or []),
        "redress_paid": str(complaint.redress_paid) if complaint.redress_paid is not None else None,
        "redress_paid_on": _day(complaint.redress_paid_on),
        "reported_back_on": _day(complaint.reported_back_on),
        "report_back_ref": complaint.report_back_ref or None,
        "steps": [{"step": event.action, "on": _day(event.day)} for event in complaint.platform_steps],
    }


def platform_answers(since: date) -> dict:
    """The answers document for the platform's cases with a step recorded on or after `since` (Beijing time;
    the day of recording, so that a step dated back is sent the day it is recorded), in the order of their
    references."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    recent = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), at__gte=start, action__in=STEPS)
    steps = ComplaintEvent.objects.filter(action__in=STEPS).order_by("at", "id")
    complaints = (
        Complaint.objects.filter(source=Source.PLATFORM)
        .filter(Exists(recent))
        .prefetch_related(Prefetch("events", queryset=steps, to_attr="platform_steps"))
        .order_by("platform_ref")
    )
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "since": since.isoformat(),
        "cases": [_case(complaint) for complaint in complaints],
    }
