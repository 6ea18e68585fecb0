"""Public complaint statistics (/statistics/): periods a compliance officer published, as stored snapshots.

The rules:
- A period (a year, or a quarter) appears only once it is published (`statistics_publish`: the command
  `publish_statistics` or the dashboard's button). Publishing stores the figures of the report
  (reports.complaint_report, so totals and the on-time rule are the report's own) in PublishedStatistics,
  which nobody can change: complaints imported later into that period change nothing that was published.
- Publishing a period again stores a new version, only when its figures changed and only with a note saying
  why (a correction); the page shows each period's latest version and says it was corrected.
- Only aggregates are stored: counts by category, channel, business channel and province, closed and closed
  on time. No name, number or text of any complaint.
- Small cells are withheld so that no small group can be singled out, and no withheld cell can be worked out by
  subtraction (from the total, from the year against its quarters, from a correction against its first version):
  suppression.py chooses them when the period is published and the snapshot stores them (`withheld`). On the page,
  in the CSV and in the JSON a withheld count under SMALL_CELL (5) shows as "< 5", a count withheld to protect
  another as "withheld" (in the CSV in a column of its own, the count left empty); the on-time rate may be
  withheld the same way; charts draw no bar for a withheld cell.
"""

import csv
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.actors import is_system_actor
from portal.tabular import neutralise_formula

from . import charts, suppression
from .models import PublishedStatistics
from .reports import Period, complaint_report, label_for

SMALL_CELL = suppression.SMALL_CELL
SUPPRESSED = "< 5"
PUBLISH_PERMISSION = "complaints.publish_statistics"
BREAKDOWNS = ("by_category", "by_channel", "by_business_channel", "by_province")
STORED = ("total", "closed", "closed_on_time", *BREAKDOWNS)


# Published since redress was recorded: what the decisions gave, and decisions and those upheld per main category.
OUTCOMES = ("redress", "outcomes_by_category")


def public_figures(report: dict) -> dict:
    """The part of a report that is published: aggregates only."""
    figures = {key: report[key] for key in (*STORED, *OUTCOMES)}
    figures["period"] = {key: report["period"][key] for key in ("year", "quarter", "start", "end", "label")}
    return figures


def _can_publish(actor) -> bool:
    return actor is None or is_system_actor(actor) or (actor.is_active and actor.has_perm(PUBLISH_PERMISSION))


@transaction.atomic
def statistics_publish(*, period: Period, actor=None, note: str = "") -> PublishedStatistics:
    """Publish the period's statistics as a new snapshot. The command acts as the system's account (portal.actors);
    staff need the publish permission. A period already published is published again only as a correction:
    its figures changed and a note says why."""
    if not _can_publish(actor):
        raise PermissionDenied(_("You do not have permission to publish statistics."))
    quarter = period.quarter or 0
    # One publisher at a time per period: the version numbers follow each other.
    latest = (
        PublishedStatistics.objects.select_for_update()
        .filter(year=period.year, quarter=quarter)
        .order_by("-version")
        .first()
    )
    figures = _with_withheld(period)
    note = (note or "").strip()[:300]
    if latest is not None:
        if _counts(latest.figures) == _counts(figures):
            raise ValidationError(
                _("The statistics of %(period)s are published and have not changed.") % {"period": period.label}
            )
        if not note:
            raise ValidationError(
                _("%(period)s is already published: a correction needs a note saying what changed.")
                % {"period": period.label}
            )
    return PublishedStatistics.objects.create(
        year=period.year,
        quarter=quarter,
        version=(latest.version + 1) if latest else 1,
        figures=figures,
        note=note,
        published_by=actor,
    )


def _counts(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if key != "withheld"}


def withheld(figures: dict) -> dict:
    """The snapshot's withheld cells: {breakdown: [codes], "on_time": bool}. A snapshot published before they
    were stored is judged alone."""
    if "withheld" not in figures:
        figures["withheld"] = suppression.standalone(figures, BREAKDOWNS)  # once per snapshot read
    return figures["withheld"]


def _with_withheld(period: Period) -> dict:
    """The period's public figures, with the cells to withhold given its year's other published periods."""
    family = {suppression.YEAR: Period(period.year), **{q: Period(period.year, q) for q in suppression.QUARTERS}}
    figures = {index: public_figures(complaint_report(period=member)) for index, member in family.items()}
    published: dict = {}
    for row in PublishedStatistics.objects.filter(year=period.year).order_by("quarter", "version"):
        published.setdefault(row.quarter, []).append(withheld(row.figures))
    target = period.quarter or suppression.YEAR
    own = figures[target]
    own["withheld"] = suppression.withhold(
        figures=figures, target=target, visible=set(published), published=published, keys=BREAKDOWNS
    )
    return own


def latest_versions() -> list[PublishedStatistics]:
    """Each published period's latest version, newest period first (years before their quarters)."""
    rows = PublishedStatistics.objects.order_by("-year", "quarter", "-version")
    seen, latest = set(), []
    for row in rows.only("year", "quarter", "version", "figures", "note", "published_at"):
        if (row.year, row.quarter) not in seen:
            seen.add((row.year, row.quarter))
            latest.append(row)
    return latest


def slug(row) -> str:
    return str(row.year) if not row.quarter else f"{row.year}-q{row.quarter}"


def find(period_slug: str) -> PublishedStatistics | None:
    year, _sep, quarter = period_slug.partition("-q")
    if not year.isdigit() or (quarter and quarter not in "1234") or len(quarter) > 1:
        return None
    return PublishedStatistics.objects.filter(year=int(year), quarter=int(quarter or 0)).order_by("-version").first()


def shown(count: int) -> str:
    """A count under SMALL_CELL as published: "< 5"."""
    return SUPPRESSED if count < SMALL_CELL else str(count)


def cell(figures: dict, key: str, code: str) -> str:
    """A breakdown's count as published: the number, "< 5", or "withheld" (withheld to protect another cell)."""
    count = figures[key].get(code, 0)
    if code not in withheld(figures).get(key, ()):
        return str(count)
    return SUPPRESSED if count < SMALL_CELL else pgettext("statistics cell", "withheld")


def on_time_rate(figures: dict) -> str | None:
    closed = figures["closed"]
    if closed < SMALL_CELL or withheld(figures).get(suppression.ON_TIME):
        return None
    return f"{figures['closed_on_time'] * 100 / closed:.1f}%"


def breakdown_cells(figures: dict, key: str) -> list[tuple[str, str, str, int | None]]:
    """(code, label, shown, count or None when withheld): shown counts largest first, then the withheld ones in
    the order of their labels, so that not even their order gives their counts away. Provinces without complaints
    are left out (unless withheld)."""
    hidden = set(withheld(figures).get(key, ()))
    rows = []
    for code in dict.fromkeys([*figures[key], *(hidden if key == "by_province" else ())]):
        count = figures[key].get(code, 0)
        if key == "by_province" and not count and code not in hidden:
            continue
        rows.append((code, label_for(key, code), cell(figures, key, code), None if code in hidden else count))
    return sorted(rows, key=lambda row: (-row[3] if row[3] is not None else 1, row[1]))


def chart(figures: dict, key: str) -> dict:
    """The dashboard's horizontal bars, with withheld cells drawn as no bar and shown as their marker."""
    rows = breakdown_cells(figures, key)
    drawn = charts.horizontal([(label, count or 0, None) for _code, label, _text, count in rows])
    for bar, (_code, _label, text, _count) in zip(drawn["bars"], rows, strict=True):
        bar.shown = text
    return drawn


def as_json(row: PublishedStatistics) -> dict:
    """The period as published, for /statistics/<period>.json: withheld counts are null with their marker; every
    version of the period with its date and correction note (docs/compliance.md lists the fields)."""
    figures = row.figures
    versions = PublishedStatistics.objects.filter(year=row.year, quarter=row.quarter).order_by("version")
    return {
        "period": figures["period"],
        "version": row.version,
        "note": row.note,
        "published": timezone.localdate(row.published_at).isoformat(),
        "versions": [
            {"version": each.version, "published": timezone.localdate(each.published_at).isoformat(), "note": each.note}
            for each in versions.only("version", "published_at", "note")
        ],
        "total": figures["total"],
        "closed": figures["closed"],
        "on_time_rate": on_time_rate(figures),
        **{
            key: [
                {"code": code, "label": label, "count": count, "shown": text}
                for code, label, text, count in breakdown_cells(figures, key)
            ]
            for key in BREAKDOWNS
        },
        "redress": [
            {"code": code, "label": label, "value": value, "shown": text}
            for code, label, text, value in redress_cells(figures)
        ],
        "uphold_by_category": [
            {"code": code, "label": label, "decided": decided, "uphold_rate": rate}
            for code, label, decided, rate in uphold_cells(figures)
        ],
    }


REDRESS_KEYS = ("monetary_count", "monetary_amount", "non_monetary_count", "explanation_count")


def _redress_labels() -> dict:
    return {
        "monetary_count": _("Decisions giving money"),
        "monetary_amount": _("Redress paid (yuan)"),
        "non_monetary_count": _("Decisions giving an action"),
        "explanation_count": _("Decisions explaining only"),
    }


def redress_cells(figures: dict) -> list[tuple[str, str, str, str | None]]:
    """(key, label, shown, value or None when withheld) of what the period's decisions gave: each count under
    SMALL_CELL shown as "< 5"; the amount paid withheld ("withheld") when fewer than SMALL_CELL decisions gave
    money, since a sum over one or two payments would be someone's payment. Empty for a snapshot published before
    redress was recorded."""
    redress = figures.get("redress")
    if not redress:
        return []
    labels, rows = _redress_labels(), []
    for key in REDRESS_KEYS:
        value = redress[key]
        if key == "monetary_amount":
            if redress["monetary_count"] < SMALL_CELL:
                rows.append((key, labels[key], pgettext("statistics cell", "withheld"), None))
            else:
                rows.append((key, labels[key], f"{Decimal(value):,.2f}", value))
        else:
            rows.append((key, labels[key], shown(value), str(value) if value >= SMALL_CELL else None))
    return rows


def uphold_cells(figures: dict) -> list[tuple[str, str, str, str | None]]:
    """(category, label, decisions shown, uphold rate or None when withheld) per main category, in the order of
    the category table: upheld in whole or in part ÷ decided. Decisions under SMALL_CELL show as "< 5" and their
    rate is withheld, as the on-time rate is; a category whose count the table withholds shows the table's marker
    for its decisions and no rate, so that they give no bound on it. Other categories without decisions are left
    out."""
    outcomes = figures.get("outcomes_by_category")
    if not outcomes:
        return []
    hidden = set(withheld(figures).get("by_category", ()))
    rows = []
    for code, label, text, _count in breakdown_cells(figures, "by_category"):
        counted = outcomes.get(code) or {"decided": 0, "upheld": 0}
        decided = counted["decided"]
        if code in hidden:
            rows.append((code, label, text, None))
        elif decided:
            rate = f"{counted['upheld'] * 100 / decided:.1f}%" if decided >= SMALL_CELL else None
            rows.append((code, label, shown(decided), rate))
    return rows


def _breakdown_texts() -> dict:
    """Each breakdown's title and what its first column lists, in the active language."""
    return {
        "by_category": (_("By category"), _("Category")),
        "by_channel": (_("By channel"), _("Channel")),
        "by_business_channel": (_("By business channel"), _("Business channel")),
        "by_province": (_("By province"), _("Province")),
    }


def breakdown_titles() -> dict:
    return {key: title for key, (title, _column) in _breakdown_texts().items()}


def breakdown_columns() -> dict:
    """What each breakdown's first column lists (its heading on the page)."""
    return {key: column for key, (_title, column) in _breakdown_texts().items()}


def csv_header() -> list[str]:
    """The CSV's columns, in the page's language: one kind of value each."""
    return [
        _("Period"),
        _("Figure"),
        pgettext("statistics csv", "Item"),
        _("Number of complaints"),
        pgettext("statistics csv", "Rate (%)"),
        pgettext("statistics csv", "Withheld"),
    ]


def csv_text(row: PublishedStatistics) -> str:
    """The period's published figures as tidy CSV (UTF-8 with a BOM): one line per figure; a count is a whole
    number, a rate a number of percent, and a withheld cell has neither, only its marker ("< 5" or "withheld")
    in the withheld column. Written through the exports' formula escape (portal.tabular.neutralise_formula)."""
    figures = row.figures
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    label = figures["period"]["label"]
    rate = on_time_rate(figures)
    if rate is not None:
        rate_cells = [rate.rstrip("%"), ""]
    else:
        rate_cells = ["", SUPPRESSED if figures["closed"] < SMALL_CELL else pgettext("statistics cell", "withheld")]
    lines = [
        csv_header(),
        [label, _("Total"), "", figures["total"], "", ""],
        [label, _("Closed"), "", figures["closed"], "", ""],
        [label, _("On-time rate"), "", "", *rate_cells],
    ]
    titles = breakdown_titles()
    for key in BREAKDOWNS:
        for _code, item, text, count in breakdown_cells(figures, key):
            lines.append(
                [label, titles[key], item, "" if count is None else count, "", "" if count is not None else text]
            )
    for line in lines:
        writer.writerow([neutralise_formula(value) for value in line])
    return "\ufeff" + buffer.getvalue()


def load_demo(stdout=None) -> None:
    """Demo content: last year's statistics published once (as a compliance officer would), so that the
    public page has a period to show. Idempotent: a period already published is left as it is."""
    period = Period(timezone.localdate().year - 1)
    if PublishedStatistics.objects.filter(year=period.year, quarter=0).exists():
        return
    statistics_publish(period=period, note="")
    if stdout is not None:
        stdout.write(f"Published the complaint statistics of {period.label}.\n")
