"""What the public pages say about a review (Art. 26): the review request page promises the one review limit
(services.review_limit_days, with the date it gives when asked today) and the status page of the decided complaint
names the review under way and the date it is decided by, the date its acknowledgement gave."""

from django.utils import timezone

from . import services
from .models import Complaint
from .review import remedies_offered


def review_facts(complaint: Complaint) -> dict:
    """The review part of the status page and of the review request page of `complaint`."""
    return {
        "review_limit_days": services.review_limit_days(),
        "review_due_if_asked_today": services.review_due_on(timezone.localdate()),
        "review_under_way": services.review_under_way(complaint),
        "remedies_offered": remedies_offered(complaint),
    }
