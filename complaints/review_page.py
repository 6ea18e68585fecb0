"""What the public pages say about a review (Art. 26): the review request page promises the one review limit
(services.review_limit_days, with the date it gives when asked today); the status page of a decided complaint offers
a review while review_eligibility allows one, then names the review under way and the date it is decided by (the
date its acknowledgement gave), which is also the complaint's next step; a review's decision offers no review."""

from django.utils import timezone

from . import services
from .models import Complaint
from .next_step import next_step
from .review import remedies_offered


def review_facts(complaint: Complaint) -> dict:
    """The review part of the status page and of the review request page of `complaint`, and its next step."""
    eligibility = services.review_eligibility(complaint)
    can_review = eligibility.allowed and eligibility.until is not None
    # One read of the reviews (most complaints have none) and of the rules in force: the page needs each once.
    reviews = list(complaint.reviews.all())
    under_way = services.review_under_way(complaint, reviews)
    limit_days = services.review_limit_days()
    return {
        "next_step": next_step(complaint, review_until=eligibility.until, can_review=can_review, review=under_way),
        "reviews": reviews,
        "review_until": eligibility.until,
        "can_review": can_review,
        "review_limit_days": limit_days,
        "review_due_if_asked_today": services.review_due_on(timezone.localdate(), limit_days=limit_days),
        "review_under_way": under_way,
        "remedies_offered": remedies_offered(complaint),
    }
