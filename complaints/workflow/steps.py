"""The main steps of a complaint: accept, start, decide, the day the decision was received, close, withdraw,
reject, assign, and the reply to the regulator.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.display import person_name

from .. import letters, notifications, staff_alerts
from ..models import (
    FORWARDED_SOURCES,
    Complaint,
    Outcome,
    Remedy,
    RootCause,
)
from . import care
from .core import (
    A,
    WorkflowError,
    _locked,
    _now,
    _require,
    _today,
    conflicted_ids,
)
from .redress import check_reliefs
from .timing import _step_day
from .transitions import (
    _apply,
    _begin,
    _transition,
)

# What complaints.services re-exports from this module.
__all__ = [
    "complaint_accept",
    "complaint_assign",
    "complaint_close",
    "complaint_decide",
    "complaint_record_delivery",
    "complaint_reject",
    "complaint_report_back",
    "complaint_start",
    "complaint_withdraw",
]


@transaction.atomic
def complaint_accept(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """Accept (受理) the complaint; the complainant is told."""
    complaint = _transition(complaint, A.ACCEPT, actor=actor, note=note)
    notifications.notify(complaint, notifications.ACCEPTED)
    # The one-time list of materials (一次性告知), sent once with the acceptance when one is kept.
    care.materials_send(complaint, actor=actor)
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
    template=None,
    outcome_reason: str = "",
    reliefs: list[str] | None = None,
    vulnerable: bool | None = None,
    vulnerability_cause: bool | None = None,
) -> Complaint:
    """The decision, as told to the complainant (Art. 20: decided and told within the limit). It must name the
    further remedies open to them (Art. 21: review, mediation, arbitration, litigation). `delivered_on` is the
    day the complainant received it (today by default: the portal tells them when it is recorded); the 30 days
    for asking for a review count from it. A decision recorded after the limit is late, whatever that day.

    No template hint may be left in it ([[…]], or a template's hint words): it is published, printed and announced
    as written. `template` is the letter template it was written from: when the template names an outcome and
    `outcome` is another, the decision needs `outcome_reason`, kept in the event with the template's name.

    `reliefs` is what the complainant gets (redress: money, an action, an explanation), fitting the outcome
    (complaints/workflow/redress.py); payments are recorded later, each a step of its own.

    `vulnerable` and `vulnerability_cause` are the two data points of a decision (FCA PS25/19): whether the
    complainant was vulnerable, and whether the complaint arose from failing to consider it (None: not
    recorded; a cause needs a vulnerable complainant)."""
    decision = _require(decision, _("Write the decision as it will be told to the complainant."))
    if outcome not in Outcome.values:
        raise WorkflowError(_("Choose the outcome."), code="outcome")
    remedies = [code for code in Remedy.values if code in set(remedies or [])]
    if not remedies:
        raise WorkflowError(_("Name at least one further remedy open to the complainant."), code="remedies")
    _refuse_hints(decision)
    data = _template_data(template, outcome, outcome_reason) or {}
    reliefs = check_reliefs(outcome, reliefs)
    data["reliefs"] = reliefs
    care_points = care.decision_points(vulnerable, vulnerability_cause)
    current = _begin(complaint, A.DECIDE, actor=actor)
    day = _step_day(current, delivered_on, actor)
    complaint = _apply(
        current,
        A.DECIDE,
        actor=actor,
        note=note,
        happened_on=day,
        data=data,
        fields={
            "decision": decision,
            "outcome": outcome,
            "remedies": remedies,
            "reliefs": reliefs,
            "decided_at": _now(),
            "decision_delivered_on": day,
            **care_points,
        },
    )
    notifications.notify(complaint, notifications.REVIEW_DECIDED if complaint.review_of_id else notifications.DECIDED)
    return complaint


def _refuse_hints(decision: str) -> None:
    hints = letters.hints_in(decision)
    if hints:
        raise WorkflowError(
            ngettext(
                "The decision still holds the template's hint %(hints)s. Replace it with the facts of this case.",
                "The decision still holds the template's hints %(hints)s. Replace each with the facts of this case.",
                len(hints),
            )
            % {"hints": letters.quoted_hints(hints)},
            code="hint",
        )


def _template_data(template, outcome: str, reason: str) -> dict | None:
    """The decide event's note of the template the decision was written from, and the reason its outcome differs
    from the template's; refused without one."""
    if template is None:
        return None
    data = {"template": template.name}
    if template.outcome and template.outcome != outcome:
        reason = (reason or "").strip()
        if not reason:
            raise WorkflowError(
                gettext(
                    "The template “%(template)s” is written for the outcome “%(expected)s”, not “%(chosen)s”. "
                    "Choose the template's outcome, or say why this decision's outcome differs."
                )
                % {
                    "template": template.name,
                    "expected": Outcome(template.outcome).label,
                    "chosen": Outcome(outcome).label,
                },
                code="template_outcome",
            )
        data["outcome_reason"] = reason[:2000]
    return data


def _root_cause(code: str, *, active: bool = False):
    """A code of the root-cause list (kept by compliance)."""
    codes = RootCause.objects.filter(code=code)
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


@transaction.atomic
def complaint_assign(*, complaint: Complaint, actor, handler) -> Complaint:
    """Give the complaint to a handler. Nobody handles a complaint about themselves, nor the review of a
    decision they made or of a complaint about them (the recusal rule, 回避)."""
    if (
        handler is None
        or not (handler.is_active and handler.is_staff)
        or not handler.has_perm("complaints.handle_complaint")
    ):
        raise WorkflowError(_("Choose a staff member who handles complaints."), code="handler")
    current = _locked(complaint)
    if handler.pk in conflicted_ids(current):
        if current.named_employee_id == handler.pk:
            message = _("This complaint is about %(name)s; it must be handled by someone else.")
        else:
            message = _("%(name)s is named in or decided the complaint under review; someone else must review it.")
        raise WorkflowError(message, code="conflict", params={"name": person_name(handler)})
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
def complaint_report_back(
    *, complaint: Complaint, actor, reference: str, reported_on: date | None = None, note: str = ""
) -> Complaint:
    """Record the company's reply to the body that forwarded the complaint (the regulator, or the national
    complaint platform that transferred it): the day it was sent and its reference. It is due by that body's
    reply date; sent later, it counts as reported back late."""
    reference = _require(reference, _("Give the reference of the reply."))
    current = _begin(complaint, A.REPORT_BACK, actor=actor)
    if current.source not in FORWARDED_SOURCES:
        raise WorkflowError(
            _("Only a complaint forwarded by the regulator or transferred by the platform is reported back."),
            code="not_forwarded",
        )
    if current.reported_back_on:
        raise WorkflowError(
            _("The report-back was already recorded (%(day)s)."),
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
