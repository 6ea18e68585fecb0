"""The complainant's review of a decision (Art. 26): opening it, once review_eligibility (review_rules) allows it."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import (
    Channel,
    Complaint,
)
from ..review import review_unit
from .core import (
    A,
    _locked,
    _now,
    _require,
)
from .intake import _create
from .review_rules import review_eligibility
from .transitions import _transition

# What complaints.services re-exports from this module.
__all__ = [
    "complaint_request_review",
]

# What a review complaint takes over from the complaint under review (the complainant need not repeat it).
_REVIEW_COPIED_FIELDS = (
    "name", "phone", "email", "id_type", "id_number", "capacity", "principal_name", "power_of_attorney",
    "language", "category", "business_channel", "province", "policy_number", "source", "named_employee",
)  # fmt: skip


@transaction.atomic
def complaint_request_review(*, complaint: Complaint, reason: str, actor=None) -> Complaint:
    """A complainant who disagrees asks the superior unit for a review within 30 days of receiving the decision
    (Art. 26). Opens a linked review complaint at that unit (review_unit) with its own clock — the company's
    review limit (review_limit_days) — and returns it. Whoever decided the original, or is
    named in it, takes no step on the review."""
    reason = _require(reason, _("Say why you disagree with the decision."))
    current = _locked(complaint)
    refusal = review_eligibility(current).refusal
    if refusal is not None:
        raise refusal
    _transition(complaint, A.REQUEST_REVIEW, actor=actor, note=reason)
    unit = review_unit(current)
    review = _create(
        actor=actor,
        action=A.SUBMIT if actor is None else A.REGISTER,
        received_at=_now(),
        note=str(_("Review of %(number)s") % {"number": current.tracking_number}),
        fields={field: getattr(current, field) for field in _REVIEW_COPIED_FIELDS}
        | {
            "description": reason,
            "channel": Channel.WEB if actor is None else current.channel,
            "review_of": current,
            "branch": unit,
        },
    )
    return review
