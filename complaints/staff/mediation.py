"""What a complaint's record page shows of its mediations: each with its dates, settlement and outcome, and the
steps this user may take on it; whether a new mediation may be opened."""

from .. import services
from ..models import EventAction
from .mediation_forms import MEDIATION_STEPS


def mediation_context(request, complaint) -> dict:
    mediations = list(complaint.mediations.select_related("proposed_by", "approved_by"))
    for mediation in mediations:
        mediation.complaint = complaint
    may_open = (
        services.actor_refusal(request.user, complaint, EventAction.MEDIATION_OPENED) is None
        and services.mediation_refusal(complaint) is None
    )
    return {
        "mediations": [
            (
                mediation,
                [(step, MEDIATION_STEPS[step][1]) for step in services.mediation_steps(request.user, mediation)],
            )
            for mediation in mediations
        ],
        "can_open_mediation": may_open,
    }
