"""The filing workbook of a complaint report (complaint_report): a summary sheet, one sheet per breakdown with its
total, the monthly trend, the time taken to close, the performance figures per branch and per handler, mediation,
and the sheets other modules add (comparison, systemic issues). Headings are in Chinese, as regulators' forms are;
shares are percentages."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from portal.models import Branch
from portal.tabular import Percent, xlsx_write

from .mediation_figures import mediation_by_branch, mediation_rows
from .reports import Period, _ratio, label_for
from .systemic import workbook_sheets as systemic_sheets
from .vocabulary import AMOUNT, RATE, REPORT_FIGURES

SHEETS = (
    ("by_source", "投诉来源", "来源"),
    ("by_channel", "受理渠道", "渠道"),
    ("by_business_channel", "业务渠道", "业务渠道"),
    ("by_category", "投诉类别", "类别"),
    ("by_province", "地区分布", "地区"),
    ("by_product_line", "险种", "险种"),
    ("by_root_cause", "根本原因", "根本原因"),
    ("by_responsible_unit", "责任单位", "责任单位"),
)
PERFORMANCE_HEADINGS = [
    "件数", "已办结", "按时办结", "按时办结率", "办结天数中位数", "逾期", "申请核查", "核查改变原决定",
    "回访答复数", "平均满意度", "万张保单投诉量",
]  # fmt: skip
PERFORMANCE_KEYS = [
    "handled", "closed", "on_time", "on_time_rate", "median_days", "overdue", "reviews_requested",
    "reviews_overturned", "satisfaction_responses", "satisfaction_average", "per_10k_policies",
]  # fmt: skip


def performance_rows(rows: list[dict], heading: str, company: dict | None = None) -> list[list]:
    """A performance sheet: one line per branch or handler (and the company-wide line)."""
    lines = [[heading, *PERFORMANCE_HEADINGS]]
    for row in [*rows, *([company] if company else [])]:
        cells = ["" if row[key] is None else row[key] for key in PERFORMANCE_KEYS]
        rate = PERFORMANCE_KEYS.index("on_time_rate")
        cells[rate] = Percent(cells[rate]) if cells[rate] != "" else ""
        lines.append([row["label"], *cells])
    return lines


def _breakdown_rows(report: dict, key: str, heading: str) -> list[list]:
    total = report["total"]
    rows = [[heading, "件数", "占比"]]
    for code, count in report[key].items():
        rows.append([label_for(key, code), count, Percent(_ratio(count, total) or 0)])
    rows.append(["合计", sum(report[key].values()), Percent(1 if total else 0)])
    return rows


def _typed(figure, value):
    if value is None:
        return None
    if figure.kind == RATE:
        return Percent(value)
    return Decimal(value) if figure.kind == AMOUNT else value


def _summary_rows(report: dict) -> list[list]:
    period = report["period"]
    rows = [
        ["项目", "数值"],
        ["报告期", f"{period['start']} 至 {period['end']}"],
        ["分支机构", period["branch"] or "全公司"],
        *[[figure.workbook_label, _typed(figure, figure.value(report))] for figure in REPORT_FIGURES],
    ]
    return [[label, "" if value is None else value] for label, value in rows]


def _timeliness_rows(report: dict) -> list[list]:
    closed = report["closed"]
    rows = [["办结时限", "件数", "占已办结比例"]]
    for days, count in report["closed_within"].items():
        rows.append([f"{days}日内办结", count, Percent(_ratio(count, closed) or 0)])
    rows.append(["已办结合计", closed, Percent(1 if closed else 0)])
    rows.append(["按时办结", report["closed_on_time"], Percent(report["on_time_rate"] or 0)])
    return rows


def report_xlsx(
    report: dict, trend: list[tuple[date, int]], target, performance: dict | None = None, extra_sheets=()
) -> None:
    """The filing workbook of `report` (module docstring), with the monthly `trend` and, when given, the
    `performance` figures and `extra_sheets` ((title, rows) pairs)."""
    with translation.override("zh-hans"):
        sheets = [("总表", _summary_rows(report))]
        sheets += [(title, _breakdown_rows(report, key, heading)) for key, title, heading in SHEETS]
        months = [["月份", "件数"], *[[month.strftime("%Y-%m"), count] for month, count in trend]]
        months.append(["合计", sum(count for _month, count in trend)])
        sheets.append(("月度趋势", months))
        sheets.append(("办结时效", _timeliness_rows(report)))
        if performance is not None:
            company = {**performance["company"], "label": "全公司"}
            sheets.append(("分支机构考评", performance_rows(performance["branches"], "分支机构", company)))
            sheets.append(("经办人考评", performance_rows(performance["handlers"], "经办人")))
            sheets.append(("调解", _mediation_sheet(report)))
        sheets += list(extra_sheets)  # (title, rows) pairs, e.g. comparison.workbook_sheets
        sheets += systemic_sheets(report)
    xlsx_write(target, sheets)


def _mediation_sheet(report: dict) -> list[list]:
    """The workbook's mediation sheet: the report's period and branch, per branch (compliance/mediation_figures.py)."""
    period = Period(report["period"]["year"], report["period"]["quarter"])
    slug = report["period"]["branch"]
    branch = Branch.objects.filter(slug=slug).first() if slug else None
    return mediation_rows(mediation_by_branch(period, branch))
