"""The weights of the rating's seven elements: entered by one member of compliance, in force once a second
approved them; never below an element's floor (体制机制 10, 适当性管理 10, 营销行为管理 25, 纠纷化解 25, 金融教育 10,
消费者服务 5, 个人信息保护 5), summing to 100. Before any approval, the defaults (10/10/30/30/10/5/5)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import RATING_ELEMENTS, RatingWeights

ENTER_PERMISSION = "complaints.add_ratingweights"
APPROVE_PERMISSION = "complaints.approve_ratingweights"
KEYS = tuple(key for key, _floor, _default in RATING_ELEMENTS)
FLOORS = {key: floor for key, floor, _default in RATING_ELEMENTS}
DEFAULTS = {key: default for key, _floor, default in RATING_ELEMENTS}


def current_weights() -> dict[str, int]:
    """The weights in force: the latest approved, or the defaults."""
    row = RatingWeights.objects.filter(status=RatingWeights.Status.APPROVED).order_by("-decided_at", "-id").first()
    return row.as_dict() if row is not None else dict(DEFAULTS)


def validate_weights(values: dict) -> dict[str, int]:
    """The seven weights as whole numbers, each at least its floor, summing to 100; a ValidationError naming
    every problem (per element, and the sum) otherwise."""
    errors = {}
    weights = {}
    for key in KEYS:
        try:
            weights[key] = int(values.get(key))
        except (TypeError, ValueError):
            errors[key] = [_("Enter a whole number.")]
            continue
        if weights[key] < FLOORS[key]:
            errors[key] = [_("At least %(floor)d: the rating's floor for this element.") % {"floor": FLOORS[key]}]
    if not errors and sum(weights.values()) != 100:
        errors["__all__"] = [
            _("The weights must sum to 100 (they sum to %(total)d).") % {"total": sum(weights.values())}
        ]
    if errors:
        raise ValidationError(errors)
    return weights


@transaction.atomic
def weights_enter(*, actor, values: dict, note: str = "") -> RatingWeights:
    if actor is None or not actor.has_perm(ENTER_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    weights = validate_weights(values)
    return RatingWeights.objects.create(**weights, note=note.strip()[:300], entered_by=actor)


@transaction.atomic
def weights_decide(*, row: RatingWeights, actor, approve: bool) -> RatingWeights:
    """Approve (or refuse) weights waiting for their second approver: someone other than who entered them."""
    if actor is None or not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    row = RatingWeights.objects.select_for_update().get(pk=row.pk)
    if row.status != RatingWeights.Status.PENDING:
        raise ValidationError(_("These weights have already been decided."))
    if approve and row.entered_by_id == actor.pk:
        raise ValidationError(_("A second member of compliance must approve the weights."))
    row.status = RatingWeights.Status.APPROVED if approve else RatingWeights.Status.REFUSED
    row.approved_by = actor
    row.decided_at = timezone.now()
    row.save()
    return row
