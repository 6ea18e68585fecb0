"""Where and until when a decision may be reviewed (Art. 26): read by the workflow, the status page and letters."""

from datetime import date

from django.utils import timezone

from portal.models import Branch

from .deadlines import review_deadline
from .models import Complaint, Remedy


def review_unit(complaint: Complaint) -> Branch | None:
    """The superior unit that reviews a decision of `complaint`'s branch: the branch's parent (the head office
    reviews its own decisions, having none above it); the head office for a complaint of no branch."""
    if complaint.branch_id:
        return complaint.branch.superior()
    return Branch.objects.head_office()


def review_window_ends(complaint: Complaint) -> date | None:
    """The last day to ask for a review: 30 days after the complainant received the decision."""
    if complaint.decision_delivered_on:
        return review_deadline(complaint.decision_delivered_on)
    if complaint.decided_at:
        return review_deadline(timezone.localdate(complaint.decided_at))
    return None


def remedies_offered(complaint: Complaint, codes=None) -> list[str]:
    """The further remedies a decision of `complaint` offers (its `remedies`, or `codes`): a review's decision is
    not reviewed again (Art. 26 provides one review by the superior unit), so it offers no review."""
    codes = complaint.remedies if codes is None else codes
    return [code for code in codes if not (code == Remedy.REVIEW and complaint.review_of_id)]
