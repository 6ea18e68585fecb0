"""The platform's cases in the figures: `by_source.platform` and `platform_forwarded` of complaint_report (shaped
like `regulator_forwarded`), the workbook's rows, the dashboard's by-source chart and the rating's figure."""

from datetime import date

import pytest

from complaints import services
from complaints.compliance.disclosure import complaint_section
from complaints.compliance.rating.figures import rating_figures
from complaints.compliance.reports import Period, complaint_report
from complaints.compliance.vocabulary import REPORT_FIGURES
from portal import roles
from tests.complaints.factories import frozen_at, register, shanghai

pytestmark = pytest.mark.django_db

_frozen = frozen_at(shanghai(2026, 12, 1, 9), language="en")


def _decide(complaint, actor):
    services.complaint_accept(complaint=complaint, actor=actor)
    services.complaint_start(complaint=complaint, actor=actor)
    services.complaint_decide(
        complaint=complaint, actor=actor, decision="维持原理赔结论。", outcome="not_upheld", reliefs=["explanation"],
        remedies=["review"],
    )  # fmt: skip


@pytest.fixture
def year(make_user, time_machine):
    """November 2026: three platform cases (one answered and reported back in time, one reported back after the
    platform's date, one still open), one regulator-forwarded case and one received directly."""
    staff = make_user("supervisor", groups=[roles.SUPERVISOR])
    time_machine.move_to(shanghai(2026, 11, 2, 9), tick=False)
    on_time = register(staff, source="platform", platform_ref="PT-1", platform_deadline=date(2026, 11, 9))
    late = register(
        staff, source="platform", platform_ref="PT-2", platform_deadline=date(2026, 11, 5), phone="13900000002"
    )
    register(staff, source="platform", platform_ref="PT-3", phone="13900000003")
    register(staff, source="regulator", regulator_ref="京金监投〔2026〕9号", phone="13900000004")
    register(staff, phone="13900000005")
    time_machine.move_to(shanghai(2026, 11, 4, 9), tick=False)
    _decide(on_time, staff)
    _decide(late, staff)
    services.complaint_report_back(complaint=on_time, actor=staff, reference="答复-1")
    time_machine.move_to(shanghai(2026, 11, 6, 9), tick=False)
    services.complaint_report_back(complaint=late, actor=staff, reference="答复-2")
    time_machine.move_to(shanghai(2026, 12, 1, 9), tick=False)
    return staff


def test_the_report_counts_the_platforms_cases_apart_shaped_like_the_regulators(year):
    report = complaint_report(period=Period(2026, quarter=4))
    assert report["by_source"] == {"self": 1, "regulator": 1, "platform": 3}
    assert report["platform_forwarded"] == {
        "total": 3, "closed": 2, "closed_on_time": 2, "on_time_rate": 1.0, "reported_back": 2, "reported_back_on_time": 1,
    }  # fmt: skip
    assert report["platform_forwarded"].keys() == report["regulator_forwarded"].keys()
    assert report["regulator_forwarded"]["total"] == 1 and report["regulator_forwarded"]["reported_back"] == 0
    rows = {figure.key: figure.value(report) for figure in REPORT_FIGURES}
    assert rows["by_source.platform"] == 3 and rows["platform_forwarded.reported_back_on_time"] == 1


def test_the_rating_figure_for_the_platform_has_its_value_and_its_evidence_link(year):
    figures = rating_figures(2026)
    dispute = next(e for e in figures["elements"] if e["key"] == "dispute_resolution")
    platform = next(f for f in dispute["figures"] if f["key"] == "on_time_rate_platform")
    own = next(f for f in dispute["figures"] if f["key"] == "on_time_rate_own")
    assert platform["value"] == 100.0 and "source__exact=platform" in platform["source"]
    assert own["value"] is None  # the one direct complaint is still open: no platform case counts as direct


def test_the_dashboards_by_source_chart_shows_the_platform(year, client, make_user):
    client.force_login(make_user("officer", groups=[roles.COMPLIANCE_OFFICER]))
    page = client.get("/en/admin/complaints/compliancedashboard/?year=2026").text
    assert "Transferred by the national complaint platform" in page


def test_the_disclosure_draft_states_the_platforms_cases_apart_so_the_parts_add_up(year):
    section = complaint_section(2026)
    assert "共处理消费投诉5件，其中监管转办1件，金融消费者保护服务平台转办3件，公司自收1件。" in section["zh_hans"]
    assert "### 平台转办投诉案件" in section["zh_hans"]
    assert (
        "1 forwarded by the regulator, 3 transferred by the national complaint platform and 1 received"
        in (section["en"])
    )
