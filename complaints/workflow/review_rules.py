"""The rules of a review (Art. 26) that the rest of the workflow reads: the one review limit and the date it gives,
the review under way, and whether one may be asked now (review_eligibility, which why_not_now and the status page
ask). Opening a review is complaints.workflow.review."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..deadlines import compute_deadline
from ..models import Complaint, RuleVersion
from ..review import review_window_ends
from .core import (
    ACTION_LABELS,
    TRANSITIONS,
    A,
    S,
    WorkflowError,
    _today,
)

# What complaints.services re-exports from this module.
__all__ = [
    "review_due_on",
    "review_eligibility",
    "review_limit_days",
    "review_under_way",
]

_UNSET = object()


def review_limit_days(on: date | None = None, *, version=_UNSET) -> int:
    """The one review limit: the days the superior unit has to decide a review, counted from the request and not
    extended — the review limit of the complaint rules' version in force on `on` (today by default; or of
    `version`, a version already found), settings.PORTAL_REVIEW_LIMIT_DAYS when the version leaves it empty or
    none is in force. The review's due date (its clock), the review request page, the acknowledgement (SMS and
    email) and the status page all read it."""
    if version is _UNSET:
        version = RuleVersion.objects.in_force(on or _today())
    return version.review_limit if version is not None else int(settings.PORTAL_REVIEW_LIMIT_DAYS)


def review_due_on(requested_on: date, *, limit_days: int | None = None) -> date:
    """The day by which a review requested on `requested_on` is decided: the review's own due date, computed by
    the same clock as its record (complaints.deadlines.compute_deadline with the review limit). `limit_days`:
    the review limit in force on that day, when the caller has already read it."""
    limit = review_limit_days(requested_on) if limit_days is None else limit_days
    return compute_deadline(requested_on, [], base_days=limit).due


# A review that was withdrawn or rejected no longer counts.
_REVIEW_ENDED = (S.WITHDRAWN, S.REJECTED)


def review_under_way(complaint: Complaint, reviews: list[Complaint] | None = None) -> Complaint | None:
    """The review of `complaint`'s decision that counts (the latest one neither withdrawn nor rejected), or None.
    `reviews`: all of its reviews when the caller has already read them (a complaint has one or two at most)."""
    if reviews is None:
        reviews = complaint.reviews.all()
    latest_first = sorted(reviews, key=lambda review: (review.received_at, review.pk), reverse=True)
    return next((review for review in latest_first if review.status not in _REVIEW_ENDED), None)


@dataclass(frozen=True)
class ReviewEligibility:
    """Whether the complainant may ask for a review now, until when, and if not, why (a WorkflowError)."""

    until: date | None
    refusal: WorkflowError | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def review_eligibility(complaint: Complaint, today: date | None = None) -> ReviewEligibility:
    """The one rule for asking a review (Art. 26): the decision is made (decided or closed), it is not itself the
    decision on a review (one review: remedies_offered), the complainant received it no more than 30 days ago
    (review_window_ends), and no review of it is already under way (a withdrawn or rejected one does not count).
    The status page asks this before offering the button, the staff record before offering the action
    (why_not_now); complaint_request_review enforces it."""
    today = today or _today()
    until = review_window_ends(complaint)
    refusal = None
    if complaint.status not in TRANSITIONS[A.REQUEST_REVIEW][0]:
        refusal = WorkflowError(
            _("“%(action)s” is not possible while the complaint is “%(status)s”."),
            code="illegal_transition",
            params={"action": ACTION_LABELS[A.REQUEST_REVIEW], "status": complaint.get_status_display()},
        )
    elif complaint.review_of_id:
        refusal = WorkflowError(
            _(
                "The decision on a review is the company's last word: you may still turn to mediation, "
                "arbitration, the courts or the regulator."
            ),
            code="review_final",
        )
    elif until is not None and today > until:
        refusal = WorkflowError(
            _("A review must be requested within 30 days of receiving the decision."), code="review_too_late"
        )
    elif review_under_way(complaint) is not None:
        refusal = WorkflowError(_("A review of this decision has already been requested."), code="review_exists")
    return ReviewEligibility(until=until, refusal=refusal)
