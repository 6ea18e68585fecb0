"""Who sold the policy a complaint is about: the sales agent and the partner (intermediary, bank outlet) it names,
from the lists compliance keeps (complaints/models/sellers.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Complaint, ComplaintEvent, EventAction
from .core import record_event

# What complaints.services re-exports from this module.
__all__ = [
    "complaint_name_seller",
]

NAME_PERMISSION = "complaints.change_complaint"


def _code(value) -> str:
    return value.code if value is not None else ""


@transaction.atomic
def complaint_name_seller(*, complaint: Complaint, actor, sales_agent=None, partner=None) -> Complaint:
    """Set or change the agent and the partner a complaint names (None clears one): staff who may change
    complaints and see this one (or registered it). An inactive agent or partner cannot be newly named; the
    event keeps both codes, before and after."""
    if actor is None or not actor.is_active or not actor.has_perm(NAME_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    registered = ComplaintEvent.objects.filter(complaint=complaint, action=EventAction.REGISTER, actor=actor)
    if not Complaint.objects.visible_to(actor).filter(pk=complaint.pk).exists() and not registered.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    errors = {}
    if sales_agent is not None and not sales_agent.is_active and sales_agent.pk != complaint.sales_agent_id:
        errors["sales_agent"] = [_("This agent is no longer active.")]
    if partner is not None and not partner.is_active and partner.pk != complaint.partner_id:
        errors["partner"] = [_("This partner is no longer active.")]
    if errors:
        raise ValidationError(errors)
    changes = {}
    if (sales_agent.pk if sales_agent else None) != complaint.sales_agent_id:
        changes["sales_agent"] = [_code(complaint.sales_agent), _code(sales_agent)]
        complaint.sales_agent = sales_agent
    if (partner.pk if partner else None) != complaint.partner_id:
        changes["partner"] = [_code(complaint.partner), _code(partner)]
        complaint.partner = partner
    if not changes:
        return complaint
    complaint.save(update_fields=["sales_agent", "partner", "updated_at"])
    record_event(complaint, EventAction.RECLASSIFY, actor=actor, data={"changes": changes})
    return complaint
