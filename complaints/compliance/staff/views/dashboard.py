"""The compliance dashboard (figures, charts, comparison with the previous period) and the report downloads."""

import io
from decimal import Decimal

from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.replica import on_replica

from ....models import Source
from ... import charts, comparison, exports, performance, reports, statistics, workbook
from ...vocabulary import AMOUNT, COUNT, RATE, REPORT_FIGURES
from ..common import DASHBOARD_PERMISSION, DISCLOSURE_PERMISSION, IMPORT_PERMISSION, page_context, require
from ..forms import PeriodForm, PublishForm, YearForm


def _comparison_rows(key: str, current: dict, previous: dict) -> list[tuple[str, int, int]]:
    keys = list(dict.fromkeys([*current[key], *previous[key]]))
    if key == "by_province":
        keys = [k for k in keys if current[key].get(k) or previous[key].get(k)]
    return [(reports.label_for(key, k), current[key].get(k, 0), previous[key].get(k, 0)) for k in keys]


def _shown(figure, value):
    if value is None:
        return "—"
    if figure.kind == AMOUNT:
        return f"¥{Decimal(value):,.2f}"
    return f"{value * 100:.1f}%" if figure.kind == RATE else value


def _summary_rows(current: dict, previous: dict) -> list[dict]:
    rows = []
    for figure in REPORT_FIGURES:
        now, before = figure.value(current), figure.value(previous)
        change = (now - before) if figure.kind == COUNT else ""
        rows.append(
            {
                "label": figure.label,
                "current": _shown(figure, now),
                "previous": _shown(figure, before),
                "change": change,
            }
        )
    return rows


def _escalation_tables(period, branch) -> list[tuple[list[dict], str]]:
    figures = comparison.escalation_by(period, branch)
    return [(figures["branches"], _("Branch")), (figures["product_lines"], _("Product line"))]


@on_replica
def dashboard_view(request):
    require(request, DASHBOARD_PERMISSION)
    form = PeriodForm.from_request(request)
    period = form.period()
    branch = form.cleaned_data.get("branch")
    # A period still running is set against the same days of the period before (comparison.like_for_like).
    compared = comparison.like_for_like(period)
    previous_period = compared.previous
    current = reports.complaint_report(period=period, branch=branch, oversight=False)
    previous = reports.complaint_report(period=previous_period, branch=branch, oversight=False)
    trend = reports.monthly_trend(period=period, branch=branch)
    previous_trend = reports.monthly_trend(period=previous_period, branch=branch)
    trend_rows = [
        (month.strftime("%m"), count, before)
        for (month, count), (_month, before) in zip(trend, previous_trend, strict=True)
    ]
    late = current["closed"] - current["closed_on_time"]
    query = {"year": period.year}
    if period.quarter:
        query["quarter"] = period.quarter
    if branch is not None:
        query["branch"] = branch.slug
    context = page_context(
        request,
        _("Compliance dashboard"),
        dashboard=True,
        form=form,
        period=period,
        previous_period=previous_period,
        branch=branch,
        report=current,
        summary=_summary_rows(current, previous),
        trend=charts.vertical(trend_rows),
        by_category=charts.horizontal(_comparison_rows("by_category", current, previous)),
        by_province=charts.horizontal(_comparison_rows("by_province", current, previous)),
        by_channel=charts.horizontal(_comparison_rows("by_channel", current, previous)),
        by_business_channel=charts.horizontal(_comparison_rows("by_business_channel", current, previous)),
        by_source=charts.horizontal(
            [
                (reports.label_for("by_source", code), current["by_source"][code], previous["by_source"][code])
                for code in (Source.REGULATOR, Source.PLATFORM, Source.SELF)
            ]
        ),
        on_time=charts.split(
            [
                ("on-time", _("Closed on time"), current["closed_on_time"]),
                ("late", _("Closed late"), late),
                ("open", _("Open"), current["open"]),
            ]
        ),
        query=urlencode(query),
        export_query=urlencode(
            {"start": period.start.isoformat(), "end": period.as_dict()["end"]}
            | ({"branch": branch.slug} if branch is not None else {})
        ),
        can_export=exports.can_export(request.user),
        can_import=request.user.has_perm(IMPORT_PERMISSION),
        can_draft=request.user.has_perm(DISCLOSURE_PERMISSION),
        year_form=YearForm(initial={"year": period.year}),
        can_publish=request.user.has_perm(statistics.PUBLISH_PERMISSION),
        publish_form=PublishForm(initial={"year": period.year, "quarter": period.quarter or ""}),
        published=statistics.latest_versions()[:8],
        performance=performance.performance(period=period, branch=branch),
        can_see_warnings=request.user.has_perm("complaints.view_oversightwarning"),
        can_see_remediation=request.user.has_perm("complaints.view_remediationitem"),
        compared=compared,
        escalation_tables=_escalation_tables(period, branch),
    )
    return TemplateResponse(request, "complaints/compliance/dashboard.html", context)


def report_view(request, file_format):
    require(request, DASHBOARD_PERMISSION)
    if file_format not in ("json", "xlsx"):
        raise Http404
    form = PeriodForm.from_request(request)
    period, branch = form.period(), form.cleaned_data.get("branch")
    report = reports.complaint_report(period=period, branch=branch)
    name = f"complaint-report-{period.label.replace(' ', '-')}{'-' + branch.slug if branch else ''}"
    if file_format == "json":
        response = JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    buffer = io.BytesIO()
    figures = performance.performance(period=period, branch=branch)
    workbook.report_xlsx(
        report,
        reports.monthly_trend(period=period, branch=branch),
        buffer,
        figures,
        extra_sheets=comparison.workbook_sheets(period, branch),
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
