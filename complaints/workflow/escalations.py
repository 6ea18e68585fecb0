"""Outside escalation (越级投诉): a complaint forwarded by the regulator or transferred by the national complaint
platform (FORWARDED_SOURCES) after the same person or policy complained to the company directly.

- Candidates: complaints received directly (source self, not a review, not merged, not anonymised) of the same
  phone, ID number or policy number (complaints.identity.same_person, the one normaliser of "the same person"),
  received before the forwarded complaint and not before the same calendar day 12 months earlier (Beijing
  time): forwarded on 2026-06-15, a direct complaint of 2025-06-15 counts, one of 2025-06-14 does not.
- Suggested automatically when the forwarded complaint is registered (suggest_outside_escalations); a
  suggestion is confirmed or rejected by staff who may work the forwarded complaint (handle_complaint, and it
  is theirs or they see every complaint), each with an event on the forwarded complaint. Only confirmed links
  count in the escalation rate (complaints.compliance.reports.escalation).

Not the internal ladder of late complaints (complaints/escalation.py)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.beijing import day_start

from ..identity import id_number_key, phone_key, policy_key, same_person
from ..models import (
    FORWARDED_SOURCES,
    OUTSIDE_ESCALATION_MONTHS,
    Complaint,
    EscalationLink,
    EscalationLinkStatus,
    Source,
)
from .core import A, S, WorkflowError, _check_actor, _locked, _now, _staff_actor, record_event

# What complaints.services re-exports from this module.
__all__ = [
    "escalation_candidates",
    "escalation_confirm",
    "escalation_reject",
    "suggest_outside_escalations",
]


def months_before(day: date, months: int) -> date:
    """The same calendar day `months` months before `day` (the last day of that month when it has fewer days:
    12 months before 2028-02-29 is 2027-02-28)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def window_start(received_at) -> date:
    """The first day (Beijing time) on which an earlier direct complaint makes `received_at`'s an escalation."""
    return months_before(timezone.localdate(received_at), OUTSIDE_ESCALATION_MONTHS)


def _matched_on(earlier: Complaint, complaint: Complaint) -> list[str]:
    keys = []
    if phone_key(complaint.phone) and phone_key(earlier.phone) == phone_key(complaint.phone):
        keys.append("phone")
    if id_number_key(complaint.id_number) and id_number_key(earlier.id_number) == id_number_key(complaint.id_number):
        keys.append("id_number")
    if policy_key(complaint.policy_number) and policy_key(earlier.policy_number) == policy_key(complaint.policy_number):
        keys.append("policy_number")
    return keys


def escalation_candidates(complaint: Complaint):
    """The earlier direct complaints that make `complaint` (a forwarded one) an outside escalation, earliest
    first; none for a complaint received directly or whose personal data is gone (retention)."""
    if complaint.source not in FORWARDED_SOURCES or complaint.anonymised_at is not None:
        return Complaint.objects.none()
    match = same_person(phone=complaint.phone, id_number=complaint.id_number, policy_number=complaint.policy_number)
    if not match:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(match)
        .filter(
            source=Source.SELF,
            review_of__isnull=True,
            anonymised_at__isnull=True,
            received_at__gte=day_start(window_start(complaint.received_at)),
            received_at__lt=complaint.received_at,
        )
        .exclude(status=S.MERGED)
        .exclude(pk=complaint.pk)
        .order_by("received_at", "id")
    )


def suggest_outside_escalations(complaint: Complaint) -> list[EscalationLink]:
    """Suggest a link to each earlier direct complaint of the same person or policy within 12 months (at
    registration, and again when asked: links already suggested, confirmed or rejected are kept as they are).
    Returns the links added."""
    known = set(complaint.escalation_links.values_list("earlier_id", flat=True))
    added = [
        EscalationLink(
            complaint=complaint, earlier=earlier, matched_on=_matched_on(earlier, complaint), suggested_at=_now()
        )
        for earlier in escalation_candidates(complaint)
        if earlier.pk not in known
    ]
    return EscalationLink.objects.bulk_create(added, ignore_conflicts=True)


def _decide(link: EscalationLink, *, actor, note: str, status: str, action: str) -> EscalationLink:
    _staff_actor(actor)
    with transaction.atomic():
        link = EscalationLink.objects.select_for_update().select_related("earlier").get(pk=link.pk)
        if link.status != EscalationLinkStatus.SUGGESTED:
            raise WorkflowError(
                _("This suggestion was already confirmed or rejected (%(status)s)."),
                code="escalation_decided",
                params={"status": link.get_status_display()},
            )
        # Checked as every step on the forwarded complaint is (permission, assignment, conflict), at any status;
        # the event is the forwarded complaint's, never shown to the complainant.
        complaint = _locked(link.complaint)
        _check_actor(actor, complaint, action)
        record_event(
            complaint, action, actor=actor, note=(note or "").strip(), data={"earlier": link.earlier.tracking_number}
        )
        link.status = status
        link.decided_by = actor
        link.decided_at = _now()
        link.note = (note or "").strip()
        link.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return link


def escalation_confirm(*, link: EscalationLink, actor, note: str = "") -> EscalationLink:
    """Confirm that the forwarded complaint escalates the earlier direct one (it counts in the escalation rate)."""
    return _decide(
        link, actor=actor, note=note, status=EscalationLinkStatus.CONFIRMED, action=A.CONFIRM_OUTSIDE_ESCALATION
    )


def escalation_reject(*, link: EscalationLink, actor, note: str = "") -> EscalationLink:
    """Reject a suggestion (another person on a shared phone, an unrelated matter); a reason is required."""
    if not (note or "").strip():
        raise WorkflowError(_("Say why this is not an outside escalation."), code="required")
    return _decide(
        link, actor=actor, note=note, status=EscalationLinkStatus.REJECTED, action=A.REJECT_OUTSIDE_ESCALATION
    )
