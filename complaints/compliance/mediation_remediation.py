"""A mediation's end that feeds root cause and remediation (溯源整改): the outcome recorded by its workflow service
and, when the mediator's recommendations call for a fix, a remediation item that follows them up, in one
transaction (either both are recorded or neither)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Mediation
from .remediation import remediation_add


@transaction.atomic
def mediation_end(
    *, mediation: Mediation, actor, remediation_owner=None, remediation_due: date | None = None, **outcome
) -> Mediation:
    """End `mediation` (services.mediation_record_outcome's `outcome`, `ended_on`, `settled_amount`,
    `recommendations`); with an owner, add a remediation item whose action is the recommendations."""
    if (remediation_owner or remediation_due) and not (outcome.get("recommendations") or "").strip():
        raise services.WorkflowError(
            _("Write the mediator's recommendations that the remediation item follows up."), code="recommendations"
        )
    mediation = services.mediation_record_outcome(mediation=mediation, actor=actor, **outcome)
    if remediation_owner is not None:
        remediation_add(
            complaint=mediation.complaint,
            actor=actor,
            action=mediation.recommendations,
            owner=remediation_owner,
            due_date=remediation_due,
        )
    return mediation
