"""Resolved at first contact (首次接触即解决): a complaint a member of staff settles on the spot — at the counter, on
the telephone — with the complainant agreeing there and then. One step records it whole: it is registered (so it
counts as a complaint, received today), accepted and decided (with its redress, like every decision), on time
naturally, and marked `resolved_at_first_contact`; one short SMS confirms it instead of the receipt, acceptance
and decision messages. Anything that cannot be settled the same day goes the ordinary way.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import notifications
from ..models import Complaint, Remedy
from .core import DEFAULT_PERMISSION, A, WorkflowError, _locked, _require, record_event
from .intake import REGISTER_PERMISSION, complaint_register
from .redress import check_reliefs
from .steps import complaint_accept, complaint_decide

# What complaints.services re-exports from this module.
__all__ = [
    "complaint_resolve_at_first_contact",
]

# What a first-contact resolution may not be: it is the company's own complaint, settled with the person present.
NOT_AT_FIRST_CONTACT_SOURCES = frozenset({"regulator", "platform"})


def _check_resolver(actor) -> None:
    """Registering and deciding in one step needs both rights: to register complaints and to handle them."""
    if actor is None or not actor.is_active:
        raise PermissionDenied(_("You do not have permission to do this."))
    if not (actor.has_perm(REGISTER_PERMISSION) and actor.has_perm(DEFAULT_PERMISSION)):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def complaint_resolve_at_first_contact(
    *,
    actor,
    received_at: datetime,
    complainant_agreed: bool,
    decision: str,
    outcome: str,
    reliefs: list[str],
    remedies: list[str] | None = None,
    note: str = "",
    **registration,
) -> Complaint:
    """Register a complaint and record its decision in one step, the same day it was received, the complainant
    having agreed to the resolution. `registration` takes complaint_register's fields (channel, name, phone,
    description, category, branch …). Refused, with nothing stored, when the complainant did not agree, when it
    was received on another day, when it came through the regulator or the platform, or when the decision or its
    redress is missing or does not fit. The complainant gets one SMS confirming the resolution."""
    _check_resolver(actor)
    if not complainant_agreed:
        raise WorkflowError(
            _("A complaint is resolved at first contact only when the complainant agrees to the resolution."),
            code="not_agreed",
        )
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if timezone.localdate(received_at) != timezone.localdate():
        raise WorkflowError(
            _(
                "A complaint is resolved at first contact on the day it is received. Register one received on "
                "another day the ordinary way."
            ),
            code="not_same_day",
        )
    if received_at > timezone.now():
        raise WorkflowError(_("The date cannot be in the future."), code="date_future")
    if registration.get("source") in NOT_AT_FIRST_CONTACT_SOURCES:
        raise WorkflowError(
            _("A complaint forwarded by the regulator or the platform is not resolved at first contact."),
            code="forwarded",
        )
    decision = _require(decision, _("Write the decision as it will be told to the complainant."))
    check_reliefs(outcome, reliefs)
    # The remedies the decision names (Art. 21): the same list a decision letter gives, unless staff chose.
    remedies = list(remedies or [Remedy.REVIEW, Remedy.MEDIATION, Remedy.ARBITRATION, Remedy.LITIGATION])
    with notifications.muted():
        complaint = complaint_register(actor=actor, received_at=received_at, note=note, **registration)
        complaint = complaint_accept(complaint=complaint, actor=actor)
        complaint = complaint_decide(
            complaint=complaint,
            actor=actor,
            decision=decision,
            outcome=outcome,
            remedies=remedies,
            reliefs=reliefs,
        )
    complaint = _locked(complaint)
    complaint.resolved_at_first_contact = True
    complaint.save(update_fields=["resolved_at_first_contact", "updated_at"])
    record_event(complaint, A.FIRST_CONTACT, actor=actor, public=True, data={"agreed": True, "reliefs": reliefs})
    notifications.notify(complaint, notifications.FIRST_CONTACT)
    return complaint
