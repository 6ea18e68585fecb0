"""What happens next to a complaint, by when: the last entry of the status page's timeline.

One pure function of the complaint's status and dates, so that the status page never shows only the past.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from .models import OPEN_STATUSES, Status
from .workflow.timing import decision_date

# Said instead of a date once the limit has passed (the acknowledgement and every message say the same).
PAST_LIMIT_NOTE = _(
    "The time limit has passed: we handle your complaint with priority and will tell you our decision as soon "
    "as possible."
)


@dataclass(frozen=True)
class NextStep:
    what: str
    by: date | None = None
    note: str = ""


def next_step(complaint, *, review_until: date | None, can_review: bool, review=None) -> NextStep | None:
    """The step the complainant waits for (or may take), with its date; None once handling has ended. The date
    of the decision is the one the messages state (complaints.workflow.timing.decision_date): none once the
    limit has passed, with the priority note instead. `review` is the review of the decision under way
    (services.review_under_way): while it is open, its decision is next."""
    if complaint.status in OPEN_STATUSES:
        what = (
            _("We accept your complaint, check the facts and decide")
            if complaint.status == Status.RECEIVED
            else _("Our decision, in writing")
        )
        by = decision_date(complaint)
        if by is None:
            return NextStep(what, None, PAST_LIMIT_NOTE)
        return NextStep(what, by, _("If we need more time we tell you why and the new date."))
    if complaint.status == Status.PAUSED:
        return NextStep(
            _("The outside appraisal ends; then we tell you the new date of our decision"),
            None,
            _("The time the appraisal takes is not counted."),
        )
    if review is not None and review.status in OPEN_STATUSES:
        return NextStep(
            _("The superior unit decides on your review %(number)s") % {"number": review.tracking_number},
            review.due_date,
            _("We tell you its decision."),
        )
    if complaint.status == Status.DECIDED and can_review:
        return NextStep(
            _("If you disagree, you may ask for a review"),
            review_until,
            _("Otherwise the complaint is closed."),
        )
    return None
