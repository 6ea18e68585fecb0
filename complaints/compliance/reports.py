"""Complaint statistics for a period: the figures of the annual disclosure and the regulator's metrics.

The rules:
- A complaint belongs to the period in which it was received, in Beijing time (a complaint received
  2024-01-01 00:30 Beijing time counts in 2024, though it is still 2023 in UTC).
- Every complaint received counts in `total`; it is `open` while its clock runs or is paused (the complaints
  app's ACTIVE_STATUSES) and `closed` otherwise, so `open + closed == total`.
- A closed complaint was closed on the day of its decision (办结: decided and told), or, when it ended without
  one (withdrawn, merged, rejected), on the day it ended. It was closed on time when that day is not after the
  due date the complaints app computed (15 days, extensions granted in time, pauses; the regulator's date when
  that is earlier) and it was never late: a complaint whose limit passed without a decision stays late whatever
  was recorded afterwards (`Complaint.objects.with_timeliness`, the one rule of reports and exports).
  `overdue` is the complaints app's own `Complaint.objects.overdue(today)`.
- Regulator-forwarded complaints have their own figures: closed, closed on time (against the earlier of the
  regulator's date and the regulation's), and reported back to the regulator, on time when by its date.
  Cases transferred by the national complaint platform have the same figures (`platform_forwarded`) against the
  platform's reply date; `by_source` counts self, regulator and platform apart.
- Satisfaction (回访, `satisfaction`): the answers about the period's complaints (by the link the complainant was
  sent or on a staff call) and their average score from 1 to 5 (null without answers).
- Redress (`redress`): the period's decisions by what they gave the complainant (money, an action, an explanation
  only) and the total paid under them so far (payments are recorded after the decision).
- Outside escalation (`escalation_rate`, 越级投诉率): of the period's complaints forwarded by the regulator or
  the platform, the fraction with a confirmed link to an earlier direct complaint of the same person or policy
  (complaints.workflow.escalations); null without forwarded complaints.
- Mediation (`mediation`): the mediations requested in the period, answered within the response limit, settled,
  and the amount settled (compliance/mediation_figures.py; a mediation counts when it was requested).
- Days to close are calendar days from the day of receipt to the day of closing (Beijing time).
- The ratios per ¥100m premium, per 10,000 policies and per 10,000 insured use the business volume compliance
  entered for exactly that period (ReportingVolume); without one, or for a single branch, they are null.

Aggregates run in the database, each in one pass over the period: one grouped query for the counts and the
median, one for the four breakdowns (GROUPING SETS on PostgreSQL), one for the overdue count, one for the
monthly trend; the covering index of migration 0003 holds every column they read.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone, translation

from portal.beijing import BEIJING, day_start
from portal.models import province_label
from portal.replica import on_replica

from ..models import (
    ACTIVE_STATUSES,
    FORWARDED_SOURCES,
    MONETARY_RELIEFS,
    NON_MONETARY_RELIEFS,
    BusinessChannel,
    Category,
    Channel,
    Complaint,
    EscalationLink,
    EscalationLinkStatus,
    Feedback,
    GroupMember,
    Outcome,
    ProductLine,
    Relief,
    RootCause,
    Source,
)
from .care import care_figures
from .models import ReportingVolume

WITHIN_DAYS = (15, 30, 60)
UNSPECIFIED = "unspecified"
BREAKDOWNS = {
    "by_channel": ("channel", Channel),
    "by_business_channel": ("business_channel", BusinessChannel),
    "by_category": ("category", Category),
    "by_province": ("province", None),
    "by_product_line": ("product_line", ProductLine),
}


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None

    def __post_init__(self):
        if not 2000 <= self.year <= 2100:
            raise ValueError("year out of range")
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1 to 4")

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.quarter is None or self.quarter == 4:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.quarter + 1, 1)

    @property
    def label(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year} Q{self.quarter}"

    def previous(self) -> "Period":
        if self.quarter is None:
            return Period(self.year - 1)
        return Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)

    def months(self) -> list[date]:
        first = self.start.month
        count = 12 if self.quarter is None else 3
        return [date(self.year, first + index, 1) for index in range(count)]

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "quarter": self.quarter,
            "start": self.start.isoformat(),
            "end": date.fromordinal(self.end.toordinal() - 1).isoformat(),
            "label": self.label,
        }


def received_in(period: Period, branch=None, source: str | None = None):
    """The complaints received in the period (Beijing time), optionally of one branch or one source."""
    queryset = Complaint.objects.filter(received_at__gte=day_start(period.start), received_at__lt=day_start(period.end))
    if branch is not None:
        queryset = queryset.filter(branch=branch)
    if source is not None:
        queryset = queryset.filter(source=source)
    return queryset


class DaysBetween(Func):
    """Whole calendar days from the second date to the first (PostgreSQL: date - date is an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _with_closing(queryset):
    return (
        queryset.with_timeliness()
        .annotate(received_day=TruncDate("received_at", tzinfo=BEIJING))
        .annotate(days_to_close=DaysBetween(F("closed_day"), F("received_day")))
    )


def _ratio(part, whole, digits=4):
    return round(part / whole, digits) if whole else None


def _counts(queryset, today: date) -> dict:
    """The counts and the median from one grouped pass: rows are grouped by source, open or not, on time or
    not and days to close (a few hundred groups at most), and the figures are added up from the groups. A
    histogram of days gives the median without sorting the period's rows."""
    return counts_by(queryset, today)[None]


# The figures of each forwarded source are counted under its key: "regulator…" and "platform…".
FORWARDED_KEYS = {Source.REGULATOR.value: "regulator", Source.PLATFORM.value: "platform"}
FORWARDED_SUFFIXES = ("", "_closed", "_closed_on_time", "_reported_back", "_reported_back_on_time")


def forwarded_figures(figures: dict, key: str) -> dict:
    """The figures of one forwarded source (`regulator_forwarded`, `platform_forwarded`) in the JSON's shape."""
    return {
        "total": figures[key],
        "closed": figures[f"{key}_closed"],
        "closed_on_time": figures[f"{key}_closed_on_time"],
        "on_time_rate": _ratio(figures[f"{key}_closed_on_time"], figures[f"{key}_closed"]),
        "reported_back": figures[f"{key}_reported_back"],
        "reported_back_on_time": figures[f"{key}_reported_back_on_time"],
    }


def platform_report(figures: dict) -> dict:
    """The report's keys for the cases the national complaint platform transferred: `by_source.platform` (added by
    the caller) and `platform_forwarded`, shaped like `regulator_forwarded`."""
    return {"platform_forwarded": forwarded_figures(figures, "platform")}


def counts_by(queryset, today: date, by: str | None = None) -> dict:
    """The figures of _counts for each value of the field `by` (a branch, a handler), from one grouped query
    and one query for the overdue counts; `None` keys the whole queryset when `by` is None. The on-time rule
    is the report's (Complaint.objects.with_timeliness): closed on a day not after the due date, and never late."""
    active = Q(status__in=ACTIVE_STATUSES)
    columns = ["source", "is_open", "on_time", "reported", "days_to_close", "escalated"]
    groups = (
        _with_closing(queryset)
        .order_by()
        .annotate(
            is_open=Case(When(active, then=Value(True)), default=Value(False), output_field=BooleanField()),
            # Reported back to the regulator or the platform: None when not (yet), else whether by its date.
            reported=Case(
                When(
                    Q(source__in=FORWARDED_SOURCES)
                    & Q(reported_back_on__isnull=False)
                    & (Q(regulator_deadline__isnull=True) | Q(reported_back_on__lte=F("regulator_deadline"))),
                    then=Value(True),
                ),
                When(Q(source__in=FORWARDED_SOURCES) & Q(reported_back_on__isnull=False), then=Value(False)),
                default=Value(None),
                output_field=BooleanField(null=True),
            ),
            escalated=_escalated(),
        )
        .values(*columns, *([by] if by else []))
        .annotate(n=Count("id"))
        .values_list(*columns, *([by] if by else []), "n")
    )
    keys = [
        "total", "regulator", "direct", "closed", "closed_on_time", *(f"within_{days}" for days in WITHIN_DAYS),
        "regulator_closed", "regulator_closed_on_time", "regulator_reported_back", "regulator_reported_back_on_time",
        *(f"platform{suffix}" for suffix in FORWARDED_SUFFIXES),
    ]  # fmt: skip
    keys += ["outside_forwarded", "outside_escalated"]
    per_key: dict = {}
    histograms: dict = {}
    for source, is_open, on_time, reported, days, escalated, *key, n in groups:
        key = key[0] if by else None
        figures = per_key.setdefault(key, dict.fromkeys(keys, 0))
        histogram = histograms.setdefault(key, Counter())
        figures["total"] += n
        if source in FORWARDED_SOURCES:
            figures["outside_forwarded"] += n
            figures["outside_escalated"] += n if escalated else 0
        forwarded = FORWARDED_KEYS.get(source)  # "regulator", "platform" or None (received directly)
        figures[forwarded or "direct"] += n
        if forwarded and reported is not None:
            figures[f"{forwarded}_reported_back"] += n
            figures[f"{forwarded}_reported_back_on_time"] += n if reported else 0
        if is_open:
            continue
        figures["closed"] += n
        figures["closed_on_time"] += n if on_time else 0
        if forwarded:
            figures[f"{forwarded}_closed"] += n
            figures[f"{forwarded}_closed_on_time"] += n if on_time else 0
        if days is not None:
            histogram[days] += n
            for limit in WITHIN_DAYS:
                figures[f"within_{limit}"] += n if days <= limit else 0
    overdue = queryset.overdue(today).order_by()
    if by:
        overdue_counts = dict(overdue.values(by).annotate(n=Count("id")).values_list(by, "n"))
    else:
        per_key.setdefault(None, dict.fromkeys(keys, 0))
        overdue_counts = {None: overdue.count()}
    for key, figures in per_key.items():
        figures["median"] = _median(histograms.get(key, Counter()))
        figures["overdue"] = overdue_counts.get(key, 0)
    return per_key


def _median(histogram: Counter):
    count = sum(histogram.values())
    if not count:
        return None
    wanted = {(count - 1) // 2, count // 2}
    found, seen = [], 0
    for value in sorted(histogram):
        for position in sorted(wanted):
            if seen <= position < seen + histogram[value]:
                found.append(value)
                wanted.discard(position)
        seen += histogram[value]
    return sum(found) / len(found)


def _shape(counted: dict, choices) -> dict:
    counted = {value or UNSPECIFIED: n for value, n in counted.items()}
    if choices is None:
        return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))
    result = {code: counted.pop(code, 0) for code in choices.values}
    if counted.get(UNSPECIFIED):
        result[UNSPECIFIED] = counted[UNSPECIFIED]
    return result


def _breakdowns(queryset) -> dict:
    """Counts by channel, business channel, category and province. PostgreSQL does it in one scan with
    GROUPING SETS (these columns are never NULL, so the one not NULL in a result row names its set)."""
    fields = [field for field, _choices in BREAKDOWNS.values()]
    counted: dict[str, dict] = {field: {} for field in fields}
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        sql, params = queryset.order_by().values_list(*fields).query.sql_with_params()
        columns = ", ".join(fields)
        sets = ", ".join(f"({field})" for field in fields)
        with connection.cursor() as cursor:
            # Field names are this module's constants and `sql` is Django's compiled query; values are parameters.
            cursor.execute(f"SELECT {columns}, count(*) FROM ({sql}) r GROUP BY GROUPING SETS ({sets})", params)  # noqa: S608
            for *values, n in cursor.fetchall():
                for field, value in zip(fields, values, strict=True):
                    if value is not None:
                        counted[field][value] = n
    else:
        for field in fields:
            counted[field] = dict(queryset.order_by().values(field).annotate(n=Count("id")).values_list(field, "n"))
    return {key: _shape(counted[field], choices) for key, (field, choices) in BREAKDOWNS.items()}


def _causes(queryset) -> dict:
    """Counts by coded root cause and by responsible unit (溯源整改), from one grouped query. Complaints not
    closed yet (or closed before the codes existed) have neither: they count as unspecified."""
    by_cause: Counter = Counter()
    by_unit: Counter = Counter()
    rows = queryset.order_by().values("cause__code", "responsible_unit").annotate(n=Count("id"))
    for code, unit, n in rows.values_list("cause__code", "responsible_unit", "n"):
        by_cause[code or UNSPECIFIED] += n
        by_unit[unit.strip() or UNSPECIFIED] += n
    codes = list(RootCause.objects.order_by("sort_order", "code").values_list("code", flat=True))
    causes = {code: by_cause.pop(code, 0) for code in codes}
    causes.update(sorted(by_cause.items()))
    units = dict(sorted(by_unit.items(), key=lambda item: (item[0] == UNSPECIFIED, -item[1], item[0])))
    return {"by_root_cause": causes, "by_responsible_unit": units}


def _volume_ratios(total: int, period: Period, branch) -> dict:
    ratios = {"per_100m_premium": None, "per_10k_policies": None, "per_10k_insured": None, "volume": None}
    if branch is not None or getattr(period, "partial", False):  # a volume is for the whole period
        return ratios
    volume = ReportingVolume.objects.filter(year=period.year, quarter=period.quarter or 0).first()
    if volume is None:
        return ratios
    premium = Decimal(volume.premium)
    ratios.update(
        per_100m_premium=round(float(Decimal(total) * Decimal(100_000_000) / premium), 4) if premium else None,
        per_10k_policies=_ratio(total * 10_000, volume.policies),
        per_10k_insured=_ratio(total * 10_000, volume.insured),
        volume={"premium": str(volume.premium), "policies": volume.policies, "insured": volume.insured},
    )
    return ratios


@on_replica
def complaint_report(
    *, period: Period, branch=None, today: date | None = None, source: str | None = None, oversight: bool = True
) -> dict:
    """The report as the JSON contract gives it (see the module's docstring for the rules); `oversight=False` leaves
    out the agents' and systemic issues' keys (pages that show only the figures)."""
    today = today or timezone.localdate()
    queryset = received_in(period, branch, source)
    figures = _counts(queryset, today)
    total, closed = figures["total"], figures["closed"]
    report = {
        "period": {**period.as_dict(), "branch": branch.slug if branch is not None else None},
        "total": total,
        "by_source": {Source.SELF.value: figures["direct"], Source.REGULATOR.value: figures["regulator"]},
    }
    report.update(_breakdowns(queryset))
    report.update(_causes(queryset))
    median = figures["median"]
    report.update(
        closed=closed,
        closed_on_time=figures["closed_on_time"],
        on_time_rate=_ratio(figures["closed_on_time"], closed),
        open=total - closed,
        overdue=figures["overdue"],
        closed_within={str(days): figures[f"within_{days}"] for days in WITHIN_DAYS},
        median_days_to_close=round(float(median), 1) if median is not None else None,
        regulator_share=_ratio(figures["regulator"], total),
        regulator_forwarded=forwarded_figures(figures, "regulator"),
    )
    report["by_source"][Source.PLATFORM.value] = figures["platform"]
    report.update(platform_report(figures))
    report.update(_volume_ratios(total, period, branch))
    responses, average = satisfaction(queryset)[None]
    report["satisfaction"] = {"responses": responses, "average": average}
    report["redress"] = redress(queryset)
    report.update(_escalation_figures(figures))
    report.update(care_figures(queryset))
    report.update(first_contact_and_groups(queryset))
    if oversight:
        report.update(_systemic_keys(queryset, period))
    _add_mediation(report, period, branch, source)
    return report


def _escalation_figures(figures: dict) -> dict:
    """The report's keys of outside escalation (越级投诉): `escalation_rate`, from the grouped pass."""
    return {"escalation_rate": _ratio(figures["outside_escalated"], figures["outside_forwarded"])}


def _escalated():
    """Whether a complaint has a confirmed outside-escalation link (only forwarded complaints have links)."""
    return Exists(EscalationLink.objects.filter(complaint=OuterRef("pk"), status=EscalationLinkStatus.CONFIRMED))


def escalation(queryset, by: str | None = None) -> dict:
    """{key: (forwarded, escalated, rate)}: of the complaints of `queryset` forwarded by the regulator or the
    platform, how many have a confirmed outside-escalation link to an earlier direct complaint, and the
    fraction (None without forwarded complaints), grouped by the complaint's field `by` (one query); {None: ...}
    for all of them without `by`. Suggestions not yet confirmed, and rejected ones, do not count."""
    forwarded = queryset.filter(source__in=FORWARDED_SOURCES).order_by().annotate(escalated=_escalated())
    totals = {"n": Count("pk"), "linked": Count("pk", filter=Q(escalated=True))}
    if by is None:
        rows = [(None, *forwarded.aggregate(**totals).values())]
    else:
        rows = forwarded.values(by).annotate(**totals).values_list(by, "n", "linked")
    return {key: (n, linked, _ratio(linked, n)) for key, n, linked in rows}


def _systemic_keys(queryset, period: Period) -> dict:
    """Complaints per sales agent and partner (of the period's complaints) and the systemic issues opened in the
    period (company-wide: an issue is not one branch's), for the JSON and the workbook's two sheets."""
    from .sellers import seller_figures
    from .systemic import issue_figures

    return {"sellers": seller_figures(queryset), "systemic_issues": issue_figures(period.start, period.end)}


def _add_mediation(report: dict, period: Period, branch, source) -> None:
    """The mediations requested in the period (compliance/mediation_figures.py)."""
    from .mediation_figures import mediation_report

    report["mediation"] = mediation_report(period, branch, source)


def _mean(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def satisfaction(queryset, by: str | None = None) -> dict:
    """{key: (responses, average score)} of the answers about the complaints of `queryset`, grouped by the
    complaint's field `by` (one query); {None: (...)} for all of them without `by`."""
    answers = Feedback.objects.filter(complaint__in=queryset.values("pk"), score__isnull=False).order_by()
    if by is None:
        totals = answers.aggregate(n=Count("pk"), mean=Avg("score"))
        return {None: (totals["n"], _mean(totals["mean"]))}
    key = f"complaint__{by}"
    rows = answers.values(key).annotate(n=Count("pk"), mean=Avg("score")).values_list(key, "n", "mean")
    return {group: (n, _mean(mean)) for group, n, mean in rows}


def _any_relief(codes) -> Q:
    """Decisions whose reliefs hold any of `codes` (jsonb containment, PostgreSQL)."""
    return reduce(or_, (Q(reliefs__contains=[code]) for code in sorted(codes)))


def redress(queryset) -> dict:
    """What the period's decisions gave (one query): decisions giving money, their payments' total (a decimal
    string in yuan), decisions giving an action, decisions that explained only. A decision giving both money
    and an action counts in both; decisions without a recorded relief (history imported from elsewhere) in none.
    PostgreSQL counts in the database; SQLite (`make run`), which has no JSON containment, counts the rows here."""
    decided = queryset.filter(decided_at__isnull=False).exclude(reliefs=[]).order_by()
    if connections[queryset.db].vendor == "postgresql":
        totals = decided.aggregate(
            monetary=Count("pk", filter=_any_relief(MONETARY_RELIEFS)),
            non_monetary=Count("pk", filter=_any_relief(NON_MONETARY_RELIEFS)),
            explanation=Count("pk", filter=Q(reliefs=[Relief.EXPLANATION])),
            paid=Sum("redress_paid"),
        )
    else:
        totals = {"monetary": 0, "non_monetary": 0, "explanation": 0, "paid": Decimal("0")}
        for reliefs, amount in decided.values_list("reliefs", "redress_paid").iterator(chunk_size=5000):
            codes = set(reliefs or [])
            totals["monetary"] += bool(codes & MONETARY_RELIEFS)
            totals["non_monetary"] += bool(codes & NON_MONETARY_RELIEFS)
            totals["explanation"] += codes == {Relief.EXPLANATION}
            totals["paid"] += amount or 0
    return {
        "monetary_count": totals["monetary"],
        "monetary_amount": f"{totals['paid'] or Decimal('0'):.2f}",
        "non_monetary_count": totals["non_monetary"],
        "explanation_count": totals["explanation"],
    }


def first_contact_and_groups(queryset) -> dict:
    """Complaints resolved at first contact; group complaints, each counted once in `total`, and their members
    (`group_members`: the people they were made for); and per main category the decisions and those upheld in
    whole or in part (`outcomes_by_category`, the public statistics' uphold rate). One query grouped by category,
    each complaint's members counted by a subquery."""
    decided = Q(decided_at__isnull=False) & ~Q(outcome="")
    upheld = decided & Q(outcome__in=(Outcome.UPHELD, Outcome.PARTLY_UPHELD))
    members = (
        GroupMember.objects.filter(complaint=OuterRef("pk"))
        .order_by()
        .values("complaint")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        queryset.order_by()
        .annotate(member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0))
        .values("category")
        .annotate(
            decided=Count("pk", filter=decided),
            upheld=Count("pk", filter=upheld),
            first_contact=Count("pk", filter=Q(resolved_at_first_contact=True)),
            groups=Count("pk", filter=Q(member_count__gt=0)),
            people=Sum("member_count"),
        )
    )
    counted = {row["category"]: row for row in rows}
    return {
        "first_contact_resolved": sum(row["first_contact"] for row in counted.values()),
        "group_complaints": sum(row["groups"] for row in counted.values()),
        "group_members": sum(row["people"] or 0 for row in counted.values()),
        "outcomes_by_category": {
            code: {key: counted.get(code, {}).get(key, 0) for key in ("decided", "upheld")} for code in Category.values
        },
    }


@on_replica
def monthly_trend(*, period: Period, branch=None) -> list[tuple[date, int]]:
    """Complaints received in each month of the period (Beijing time), months without any included."""
    rows = (
        received_in(period, branch)
        .order_by()
        .annotate(month=TruncMonth("received_at", tzinfo=BEIJING))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    counted = {(month.date() if isinstance(month, datetime) else month): n for month, n in rows}
    return [(month, counted.get(month, 0)) for month in period.months()]


# Labels of the report's keys, for the filing workbook (in Chinese) and the dashboard (in the page's language).
def label_for(breakdown: str, key: str) -> str:
    if key == UNSPECIFIED:
        return str(translation.gettext("Not given"))
    if breakdown == "by_province":
        return province_label(key)
    if breakdown == "by_source":
        return str(Source(key).label)
    if breakdown == "by_responsible_unit":
        return key
    if breakdown == "by_root_cause":
        cause = RootCause.objects.filter(code=key).first()
        return cause.name if cause else key
    _field, choices = BREAKDOWNS[breakdown]
    return str(choices(key).label)
