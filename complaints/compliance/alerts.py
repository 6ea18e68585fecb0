"""Early warning (预警): noticing a rise in complaints before the regulator does.

The method. For each dimension (category, branch, province, business channel, product line) and each of its
values, the complaints received on the day `as_of` and in the week ending that day (Beijing time) are counted
and set against the value's own baseline: the mean count per day, or per week, over the BASELINE_WEEKS weeks
before that window. Complaints arrive one by one and independently of each other, so the count in a window
over a steady rate follows a Poisson distribution; the tail probability p = P(X >= count | baseline) says how
likely a count at least this high is by chance. A warning is raised when p < ALPHA and the count is at least
MIN_COUNT; its score is -log10(p) (3 means one chance in a thousand).
- ALPHA = 0.0001 is strict because about fifty values are tested twice a day (some 40,000 tests a year): at
  0.001 a steady year raised about 30 false alarms, at 0.0001 about 3 (`false_alarm_rate`), while a week of
  30 claims complaints against a baseline of one a week (p ≈ 1e-33) still stands out at once.
- MIN_COUNT keeps a value that had nothing for twelve weeks from warning on its first two complaints (with no
  history any count is "improbable"); BASELINE_FLOOR does the same for very low baselines.
- Poisson assumes a steady rate; real complaint counts vary more (a product's campaign, a holiday), so a
  warning is a reason to look, not a finding. The false-alarm rate on a year of steady generated data is
  measured by `false_alarm_rate` (docs/compliance.md gives the figure).

Besides the counts, two rules about people: a handler with OVERDUE_RISK_MIN or more open cases falling due
within OVERDUE_RISK_DAYS days (overdue risk), and a complainant (the same phone number) with REPEAT_MIN or
more complaints received in the last REPEAT_DAYS days (a review counts with the complaint it re-examines).
And one about sellers: a sales agent or a partner (intermediary, bank outlet) named by SELLER_MIN or more
complaints received in the last SELLER_DAYS days (dimensions `agent` and `partner`, the value its code). Most
agents are never named at all, so a count against a baseline says little; three complaints about one seller
in a month is what compliance looks into (mis-selling is rarely a single complaint).

Every warning has a stable key (`Warning.key`: kind, dimension, value, period and window); what compliance did
about it (looked into, dismissed with a reason, issue opened) is stored by that key
(complaints.compliance.systemic).

`warnings_for(as_of)` computes the warnings (no writes); `alerts_run` stores the new ones (once per key and
day) and tells compliance officers and supervisors; the periodic runner calls `run_daily`.
"""

import logging
import math
import random
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import roles
from portal.beijing import BEIJING, day_start
from portal.display import person_name
from portal.messaging.alerts import admin_url, staff_alert
from portal.models import Branch, province_label
from portal.privacy import mask_phone

from ..models import BusinessChannel, Category, Complaint, Partner, ProductLine, SalesAgent
from .models import OversightWarning, warning_key

BASELINE_WEEKS = 12
ALPHA = 0.0001
MIN_COUNT = {"day": 5, "week": 5}
# A baseline below this (complaints per week) counts as this: a value new to complaints needs a real rise.
BASELINE_FLOOR = 0.5
OVERDUE_RISK_DAYS = 3
OVERDUE_RISK_MIN = 5
REPEAT_DAYS = 30
REPEAT_MIN = 3
SELLER_DAYS = 30
SELLER_MIN = 3
SELLER_DIMENSIONS = {"agent": "sales_agent", "partner": "partner"}

DIMENSIONS = {
    "category": "category",
    "branch": "branch_id",
    "province": "province",
    "business_channel": "business_channel",
    "product_line": "product_line",
}
PERIOD_DAYS = {"day": 1, "week": 7}

logger = logging.getLogger(__name__)


@dataclass
class Warning:
    kind: str
    dimension: str
    value: str
    period: str
    count: int
    baseline: float
    score: float
    start: str = ""
    end: str = ""
    complaint_ids: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return warning_key(self)

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("complaint_ids")
        data["label"] = value_label(self.dimension, self.value)
        data["key"] = self.key
        return data


def poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean), summed from the tail itself (no 1 - cdf cancellation)."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if count <= mean:
        term, below = math.exp(-mean), 0.0
        for index in range(count):
            below += term
            term *= mean / (index + 1)
        return max(0.0, 1.0 - below)
    term = math.exp(-mean + count * math.log(mean) - math.lgamma(count + 1))
    total, index = 0.0, count
    while term > total * 1e-16:
        total += term
        index += 1
        term *= mean / index
    return total


def spike_score(count: int, baseline: float, period: str) -> float | None:
    """The score of a count against its baseline (per window of `period`), or None when it is no warning."""
    floor = BASELINE_FLOOR * PERIOD_DAYS[period] / 7
    if count < MIN_COUNT[period]:
        return None
    p = poisson_tail(count, max(baseline, floor))
    if p >= ALPHA:
        return None
    return round(-math.log10(max(p, 1e-300)), 2)


def _daily_counts(as_of: date) -> dict[str, dict[str, dict[date, int]]]:
    """{dimension: {value: {day: count}}} over the window and its baseline, one grouped query per dimension."""
    first = as_of - timedelta(days=7 * (BASELINE_WEEKS + 1) - 1)
    received = Complaint.objects.filter(
        received_at__gte=day_start(first), received_at__lt=day_start(as_of + timedelta(days=1))
    ).annotate(day=TruncDate("received_at", tzinfo=BEIJING))
    counts: dict = {}
    for dimension, column in DIMENSIONS.items():
        per_value: dict = defaultdict(dict)
        rows = received.order_by().values(column, "day").annotate(n=Count("id")).values_list(column, "day", "n")
        for value, day, n in rows:
            if value not in (None, ""):
                per_value[str(value)][day] = n
        counts[dimension] = per_value
    return counts


def _spikes(as_of: date) -> list[Warning]:
    found = []
    for dimension, per_value in _daily_counts(as_of).items():
        for value, days in per_value.items():
            for period, length in PERIOD_DAYS.items():
                start = as_of - timedelta(days=length - 1)
                count = sum(n for day, n in days.items() if day >= start)
                history_start = start - timedelta(days=7 * BASELINE_WEEKS)
                history = sum(n for day, n in days.items() if history_start <= day < start)
                baseline = history / (7 * BASELINE_WEEKS) * length
                score = spike_score(count, baseline, period)
                if score is not None:
                    found.append(
                        Warning(
                            "spike",
                            dimension,
                            value,
                            period,
                            count,
                            round(baseline, 3),
                            score,
                            start.isoformat(),
                            as_of.isoformat(),
                        )
                    )
    return found


def _overdue_risk(as_of: date) -> list[Warning]:
    due = Complaint.objects.due_soon(as_of, OVERDUE_RISK_DAYS).exclude(handler=None)
    per_handler: dict = defaultdict(list)
    for handler_id, complaint_id in due.order_by("handler_id", "due_date").values_list("handler_id", "id"):
        per_handler[handler_id].append(complaint_id)
    return [
        Warning(
            "overdue_risk",
            "handler",
            str(handler_id),
            f"{OVERDUE_RISK_DAYS}d",
            len(ids),
            float(OVERDUE_RISK_MIN),
            float(len(ids)),
            as_of.isoformat(),
            (as_of + timedelta(days=OVERDUE_RISK_DAYS)).isoformat(),
            ids,
        )
        for handler_id, ids in per_handler.items()
        if len(ids) >= OVERDUE_RISK_MIN
    ]


def _repeats(as_of: date) -> list[Warning]:
    start = as_of - timedelta(days=REPEAT_DAYS - 1)
    recent = Complaint.objects.filter(
        received_at__gte=day_start(start), received_at__lt=day_start(as_of + timedelta(days=1))
    ).exclude(phone="")
    # A review and the complaint it re-examines are one case, not two complaints: each case counts once, by its
    # original when that was received in the period too (else by the review).
    case = Coalesce("review_of_id", "id")
    phones = recent.order_by().values("phone").annotate(n=Count(case, distinct=True)).filter(n__gte=REPEAT_MIN)
    per_case: dict = defaultdict(dict)
    rows = recent.filter(phone__in=phones.values("phone")).order_by("received_at", "id")
    for phone, complaint_id, original_id in rows.values_list("phone", "id", "review_of_id"):
        per_case[phone].setdefault(original_id or complaint_id, complaint_id)
    per_phone = {phone: list(cases.values()) for phone, cases in per_case.items()}
    return [
        Warning(
            "repeat",
            "complainant",
            mask_phone(phone),
            f"{REPEAT_DAYS}d",
            len(ids),
            float(REPEAT_MIN),
            float(len(ids)),
            start.isoformat(),
            as_of.isoformat(),
            sorted(ids),
        )
        for phone, ids in sorted(per_phone.items())
    ]


def _sellers(as_of: date) -> list[Warning]:
    start = as_of - timedelta(days=SELLER_DAYS - 1)
    recent = Complaint.objects.filter(
        received_at__gte=day_start(start), received_at__lt=day_start(as_of + timedelta(days=1))
    )
    found = []
    for dimension, column in SELLER_DIMENSIONS.items():
        named = recent.exclude(**{f"{column}__isnull": True})
        per_code: dict = defaultdict(list)
        for code, complaint_id in named.order_by(f"{column}__code", "id").values_list(f"{column}__code", "id"):
            per_code[code].append(complaint_id)
        found += [
            Warning(
                "seller",
                dimension,
                code,
                f"{SELLER_DAYS}d",
                len(ids),
                float(SELLER_MIN),
                float(len(ids)),
                start.isoformat(),
                as_of.isoformat(),
                ids,
            )
            for code, ids in per_code.items()
            if len(ids) >= SELLER_MIN
        ]
    return found


@dataclass
class RingWarning(Warning):
    """A possible surrender-agent ring (complaints.compliance.rings): its shared signals, masked, and its
    complaints' tracking numbers."""

    signals: list = field(default_factory=list)
    complaints: list = field(default_factory=list)


def _rings(as_of: date) -> list[Warning]:
    from . import rings

    start = as_of - timedelta(days=rings.WINDOW_DAYS - 1)
    return [
        RingWarning(
            "ring",
            "ring",
            ring.key,
            f"{rings.WINDOW_DAYS}d",
            len(ring.members),
            float(rings.RING_MIN_HOLDERS),
            float(ring.holders),
            start.isoformat(),
            as_of.isoformat(),
            ring.complaint_ids,
            signals=rings.as_json(ring),
            complaints=[member["tracking_number"] for member in ring.members],
        )
        for ring in rings.find_rings(as_of)
    ]


def warnings_for(as_of: date) -> list[Warning]:
    """Every warning for the day `as_of` (counts up to and including it), highest score first within a kind."""
    found = sorted(_spikes(as_of), key=lambda w: (-w.score, w.dimension, w.value, w.period))
    return found + _overdue_risk(as_of) + _repeats(as_of) + _sellers(as_of) + _rings(as_of)


def value_label(dimension: str, value: str) -> str:
    """The value of a warning as staff read it, in the active language."""
    choices = {"category": Category, "business_channel": BusinessChannel, "product_line": ProductLine}
    if dimension in choices:
        return str(choices[dimension](value).label) if value in choices[dimension].values else value
    if dimension == "province":
        return province_label(value)
    if dimension == "branch":
        branch = Branch.objects.filter(pk=value).first() if value.isdigit() else None
        return branch.name if branch else value
    if dimension == "handler":
        user = get_user_model().objects.filter(pk=value).first() if value.isdigit() else None
        return person_name(user) if user else value
    if dimension in SELLER_DIMENSIONS:
        model = SalesAgent if dimension == "agent" else Partner
        seller = model.objects.filter(code=value).first()
        return str(seller) if seller else value
    return value


def dimension_label(dimension: str) -> str:
    labels = {
        "category": _("Category"),
        "branch": _("Branch"),
        "province": _("Province"),
        "business_channel": _("Business channel"),
        "product_line": _("Product line"),
        "handler": _("Handler"),
        "complainant": _("Complainant"),
        "agent": _("Sales agent"),
        "partner": _("Intermediary or bank outlet"),
        "ring": _("Possible surrender-agent ring"),
    }
    return str(labels.get(dimension, dimension))


def period_label(period: str) -> str:
    labels = {
        "day": _("One day"),
        "week": _("Seven days"),
        f"{OVERDUE_RISK_DAYS}d": _("Due within %(days)d days") % {"days": OVERDUE_RISK_DAYS},
        f"{REPEAT_DAYS}d": _("Within %(days)d days") % {"days": REPEAT_DAYS},
        f"{SELLER_DAYS}d": _("Within %(days)d days") % {"days": SELLER_DAYS},
        "90d": _("Within %(days)d days") % {"days": 90},
    }
    return str(labels.get(period, period))


def changelist_query(warning) -> dict:
    """The complaint list's filters that show the complaints behind a warning."""
    if warning.complaint_ids:
        return {"id__in": ",".join(str(pk) for pk in warning.complaint_ids)}
    query = {"received_at__date__gte": str(warning.start), "received_at__date__lte": str(warning.end)}
    column = {"branch": "branch__id__exact"}.get(warning.dimension, f"{warning.dimension}__exact")
    query[column] = warning.value
    return query


def false_alarm_rate(days: int = 365, *, daily_rate: float = 20.0, seed: int = 16) -> dict:
    """The method's false alarms on a year of steady generated data, without a database: complaints arrive
    at `daily_rate` a day (Poisson), spread over the values of each dimension with fixed shares (one value
    large, the others smaller, as real categories and provinces are); the method is run on every day after
    the first BASELINE_WEEKS + 1 weeks. Every warning is false, since nothing changes."""
    rng = random.Random(seed)
    shares = {
        "category": [0.3, 0.25, 0.2, 0.12, 0.08, 0.05],
        "province": [0.2, 0.15, 0.1, 0.1] + [0.45 / 27] * 27,
        "branch": [0.25, 0.2, 0.15, 0.15, 0.1, 0.1, 0.05],
        "business_channel": [0.5, 0.25, 0.1, 0.1, 0.05],
        "product_line": [0.3, 0.25, 0.2, 0.15, 0.06, 0.04],
    }
    warm_up = 7 * (BASELINE_WEEKS + 1)
    total_days = days + warm_up
    tests = alarms = 0

    def poisson(mean: float) -> int:
        # Knuth's method: fine for the small means of one value's day.
        limit, k, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            k += 1
            product *= rng.random()
        return k

    for values in shares.values():
        for share in values:
            series = [poisson(daily_rate * share) for _day in range(total_days)]
            for today in range(warm_up, total_days):
                for period, length in PERIOD_DAYS.items():
                    count = sum(series[today - length + 1 : today + 1])
                    start = today - length + 1
                    history = sum(series[start - 7 * BASELINE_WEEKS : start])
                    baseline = history / (7 * BASELINE_WEEKS) * length
                    tests += 1
                    alarms += spike_score(count, baseline, period) is not None
    return {
        "days": days,
        "tests": tests,
        "false_alarms": alarms,
        "rate_per_test": alarms / tests,
        "per_year": alarms * 365 / days,
    }


# Storing, telling staff, the daily run.


def alerts_run(*, as_of: date, notify: bool = True) -> list:
    """Store the warnings of `as_of` not stored yet (a second run the same day adds nothing) and, when there
    are new ones, tell the compliance officers and supervisors. Returns the new OversightWarning rows."""
    new = []
    for warning in warnings_for(as_of):
        row, created = OversightWarning.objects.get_or_create(
            as_of=as_of,
            kind=warning.kind,
            dimension=warning.dimension,
            value=warning.value,
            period=warning.period,
            defaults={
                "count": warning.count,
                "baseline": warning.baseline,
                "score": warning.score,
                "complaint_ids": warning.complaint_ids,
                "start": warning.start,
                "end": warning.end,
            },
        )
        if created:
            new.append(row)
    if new and notify:
        tell_staff(new, as_of)
        tell_inbox(new, as_of)
    return new


def recipients():
    """Active staff in the Compliance officer and Supervisor groups who have an email address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.COMPLIANCE_OFFICER, roles.SUPERVISOR])
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def tell_staff(new: list, as_of: date) -> int:
    """One email (through Django's mail backend) listing the new warnings, in Chinese, to every recipient,
    sent after the transaction commits; returns the number of recipients."""
    addresses = list(recipients().values_list("email", flat=True))
    if not addresses:
        return 0
    with translation.override("zh-hans"):
        subject = _("Early warnings for %(day)s: %(count)d new") % {"day": as_of.isoformat(), "count": len(new)}
        lines = [
            _("%(dimension)s %(value)s: %(count)d complaints (%(period)s; baseline %(baseline)s)")
            % {
                "dimension": dimension_label(row.dimension),
                "value": value_label(row.dimension, row.value),
                "count": row.count,
                "period": period_label(row.period),
                "baseline": f"{row.baseline:g}",
            }
            for row in new
        ]
        body = "\n".join([*lines, "", _("See Admin → Complaints → Early warnings.")])

    def send():
        for address in addresses:
            try:
                send_mail(subject, body, None, [address])
            except Exception:  # the warnings are stored and shown in the admin; a relay failure is only logged
                logger.exception("Early-warning email to %s failed", address)

    transaction.on_commit(send)
    return len(addresses)


def tell_inbox(new: list, as_of: date) -> int:
    """The same warnings in the admin inbox of every active compliance officer and supervisor (the email above
    is their copy by mail); one alert a day per person, however often the runner runs."""
    staff = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.COMPLIANCE_OFFICER, roles.SUPERVISOR])
        .distinct()
    )
    with translation.override("zh-hans"):
        summary = "; ".join(f"{dimension_label(row.dimension)} {value_label(row.dimension, row.value)}" for row in new)
    written = staff_alert(
        users=staff,
        template="early_warning",
        params={"count": len(new), "day": as_of.isoformat(), "summary": summary[:300]},
        key=f"early-warning:{as_of.isoformat()}",
        url=admin_url("admin:complaints_oversightwarning_changelist"),
        email=False,
    )
    return len(written)


def run_daily(today: date | None = None) -> int:
    """The periodic runner's step: yesterday's warnings (the last whole day), stored and sent once."""
    today = today or timezone.localdate()
    with translation.override("zh-hans"):
        return len(alerts_run(as_of=today - timedelta(days=1)))
