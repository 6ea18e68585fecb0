"""Performance figures (考评) per branch and per handler for a period, for the dashboard and the workbook.

The rules:
- A complaint counts for the period of its receipt (as in the report) and for its branch and its handler.
- Handled, closed, on time, the on-time rate, the median days to close and the overdue count are the
  report's own figures (reports.counts_by: the same on-time rule and the same closing day), grouped.
- Reviews requested: complaints of the group that a complainant asked to have reviewed (a review complaint
  points at them). Overturned: those whose review was upheld in whole or in part (the superior unit changed
  the decision).
- Satisfaction (回访): the answers of the group's complainants (by the link or on a call) and their average
  score, 1 to 5; none where nobody answered.
- Complaints per 10,000 policies only where the volume is known: the company-wide row, when compliance
  entered the period's business volume (branches' volumes are not kept).
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Branch

from ..models import Complaint, Outcome
from .models import ReportingVolume
from .reports import Period, _ratio, counts_by, received_in, satisfaction

OVERTURNED = (Outcome.UPHELD, Outcome.PARTLY_UPHELD)


def _reviews(queryset, by: str) -> dict:
    """{key: (requested, overturned)} for the complaints of `queryset`, grouped by `by` (one query)."""
    reviews = Complaint.objects.filter(review_of__in=queryset.values("pk")).order_by()
    rows = (
        reviews.values(f"review_of__{by}")
        .annotate(requested=Count("review_of", distinct=True))
        .annotate(overturned=Count("review_of", distinct=True, filter=Q(outcome__in=OVERTURNED)))
        .values_list(f"review_of__{by}", "requested", "overturned")
    )
    return {key: (requested, overturned) for key, requested, overturned in rows}


def _row(label: str, figures: dict, reviews: tuple[int, int], answers=(0, None)) -> dict:
    median = figures["median"]
    return {
        "label": label,
        "handled": figures["total"],
        "closed": figures["closed"],
        "on_time": figures["closed_on_time"],
        "on_time_rate": _ratio(figures["closed_on_time"], figures["closed"]),
        "median_days": round(float(median), 1) if median is not None else None,
        "overdue": figures["overdue"],
        "reviews_requested": reviews[0],
        "reviews_overturned": reviews[1],
        "satisfaction_responses": answers[0],
        "satisfaction_average": answers[1],
        "per_10k_policies": None,
    }


def performance(*, period: Period, today: date | None = None, branch=None) -> dict:
    """{"branches": [...], "handlers": [...], "company": {...}}: one row per branch and per handler with
    complaints in the period, largest first; "—" for those without a branch or a handler."""
    today = today or timezone.localdate()
    queryset = received_in(period, branch)
    result = {}
    for name, by, model in (("branches", "branch_id", Branch), ("handlers", "handler_id", get_user_model())):
        per_key = counts_by(queryset, today, by)
        reviews = _reviews(queryset, by.removesuffix("_id"))
        answers = satisfaction(queryset, by)
        labels = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=[key for key in per_key if key])}
        rows = [
            _row(labels.get(key, "—") if key else "—", figures, reviews.get(key, (0, 0)), answers.get(key, (0, None)))
            for key, figures in per_key.items()
        ]
        result[name] = sorted(rows, key=lambda row: (-row["handled"], row["label"]))
    company = counts_by(queryset, today)[None]
    reviews = _reviews(queryset, "source")
    row = _row(
        str(_("Whole company")),
        company,
        (sum(r for r, _o in reviews.values()), sum(o for _r, o in reviews.values())),
        satisfaction(queryset)[None],
    )
    volume = ReportingVolume.objects.filter(year=period.year, quarter=period.quarter or 0).first()
    if volume is not None and branch is None:
        row["per_10k_policies"] = _ratio(company["total"] * 10_000, volume.policies)
    result["company"] = row
    return result
