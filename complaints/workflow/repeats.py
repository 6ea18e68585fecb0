"""Repeats of the same complaint: finding possible repeats and merging one into the original."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.actors import system_actor

from .. import notifications
from ..identity import same_person
from ..models import (
    ACTIVE_STATUSES,
    Complaint,
)
from .core import (
    A,
    S,
    WorkflowError,
    _aware,
    _locked,
    _today,
    acts_unchecked,
    is_conflicted,
    record_event,
)
from .timing import _lapse_requests, _mark_late
from .transitions import (
    REVIEW_NOT_MERGED,
    _transition,
    can_act,
)

# What complaints.services re-exports from this module.
__all__ = [
    "can_merge_into",
    "complaint_merge",
    "possible_repeats",
]


def _check_merge_target(actor, original: Complaint) -> None:
    """Merging writes on the original too: the actor must be allowed to act on it as on the repeat."""
    if acts_unchecked(actor):
        return
    if is_conflicted(actor, original):
        raise PermissionDenied(
            _("You are named in complaint %(number)s, or decided the decision under review: you cannot merge into it.")
            % {"number": original.tracking_number}
        )
    if not (actor.has_perm("complaints.view_all_complaints") or original.handler_id == actor.pk):
        # The number is the one the user typed; its handler is not told (a complaint they may not open).
        raise WorkflowError(
            _("Complaint %(number)s is not assigned to you: ask a supervisor to merge into it."),
            code="merge_not_yours",
            params={"number": original.tracking_number},
        )


def can_merge_into(user, complaint: Complaint, original: Complaint, *, merge_allowed: bool | None = None) -> bool:
    """Whether `user` may merge `complaint` into `original` now: the merge is legal on the repeat for them
    (`merge_allowed`, when the caller has asked can_act already), the original is open, received before it and
    theirs to act on (the one-click merge of a possible repeat)."""
    if merge_allowed is None:
        merge_allowed = can_act(user, complaint, A.MERGE)
    if original.pk == complaint.pk or not merge_allowed:
        return False
    if original.status not in ACTIVE_STATUSES or original.merged_into_id:
        return False
    if original.received_at > complaint.received_at:
        return False
    try:
        _check_merge_target(user, original)
    except (PermissionDenied, ValidationError):
        return False
    return True


# Complaints from the same phone or about the same policy received this close to each other may be repeats.
REPEAT_WINDOW = timedelta(days=90)


def possible_repeats(complaint: Complaint | None = None, *, phone: str = "", policy_number: str = "", received_at=None):
    """Complaints that may be the same as `complaint` (or as one being registered with `phone`, in E.164, and
    `policy_number`, received at `received_at`): the same phone or the same policy number (any case), received
    within 90 days before or after, neither itself nor merged nor anonymised, nor one case with it (same_case: a
    review and its original are not each other's repeats). Each condition is answered from an index
    (phone and received_at; UPPER(policy_number) and received_at)."""
    if complaint is not None:
        if complaint.anonymised_at is not None:
            return Complaint.objects.none()  # its phone and policy are gone (retention)
        phone, policy_number, received_at = complaint.phone, complaint.policy_number, complaint.received_at
    match = same_person(phone=phone, policy_number=policy_number)
    if not match:
        return Complaint.objects.none()
    received_at = _aware(received_at or timezone.now())
    repeats = (
        Complaint.objects.filter(match)
        .filter(received_at__gte=received_at - REPEAT_WINDOW, received_at__lte=received_at + REPEAT_WINDOW)
        .exclude(status=S.MERGED)
        .filter(anonymised_at__isnull=True)
        .select_related("handler", "review_of")
        .order_by("received_at", "id")
    )
    if complaint is not None:
        repeats = repeats.exclude(pk=complaint.pk).exclude(same_case(complaint))
    return repeats


def same_case(complaint: Complaint) -> Q:
    """The complaints that are one case with `complaint`, never its repeats: its reviews, and for a review its
    original and the other reviews of the same decision."""
    case = Q(review_of_id=complaint.pk)
    if complaint.review_of_id:
        case |= Q(pk=complaint.review_of_id) | Q(review_of_id=complaint.review_of_id)
    return case


@transaction.atomic
def complaint_merge(*, complaint: Complaint, into: Complaint, actor, note: str = "") -> Complaint:
    """Merge a repeat of the same complaint, made within the original's limit, into the original (Art. 20).
    The repeat ends (late if its own limit had passed); the original, received first, keeps its own clock and
    takes the repeat's lateness: a late repeat makes the original late from the same day (_inherit_lateness), so
    a merge never takes a late case off the escalation ladder. The complainant gets one message for the repeat
    (notifications.merged), and the original sends no second acknowledgement."""
    if into.pk == complaint.pk:
        raise WorkflowError(_("A complaint cannot be merged into itself."), code="merge_self")
    if complaint.review_of_id == into.pk or into.review_of_id == complaint.pk:
        raise WorkflowError(
            _("A review and the complaint whose decision it reviews are one case, not repeats: they are not merged."),
            code="merge_review",
        )
    if complaint.review_of_id:
        raise WorkflowError(REVIEW_NOT_MERGED, code="merge_review")
    original = _locked(into)
    _check_merge_target(actor, original)
    if original.status not in ACTIVE_STATUSES or original.merged_into_id:
        raise WorkflowError(_("The original complaint must still be open."), code="merge_target")
    if original.received_at > complaint.received_at:
        raise WorkflowError(
            _("A complaint is merged into the one received before it, not into a later one."), code="merge_later"
        )
    complaint = _transition(
        complaint,
        A.MERGE,
        actor=actor,
        note=note,
        data={"into": original.tracking_number},
        fields={"merged_into": original, "ended_on": _today()},
    )
    record_event(original, A.MERGED_IN, actor=actor, note=note, data={"repeat": complaint.tracking_number})
    _inherit_lateness(original, complaint)
    # One message for the call: the repeat's own messages still in the outbox are held, and the merge notice
    # names the original only unless the complainant was already told the repeat's number.
    notifications.merged(complaint)
    return complaint


def _inherit_lateness(original: Complaint, repeat: Complaint) -> None:
    """The surviving complaint keeps the lateness of the one merged into it: when the repeat became late before
    the original did (or the original is not late), the original is late from the repeat's day, with an event
    naming the repeat, and its waiting extension request lapses (a late complaint is no longer extended)."""
    if _mark_late(original):
        original.save(update_fields=["late_since"])
    if repeat.late_since is None or (original.late_since is not None and original.late_since <= repeat.late_since):
        return
    original.late_since = repeat.late_since
    data = {"due": (repeat.late_since - timedelta(days=1)).isoformat(), "repeat": repeat.tracking_number}
    lapsed = _lapse_requests(original)
    if lapsed:
        data["lapsed_requests"] = lapsed
    record_event(original, A.LATE, actor=system_actor(), happened_on=repeat.late_since, data=data)
    original.save(update_fields=["late_since"])
