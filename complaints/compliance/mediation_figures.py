"""Mediation figures (调解) for the complaint report, the workbook's sheet per branch and the rating.

The rules:
- A mediation counts in the period in which it was requested (Beijing days), for its complaint's branch and
  source, whenever the complaint itself was received: mediation comes after the company's own handling.
- `requested`: mediations requested in the period; `responded_on_time`: those the company answered by their
  response limit; `settled`: those that ended settled; `settled_amount`: the money agreed in them, a decimal
  string in yuan ("0.00" when none).
"""

from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from portal.models import Branch

from ..models import Mediation, MediationOutcome

MEDIATION_HEADINGS = ["分支机构", "调解申请", "按时响应", "调解成功", "调解金额（元）"]


def _requested_in(period, branch=None, source: str | None = None):
    mediations = Mediation.objects.filter(requested_on__gte=period.start, requested_on__lt=period.end)
    if branch is not None:
        mediations = mediations.filter(complaint__branch=branch)
    if source is not None:
        mediations = mediations.filter(complaint__source=source)
    return mediations.order_by()


_FIGURES = {
    "requested": Count("pk"),
    "responded_on_time": Count("pk", filter=Q(responded_on__lte=F("response_due"))),
    "settled": Count("pk", filter=Q(outcome=MediationOutcome.SETTLED)),
    "amount": Sum("settled_amount", filter=Q(outcome=MediationOutcome.SETTLED)),
}


def _shaped(row: dict) -> dict:
    return {
        "requested": row["requested"],
        "responded_on_time": row["responded_on_time"],
        "settled": row["settled"],
        "settled_amount": f"{row['amount'] or Decimal('0'):.2f}",
    }


def mediation_report(period, branch=None, source: str | None = None) -> dict:
    """The report's `mediation` figures for the period (one query)."""
    return _shaped(_requested_in(period, branch, source).aggregate(**_FIGURES))


def mediation_by_branch(period, branch=None) -> list[dict]:
    """One row per branch with mediations requested in the period (its label and the four figures), largest first;
    "—" for complaints without a branch."""
    rows = _requested_in(period, branch).values("complaint__branch").annotate(**_FIGURES)
    labels = {b.pk: str(b) for b in Branch.objects.filter(pk__in=[row["complaint__branch"] for row in rows])}
    shaped = [{"label": labels.get(row["complaint__branch"], "—"), **_shaped(row)} for row in rows]
    return sorted(shaped, key=lambda row: (-row["requested"], row["label"]))


def mediation_rows(rows: list[dict]) -> list[list]:
    """The workbook's sheet of `mediation_by_branch`'s rows: one line per branch and the total."""
    lines = [MEDIATION_HEADINGS]
    for row in rows:
        lines.append(
            [row["label"], row["requested"], row["responded_on_time"], row["settled"], Decimal(row["settled_amount"])]
        )
    keys = ("requested", "responded_on_time", "settled")
    total = [sum(row[key] for row in rows) for key in keys]
    lines.append(["合计", *total, sum((Decimal(row["settled_amount"]) for row in rows), Decimal("0"))])
    return lines
