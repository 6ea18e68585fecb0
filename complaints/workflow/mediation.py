"""Mediation of a dispute (调解; 金发〔2025〕14号): a complaint, still handled or already decided, goes to a mediation
body at the complainant's request or on the referral of the regulator, the national complaint platform or a court
(诉调对接). Each step is a service that checks its actor and leaves a complaint event; the complainant is told when
the company answers the invitation and when the mediation ends.

The rules:
- One mediation of a complaint is open at a time; a complaint may be mediated again after the first ended. A
  complaint withdrawn, merged or rejected is not mediated.
- The company answers an invitation within its response limit (应调响应): `PORTAL_MEDIATION_RESPONSE_WORKING_DAYS`
  working days (default 3, portal.workdays and the holiday calendar) from the invitation, or from the request when
  no invitation date is known. An answer after that day counts as late.
- A settlement with money needs approval at the level its amount needs under the settlement authority table in
  force on the day it is proposed (`SettlementAuthority`, kept by compliance with a second approver): a branch
  approves up to its limit, the head office up to its own; beyond the head office's limit it cannot be approved.
  The approver holds that level or a higher one (`StaffAuthority`, set by a supervisor), is not who proposed it
  and is not conflicted on the complaint.
- A mediation ends settled, not settled or withdrawn. Settled with money needs an approved settlement of at least
  that amount. The mediator's recommendations are kept; complaints/compliance/mediation_remediation.py ends a
  mediation with a remediation item that follows them up (溯源整改).
- Only a court-referred mediation that ended settled is judicially confirmed (司法确认), on or after the day it
  ended and not in the future.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Holiday

from ..models import (
    ACTIVE_STATUSES,
    AUTHORITY_RANK,
    AuthorityLevel,
    Complaint,
    EventAction,
    Mediation,
    MediationBodyKind,
    MediationOrigin,
    MediationOutcome,
    SettlementAuthority,
    StaffAuthority,
    Status,
)
from .core import WorkflowError, _check_actor, _locked, _today, actor_refusal, is_conflicted, record_event
from .redress import parse_amount
from .timing import _step_day

# Who may mediate: complaints still handled, and those decided or closed.
MEDIATED_STATUSES = frozenset({*ACTIVE_STATUSES, Status.DECIDED, Status.CLOSED})
ENTER_AUTHORITY_PERMISSION = "complaints.add_settlementauthority"
APPROVE_AUTHORITY_PERMISSION = "complaints.approve_settlementauthority"
SET_LEVEL_PERMISSION = "complaints.add_staffauthority"
# The complainant's messages (portal/messaging/catalogue.py).
MEDIATION_ANSWERED, MEDIATION_ENDED = "mediation_answered", "mediation_ended"


def response_limit_days() -> int:
    return int(settings.PORTAL_MEDIATION_RESPONSE_WORKING_DAYS)


def response_due_on(start: date) -> date:
    """The last day to answer an invitation to mediate received on `start` (the company's response limit)."""
    return Holiday.objects.working_days_after(start, response_limit_days())


def _require_text(value, message, code="required") -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, code=code)
    return value


def _past_or_today(complaint: Complaint, actor, day: date | None, message) -> date:
    """The day a mediation step happened: today when none is given, not in the future (`message`), and by the
    workflow's rule of dated steps (not before receipt; more than 3 days back only by a supervisor)."""
    day = day or _today()
    if day > _today():
        raise WorkflowError(message, code="future")
    return _step_day(complaint, day, actor, clock=False)


def _choice(value, choices, message) -> str:
    if value not in choices.values:
        raise WorkflowError(message, code="choice")
    return value


def _locked_mediation(mediation: Mediation) -> tuple[Mediation, Complaint]:
    complaint = _locked(mediation.complaint)
    return Mediation.objects.select_for_update().get(pk=mediation.pk), complaint


def _check(actor, complaint: Complaint) -> None:
    """The actor of a mediation step: whoever may work the complaint (permission, assignment, no conflict)."""
    if actor is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    _check_actor(actor, complaint, EventAction.MEDIATION_OPENED)


def _still_open(mediation: Mediation) -> None:
    if not mediation.is_open:
        raise WorkflowError(_("This mediation has already ended."), code="ended")


def _event(complaint, action, actor, mediation, *, note="", public=False, data=None, happened_on=None):
    record_event(
        complaint,
        action,
        actor=actor,
        note=note,
        public=public,
        data={"mediation": mediation.pk, **(data or {})},
        happened_on=happened_on,
    )


def _notify(complaint: Complaint, kind: str, **values) -> None:
    from .. import notifications

    notifications.notify(complaint, kind, **values)


def mediation_refusal(complaint: Complaint) -> str | None:
    """Why a new mediation cannot be opened on `complaint` now (a translated sentence), or None."""
    if complaint.status not in MEDIATED_STATUSES:
        return str(_("A complaint that is “%(status)s” is not mediated.") % {"status": complaint.get_status_display()})
    if complaint.mediations.open().exists():
        return str(_("A mediation of this complaint is already under way; record its outcome first."))
    return None


@transaction.atomic
def mediation_open(
    *,
    complaint: Complaint,
    actor,
    origin: str,
    body_kind: str,
    body: str,
    requested_on: date | None = None,
    invited_on: date | None = None,
    mediator: str = "",
) -> Mediation:
    """Record that the dispute went to mediation: who asked, the body, the request and invitation dates. The
    answer is due within the response limit from the invitation (or the request)."""
    complaint = _locked(complaint)
    _check(actor, complaint)
    refusal = mediation_refusal(complaint)
    if refusal:
        raise WorkflowError(refusal, code="not_now")
    origin = _choice(origin, MediationOrigin, _("Choose who asked for the mediation."))
    body_kind = _choice(body_kind, MediationBodyKind, _("Choose the kind of mediation body."))
    body = _require_text(body, _("Name the mediation body."))
    requested_on = _past_or_today(complaint, actor, requested_on, _("The day of the request cannot be in the future."))
    if requested_on < timezone.localdate(complaint.received_at):
        raise WorkflowError(_("The mediation cannot be requested before the complaint was received."), code="early")
    if invited_on is not None:
        invited_on = _past_or_today(
            complaint, actor, invited_on, _("The day of the invitation cannot be in the future.")
        )
        if invited_on < requested_on:
            raise WorkflowError(_("The invitation cannot come before the request."), code="order")
    mediation = Mediation.objects.create(
        complaint=complaint,
        origin=origin,
        body_kind=body_kind,
        body=body,
        mediator=(mediator or "").strip(),
        requested_on=requested_on,
        invited_on=invited_on,
        response_due=response_due_on(invited_on or requested_on),
        opened_by=actor,
    )
    _event(
        complaint,
        EventAction.MEDIATION_OPENED,
        actor,
        mediation,
        note=body,
        public=True,
        data={
            "mediation_origin": origin,
            "mediation_body_kind": body_kind,
            "response_due": mediation.response_due.isoformat(),
        },
        happened_on=requested_on,
    )
    return mediation


@transaction.atomic
def mediation_respond(
    *, mediation: Mediation, actor, responded_on: date | None = None, mediator: str = ""
) -> Mediation:
    """The company's answer to the invitation (it takes part); on time when by the response limit. The
    complainant is told."""
    mediation, complaint = _locked_mediation(mediation)
    _check(actor, complaint)
    _still_open(mediation)
    if mediation.responded_on is not None:
        raise WorkflowError(_("The company's answer has already been recorded."), code="answered")
    responded_on = _past_or_today(complaint, actor, responded_on, _("The day of the answer cannot be in the future."))
    if responded_on < (mediation.invited_on or mediation.requested_on):
        raise WorkflowError(_("The answer cannot come before the invitation."), code="order")
    mediation.responded_on = responded_on
    if (mediator or "").strip():
        mediation.mediator = mediator.strip()
    mediation.save()
    _event(
        complaint,
        EventAction.MEDIATION_RESPONSE,
        actor,
        mediation,
        public=True,
        data={"answered_on_time": mediation.responded_on_time, "response_due": mediation.response_due.isoformat()},
        happened_on=responded_on,
    )
    _notify(complaint, MEDIATION_ANSWERED, body=mediation.body)
    return mediation


def authority_in_force(day: date | None = None) -> SettlementAuthority | None:
    return SettlementAuthority.objects.in_force(day or _today())


def staff_level(user) -> str:
    """The settlement authority `user` holds now ("" for none): the latest level a supervisor set."""
    if user is None or not getattr(user, "is_active", False):
        return ""
    latest = StaffAuthority.objects.filter(user=user).order_by("-set_at", "-id").first()
    return latest.level if latest is not None else ""


def level_needed(amount: Decimal, day: date | None = None) -> str:
    """The level that must approve a settlement of `amount` under the table in force; refused when there is no
    table or the amount is beyond the head office's limit."""
    table = authority_in_force(day)
    if table is None:
        raise WorkflowError(
            _("No settlement authority table is in force: compliance must enter one and a second member approve it."),
            code="no_table",
        )
    level = table.level_for(amount)
    if level is None:
        raise WorkflowError(
            _("%(amount)s yuan is beyond every level's authority (the head office approves up to %(limit)s yuan).")
            % {"amount": f"{amount:,.2f}", "limit": f"{table.head_office_limit:,.2f}"},
            code="beyond_authority",
        )
    return level


@transaction.atomic
def mediation_propose_settlement(*, mediation: Mediation, actor, amount, note: str = "") -> Mediation:
    """Propose the amount the company would settle for; it waits for approval at the level its amount needs
    (a new proposal replaces one not yet approved, or an approval for less)."""
    mediation, complaint = _locked_mediation(mediation)
    _check(actor, complaint)
    _still_open(mediation)
    if mediation.responded_on is None:
        raise WorkflowError(_("Record the company's answer to the invitation first."), code="not_answered")
    amount = parse_amount(amount)
    level = level_needed(amount)
    mediation.proposed_amount = amount
    mediation.proposed_by = actor
    mediation.proposed_at = timezone.now()
    mediation.level_needed = level
    mediation.approved_by = None
    mediation.approved_at = None
    mediation.save()
    _event(
        complaint,
        EventAction.SETTLEMENT_PROPOSED,
        actor,
        mediation,
        note=(note or "").strip(),
        data={"settlement": f"{amount:.2f}", "authority_needed": level},
    )
    return mediation


def approval_refusal(user, mediation: Mediation) -> str | None:
    """Why `user` may not approve the settlement proposed in `mediation` (a translated sentence), or None."""
    if user is None or not user.is_active or not user.is_staff:
        return str(_("You do not have permission to do this."))
    if is_conflicted(user, mediation.complaint):
        return str(
            _("You are named in this complaint, or you decided the decision under review: someone else must approve.")
        )
    if not mediation.approval_pending:
        return str(_("No settlement is waiting for approval."))
    if mediation.proposed_by_id == user.pk:
        return str(_("Nobody approves their own proposal: another member of staff with the authority must approve it."))
    held = staff_level(user)
    if not held:
        return str(_("You hold no settlement authority; a supervisor sets it."))
    if AUTHORITY_RANK[held] < AUTHORITY_RANK[mediation.level_needed]:
        return str(
            _("%(amount)s yuan needs the approval of the %(needed)s; your authority (%(held)s) reaches %(limit)s yuan.")
            % {
                "amount": f"{mediation.proposed_amount:,.2f}",
                "needed": AuthorityLevel(mediation.level_needed).label,
                "held": AuthorityLevel(held).label,
                "limit": f"{_limit(held):,.2f}",
            }
        )
    return None


def _limit(level: str) -> Decimal:
    table = authority_in_force()
    return table.limit_of(level) if table is not None else Decimal("0")


@transaction.atomic
def mediation_approve_settlement(*, mediation: Mediation, actor) -> Mediation:
    """Approve the proposed settlement: by someone holding the level its amount needs, not who proposed it,
    not conflicted."""
    mediation, complaint = _locked_mediation(mediation)
    _still_open(mediation)
    if actor is None or not actor.is_active or not actor.is_staff:
        raise PermissionDenied(_("You do not have permission to do this."))
    refusal = approval_refusal(actor, mediation)
    if refusal:
        raise WorkflowError(refusal, code="approval")
    mediation.approved_by = actor
    mediation.approved_at = timezone.now()
    mediation.save()
    _event(
        complaint,
        EventAction.SETTLEMENT_APPROVED,
        actor,
        mediation,
        data={
            "settlement": f"{mediation.proposed_amount:.2f}",
            "authority_needed": mediation.level_needed,
            "authority_held": staff_level(actor),
        },
    )
    return mediation


@transaction.atomic
def mediation_record_outcome(
    *,
    mediation: Mediation,
    actor,
    outcome: str,
    ended_on: date | None = None,
    settled_amount=None,
    recommendations: str = "",
) -> Mediation:
    """End the mediation: settled (with the amount, if money, within the approved settlement), not settled or
    withdrawn, with the mediator's recommendations (a remediation item may follow them up:
    complaints/compliance/mediation_remediation.py). The complainant is told."""
    mediation, complaint = _locked_mediation(mediation)
    _check(actor, complaint)
    _still_open(mediation)
    outcome = _choice(outcome, MediationOutcome, _("Choose the outcome of the mediation."))
    ended_on = _past_or_today(complaint, actor, ended_on, _("The day the mediation ended cannot be in the future."))
    if ended_on < mediation.requested_on:
        raise WorkflowError(_("The mediation cannot end before it was requested."), code="order")
    amount = None
    if outcome == MediationOutcome.SETTLED and str(settled_amount or "").strip():
        amount = parse_amount(settled_amount)
        if mediation.approved_at is None or amount > mediation.proposed_amount:
            raise WorkflowError(
                _("A settlement with money needs an approved settlement of at least that amount."), code="not_approved"
            )
    elif settled_amount not in (None, "") and outcome != MediationOutcome.SETTLED:
        raise WorkflowError(_("Only a settled mediation has an amount."), code="amount")
    recommendations = (recommendations or "").strip()
    mediation.outcome = outcome
    mediation.ended_on = ended_on
    mediation.settled_amount = amount
    mediation.recommendations = recommendations
    mediation.save()
    _event(
        complaint,
        EventAction.MEDIATION_OUTCOME,
        actor,
        mediation,
        note=recommendations,
        public=True,
        data={"mediation_outcome": outcome, "settled_amount": f"{amount:.2f}" if amount is not None else None},
        happened_on=ended_on,
    )
    _notify(complaint, MEDIATION_ENDED, outcome=MediationOutcome(outcome).label)
    return mediation


@transaction.atomic
def mediation_confirm_judicially(*, mediation: Mediation, actor, confirmed_on: date | None = None) -> Mediation:
    """The court's judicial confirmation (司法确认) of a settlement reached in court-referred mediation."""
    mediation, complaint = _locked_mediation(mediation)
    _check(actor, complaint)
    if mediation.origin != MediationOrigin.COURT:
        raise WorkflowError(_("Only a mediation referred by a court is judicially confirmed."), code="not_court")
    if mediation.outcome != MediationOutcome.SETTLED:
        raise WorkflowError(_("Only a settlement is judicially confirmed; record it first."), code="not_settled")
    if mediation.judicially_confirmed_on is not None:
        raise WorkflowError(_("The judicial confirmation has already been recorded."), code="confirmed")
    confirmed_on = _past_or_today(
        complaint, actor, confirmed_on, _("The day of the confirmation cannot be in the future.")
    )
    if confirmed_on < mediation.ended_on:
        raise WorkflowError(_("The court cannot confirm the settlement before it was reached."), code="order")
    mediation.judicially_confirmed_on = confirmed_on
    mediation.save()
    _event(
        complaint,
        EventAction.JUDICIAL_CONFIRMATION,
        actor,
        mediation,
        public=True,
        data={"confirmed_on": confirmed_on.isoformat()},
        happened_on=confirmed_on,
    )
    return mediation


def mediation_steps(user, mediation: Mediation) -> list[str]:
    """The steps `user` may take on `mediation` now (the record page's buttons)."""
    if user is None:
        return []
    works = actor_refusal(user, mediation.complaint, EventAction.MEDIATION_OPENED) is None
    steps = []
    if mediation.is_open:
        if works and mediation.responded_on is None:
            steps.append("respond")
        if works and mediation.responded_on is not None:
            steps.append("propose")
        if approval_refusal(user, mediation) is None:
            steps.append("approve")
        if works:
            steps.append("outcome")
    elif (
        works
        and mediation.outcome == MediationOutcome.SETTLED
        and mediation.origin == MediationOrigin.COURT
        and mediation.judicially_confirmed_on is None
    ):
        steps.append("confirm")
    return steps


# The settlement authority table: entered by compliance, in force once a second member approved it.


def _check_perm(actor, permission: str) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def settlement_authority_enter(
    *, actor, effective_from: date, branch_limit, head_office_limit, reason: str = ""
) -> SettlementAuthority:
    """Enter a settlement authority table; it waits for a second member of compliance."""
    _check_perm(actor, ENTER_AUTHORITY_PERMISSION)
    errors = {}
    values = {}
    for name, value in (("branch_limit", branch_limit), ("head_office_limit", head_office_limit)):
        try:
            values[name] = parse_amount(value)
        except WorkflowError as error:
            errors[name] = error.messages
    if not errors and values["branch_limit"] >= values["head_office_limit"]:
        errors["head_office_limit"] = [_("The head office's limit must be above the branch's.")]
    if effective_from is None:
        errors["effective_from"] = [_("Give the day the table takes effect.")]
    elif effective_from < _today() and not (reason or "").strip():
        errors["reason"] = [_("A table in force from an earlier day records one already applied: give the reason.")]
    elif SettlementAuthority.objects.approved().filter(effective_from=effective_from).exists():
        errors["effective_from"] = [_("A table already takes effect on this day.")]
    if errors:
        raise ValidationError(errors)
    return SettlementAuthority.objects.create(
        effective_from=effective_from, reason=(reason or "").strip(), entered_by=actor, **values
    )


@transaction.atomic
def settlement_authority_decide(*, table: SettlementAuthority, actor, approve: bool) -> SettlementAuthority:
    """Approve (a second member of compliance, not who entered it) or refuse (they, or who entered it) a table."""
    table = SettlementAuthority.objects.select_for_update().get(pk=table.pk)
    if approve:
        _check_perm(actor, APPROVE_AUTHORITY_PERMISSION)
    elif actor is None or (table.entered_by_id != actor.pk and not actor.has_perm(APPROVE_AUTHORITY_PERMISSION)):
        raise PermissionDenied(_("You do not have permission to do this."))
    if table.status != SettlementAuthority.Status.PENDING:
        raise WorkflowError(_("This table has already been decided."), code="decided")
    if approve and table.entered_by_id == actor.pk:
        raise WorkflowError(_("A second member of compliance must approve the table."), code="same_person")
    if approve and SettlementAuthority.objects.approved().filter(effective_from=table.effective_from).exists():
        raise WorkflowError(_("A table already takes effect on this day."), code="same_day")
    table.status = SettlementAuthority.Status.APPROVED if approve else SettlementAuthority.Status.REFUSED
    table.approved_by = actor
    table.decided_at = timezone.now()
    table.save()
    return table


@transaction.atomic
def staff_authority_set(*, actor, user, level: str, reason: str = "") -> StaffAuthority:
    """A supervisor sets (or, with "", takes away) the settlement authority of a member of staff; each change is a
    row of its own (who, whom, which level, when, why)."""
    _check_perm(actor, SET_LEVEL_PERMISSION)
    if user is None or not user.is_active or not user.is_staff:
        raise WorkflowError(_("Choose an active member of staff."), code="user")
    if user.pk == actor.pk:
        raise WorkflowError(_("Nobody sets their own settlement authority."), code="same_person")
    if level and level not in AuthorityLevel.values:
        raise WorkflowError(_("Choose the level."), code="level")
    if level == staff_level(user):
        raise WorkflowError(_("The member of staff already holds this level."), code="unchanged")
    return StaffAuthority.objects.create(user=user, level=level, set_by=actor, reason=(reason or "").strip())


def staff_levels() -> dict[int, StaffAuthority]:
    """{user id: their latest grant} of everyone a level was ever set for."""
    latest = {}
    for grant in StaffAuthority.objects.select_related("user", "set_by").order_by("set_at", "id"):
        latest[grant.user_id] = grant
    return latest


__all__ = [
    "APPROVE_AUTHORITY_PERMISSION", "ENTER_AUTHORITY_PERMISSION", "MEDIATED_STATUSES", "SET_LEVEL_PERMISSION",
    "approval_refusal", "authority_in_force", "level_needed", "mediation_approve_settlement",
    "mediation_confirm_judicially", "mediation_open", "mediation_propose_settlement", "mediation_record_outcome",
    "mediation_refusal", "mediation_respond", "mediation_steps", "response_due_on", "response_limit_days",
    "settlement_authority_decide", "settlement_authority_enter", "staff_authority_set", "staff_level",
    "staff_levels",
]  # fmt: skip
