"""Like-for-like comparisons and outside escalation by branch and product line, for the dashboard and the
filing workbook.

A period still running is compared with the same days of the period before, never with the whole of it: on
2026-12-07 the year 2026 (1 January to 7 December) is set against 1 January to 7 December 2025
(year-on-year), and the fourth quarter (1 October to 7 December, 68 days) against the first 68 days of the
third quarter (quarter-on-quarter; a shorter quarter is counted to its end). A closed period is compared with
the whole of the period before. The days compared are stated beside every comparison."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext

from portal.tabular import Percent

from ..models import ProductLine
from ..workflow.escalations import months_before
from . import reports
from .vocabulary import COUNT, RATE, REPORT_FIGURES


@dataclass(frozen=True)
class Days(reports.Period):
    """A period counted up to and including `through` (the same days of an earlier period)."""

    through: date | None = None

    @property
    def end(self) -> date:
        whole = reports.Period(self.year, self.quarter).end
        if self.through is None:
            return whole
        return min(whole, self.through + timedelta(days=1))

    @property
    def partial(self) -> bool:
        return self.end < reports.Period(self.year, self.quarter).end


def running_through(period: reports.Period, today: date) -> date | None:
    """The last day of `period` that has begun (today) while the period is still running, else None."""
    return today if period.start <= today < period.end else None


def last_day(period: reports.Period) -> date:
    return period.end - timedelta(days=1)


def year_before(period: reports.Period, through: date | None) -> Days:
    """The same period a year earlier, counted to the same day of the year when `through` is given."""
    return Days(period.year - 1, period.quarter, months_before(through, 12) if through else None)


def quarter_before(quarter: reports.Period, through: date | None) -> Days:
    """The quarter before `quarter`, counted as many days into it as `through` is into `quarter`."""
    previous = reports.Period(quarter.year, quarter.quarter).previous()
    if through is None:
        return Days(previous.year, previous.quarter)
    day = previous.start + (through - quarter.start)
    return Days(previous.year, previous.quarter, min(day, last_day(previous)))


def quarter_of(period: reports.Period, today: date) -> Days:
    """The quarter a year's quarter-on-quarter figures are about: the quarter now running (to today), the last
    quarter of a closed year, or the quarter itself."""
    through = running_through(period, today)
    if period.quarter is not None:
        return Days(period.year, period.quarter, through)
    day = through or last_day(period)
    return Days(day.year, (day.month - 1) // 3 + 1, through)


@dataclass(frozen=True)
class Comparison:
    current: reports.Period
    previous: reports.Period

    @property
    def current_days(self) -> str:
        return days_label(self.current)

    @property
    def previous_days(self) -> str:
        return days_label(self.previous)

    def describe(self) -> str:
        return gettext("Compared like for like: %(current)s with %(previous)s.") % {
            "current": days_label(self.current),
            "previous": days_label(self.previous),
        }


def days_label(period: reports.Period) -> str:
    return gettext("%(start)s to %(end)s") % {
        "start": period.start.isoformat(),
        "end": last_day(period).isoformat(),
    }


def like_for_like(period: reports.Period, today: date | None = None) -> Comparison:
    """What the dashboard sets side by side: a year against the year before (year-on-year), a quarter against
    the quarter before (quarter-on-quarter), each counted to the same day while the period runs."""
    today = today or timezone.localdate()
    through = running_through(period, today)
    current = Days(period.year, period.quarter, through)
    if period.quarter is None:
        return Comparison(current, year_before(period, through))
    return Comparison(current, quarter_before(period, through))


# The main figures compared year-on-year and quarter-on-quarter in the workbook (keys of REPORT_FIGURES).
COMPARED = (
    "total", "by_source.self", "by_source.regulator", "closed", "closed_on_time", "on_time_rate",
    "median_days_to_close", "redress.monetary_count", "escalation_rate",
)  # fmt: skip


def _change(figure, now, before) -> tuple:
    """(change, change in per cent of before) of two values of `figure`; a rate changes in points, no per cent."""
    if now is None or before is None:
        return "", ""
    if figure.kind == RATE:
        return Percent(round(now - before, 4)), ""
    change = round(now - before, 1) if figure.kind != COUNT else now - before
    return change, (Percent(round(change / before, 4)) if before else "")


def _cell(figure, value):
    if value is None:
        return ""
    return Percent(value) if figure.kind == RATE else value


def comparison_rows(period: reports.Period, branch=None, today: date | None = None) -> list[list]:
    """The workbook's sheet 同比环比: each main figure this period and the same days a year before (同比), and
    for the quarter (the period's, or the year's latest) the same days of the quarter before (环比)."""
    today = today or timezone.localdate()
    through = running_through(period, today)
    current = Days(period.year, period.quarter, through)
    quarter = quarter_of(period, today)
    windows = [current, year_before(period, through), quarter, quarter_before(quarter, quarter.through)]
    made = [reports.complaint_report(period=window, branch=branch, today=today) for window in windows]
    figures = {figure.key: figure for figure in REPORT_FIGURES}
    header = [
        "项目", f"本期（{_zh_days(windows[0])}）", f"上年同期（{_zh_days(windows[1])}）", "同比增减", "同比增减率",
        f"本季（{_zh_days(windows[2])}）", f"上季同期（{_zh_days(windows[3])}）", "环比增减", "环比增减率",
    ]  # fmt: skip
    rows = [header]
    for key in COMPARED:
        figure = figures[key]
        now, year_ago, in_quarter, quarter_ago = (figure.value(report) for report in made)
        rows.append(
            [
                figure.workbook_label,
                _cell(figure, now),
                _cell(figure, year_ago),
                *_change(figure, now, year_ago),
                _cell(figure, in_quarter),
                _cell(figure, quarter_ago),
                *_change(figure, in_quarter, quarter_ago),
            ]
        )
    return rows


def _zh_days(period: reports.Period) -> str:
    return f"{period.start.isoformat()}至{last_day(period).isoformat()}"


def escalation_by(period: reports.Period, branch=None) -> dict[str, list[dict]]:
    """Outside escalation per branch and per product line: {"branches": [...], "product_lines": [...]}, each
    row {"label", "forwarded", "escalated", "rate"}, groups without forwarded complaints left out."""
    queryset = reports.received_in(period, branch)
    by_branch = reports.escalation(queryset, by="branch__name")
    by_line = reports.escalation(queryset, by="product_line")

    def rows(counted, label):
        return [
            {"label": label(key), "forwarded": n, "escalated": linked, "rate": rate}
            for key, (n, linked, rate) in sorted(counted.items(), key=lambda item: (-item[1][0], str(item[0])))
            if n
        ]

    return {
        "branches": rows(by_branch, lambda name: name or gettext("Not given")),
        "product_lines": rows(
            by_line, lambda code: str(ProductLine(code).label) if code in ProductLine.values else gettext("Not given")
        ),
    }


def escalation_rows(period: reports.Period, branch=None) -> list[list]:
    """The workbook's sheet 越级投诉: per branch, then per product line."""
    figures = escalation_by(period, branch)
    rows = [["分组", "名称", "转办投诉", "其中越级投诉", "越级投诉率"]]
    for group, key in (("分支机构", "branches"), ("险种", "product_lines")):
        for row in figures[key]:
            rate = Percent(row["rate"]) if row["rate"] is not None else ""
            rows.append([group, row["label"], row["forwarded"], row["escalated"], rate])
    return rows


def workbook_sheets(period: reports.Period, branch=None, today: date | None = None) -> list[tuple[str, list]]:
    """The filing workbook's sheets of this module (report_xlsx's extra_sheets), headings in Chinese."""
    return [("同比环比", comparison_rows(period, branch, today)), ("越级投诉", escalation_rows(period, branch))]
