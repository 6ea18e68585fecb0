"""Complaint statistics: the JSON contract, Beijing-time periods, on time by the complaints app's due dates,
the business-volume ratios, the filing workbook, and a fixed number of queries."""

import json
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from complaints import services
from complaints.compliance.importer import complaint_import
from complaints.compliance.models import ReportingVolume
from complaints.compliance.reports import Period, complaint_report
from tests.complaints.factories import extend, frozen_at, register, shanghai

from .files import csv_bytes, row, seed_year_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


_frozen = frozen_at(NOW, language="en")


def _report_json(*args) -> dict:
    out = StringIO()
    call_command("complaint_report", *args, stdout=out)
    return json.loads(out.getvalue())


def test_an_imported_year_mirroring_the_seed_disclosure_gives_exactly_its_figures():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    report = _report_json("--year", "2023", "--format", "json")
    assert report["total"] == 15
    assert report["by_source"] == {"self": 12, "regulator": 3, "platform": 0}
    assert report["closed"] == 15 and report["closed_on_time"] == 15 and report["on_time_rate"] == 1.0
    assert report["open"] == 0 and report["overdue"] == 0
    assert report["closed_within"] == {"15": 15, "30": 15, "60": 15}
    assert report["by_business_channel"]["broker"] == 7 and report["by_business_channel"]["internet"] == 5
    assert report["by_category"]["sales"] == 7 and report["by_category"]["policy_service"] == 5
    assert report["by_province"]["北京"] == 6 and report["by_province"]["安徽"] == 1
    assert sum(report["by_channel"].values()) == 15 and sum(report["by_province"].values()) == 15
    assert report["regulator_share"] == 0.2
    assert report["period"]["start"] == "2023-01-01" and report["period"]["end"] == "2023-12-31"
    assert report["per_100m_premium"] is None
    assert set(report) >= {
        "period", "total", "by_source", "by_channel", "by_business_channel", "by_category", "by_province",
        "closed", "closed_on_time", "on_time_rate", "open", "overdue", "closed_within", "median_days_to_close",
        "regulator_share", "per_100m_premium", "per_10k_policies", "per_10k_insured",
    }  # fmt: skip


def test_a_complaint_received_2024_01_01_00_30_beijing_time_counts_in_2024_not_2023():
    complaint_import(data=csv_bytes([row(received="2024-01-01 00:30"), row(received="2023-12-31 23:59", name="乙")]))
    assert _report_json("--year", "2024")["total"] == 1
    assert _report_json("--year", "2023")["total"] == 1
    assert _report_json("--year", "2024", "--quarter", "1")["total"] == 1
    assert _report_json("--year", "2023", "--quarter", "4")["total"] == 1
    assert _report_json("--year", "2023", "--quarter", "3")["total"] == 0


def test_on_time_follows_the_due_date_of_the_complaints_app_including_extensions(supervisor, senior):
    with time_machine.travel(shanghai(2025, 3, 1), tick=False):
        late = register(received_at=shanghai(2025, 3, 1))
        extended = register(received_at=shanghai(2025, 3, 1), name="李四")
        for complaint in (late, extended):
            services.complaint_accept(complaint=complaint, actor=supervisor)
        extend(extended, requester=supervisor, approver=senior)
    with time_machine.travel(shanghai(2025, 3, 25), tick=False):
        for complaint in (late, extended):
            services.complaint_decide(
                complaint=complaint,
                actor=supervisor,
                decision="维持",
                outcome="not_upheld",
                reliefs=["explanation"],
                remedies=["review"],
            )
    report = complaint_report(period=Period(2025), today=date(2026, 11, 21))
    assert report["closed"] == 2
    assert report["closed_on_time"] == 1  # 24 days: late on 15, on time on the extended 30
    assert report["on_time_rate"] == 0.5
    assert report["closed_within"] == {"15": 0, "30": 2, "60": 2}
    assert report["median_days_to_close"] == 24.0


def test_open_and_overdue_complaints_are_counted_by_the_complaints_app_rules():
    register(received_at=shanghai(2026, 10, 1))  # due 10-16, still open on 11-21: overdue
    register(received_at=shanghai(2026, 11, 20), name="李四")  # not yet due
    report = complaint_report(period=Period(2026, 4), today=date(2026, 11, 21))
    assert (report["total"], report["open"], report["overdue"], report["closed"]) == (2, 2, 1, 0)
    assert report["on_time_rate"] is None and report["median_days_to_close"] is None


def test_ratios_per_premium_policies_and_insured_use_the_period_volume():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    ReportingVolume.objects.create(year=2023, premium=Decimal("3000000000"), policies=150_000, insured=300_000)
    report = complaint_report(period=Period(2023))
    assert report["per_100m_premium"] == 0.5
    assert report["per_10k_policies"] == 1.0
    assert report["per_10k_insured"] == 0.5
    assert complaint_report(period=Period(2023, 1))["per_100m_premium"] is None


def test_a_branch_report_counts_only_that_branch(demo):
    from portal.models import Branch

    branch = Branch.objects.first()
    register(received_at=shanghai(2025, 5, 1), branch=branch)
    register(received_at=shanghai(2025, 5, 1), name="李四")
    report = _report_json("--year", "2025", "--branch", branch.slug)
    assert report["total"] == 1 and report["period"]["branch"] == branch.slug
    with pytest.raises(CommandError, match="No such branch"):
        call_command("complaint_report", "--year", "2025", "--branch", "nowhere")


def test_the_filing_workbook_has_a_sheet_per_breakdown_with_chinese_headings_and_totals_that_add_up(tmp_path):
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    output = tmp_path / "report.xlsx"
    call_command("complaint_report", "--year", "2023", "--format", "xlsx", "--output", str(output), stderr=StringIO())
    workbook = load_workbook(output, read_only=True)
    assert workbook.sheetnames == [
        "总表",
        "投诉来源",
        "受理渠道",
        "业务渠道",
        "投诉类别",
        "地区分布",
        "险种",
        "根本原因",
        "责任单位",
        "月度趋势",
        "办结时效",
        "分支机构考评",
        "经办人考评",
        "调解",
        "同比环比",
        "越级投诉",
        "营销员及合作机构",
        "系统性问题",
    ]
    for name in (
        "投诉来源",
        "受理渠道",
        "业务渠道",
        "投诉类别",
        "地区分布",
        "险种",
        "根本原因",
        "责任单位",
        "月度趋势",
    ):
        rows = list(workbook[name].iter_rows(values_only=True))
        assert rows[-1][0] == "合计" and rows[-1][1] == 15
        assert sum(r[1] for r in rows[1:-1]) == 15
    summary = dict(list(workbook["总表"].iter_rows(values_only=True))[1:])
    assert summary["投诉总量"] == 15 and summary["监管转办"] == 3 and summary["自收"] == 12
    assert summary["按时办结率"] == 1
    # Every imported closing has the code "other" and the unit "as recorded in the source".
    causes = {line[0]: line[1] for line in list(workbook["根本原因"].iter_rows(values_only=True))[1:]}
    assert causes["其他"] == 15 and causes["产品设计"] == 0
    company = list(workbook["分支机构考评"].iter_rows(values_only=True))[-1]
    assert company[:4] == ("全公司", 15, 15, 15) and company[4] == 1


def test_the_report_costs_the_same_queries_for_few_or_many_complaints(django_assert_num_queries):
    complaint_import(data=csv_bytes(seed_year_rows(2023)[:2]), name="a.csv")
    # the six queries of the figures, one for the satisfaction answers, one for the redress, two for care (the
    # flags in one aggregate, the further requests), one for the first contact, group and uphold figures, one
    # for the complaints per agent and partner, three for the systemic issues,
    # one for the mediations
    with django_assert_num_queries(16):
        complaint_report(period=Period(2023))
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="b.csv")
    with django_assert_num_queries(16):
        complaint_report(period=Period(2023))


def test_bad_arguments_are_clear_errors():
    with pytest.raises(CommandError):
        call_command("complaint_report", "--year", "1800")
    with pytest.raises(CommandError, match="--output"):
        call_command("complaint_report", "--year", "2023", "--format", "xlsx")
