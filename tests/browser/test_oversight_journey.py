"""A compliance officer in a real browser, in both languages: sees the day's early warning, follows it to the
complaints behind it, sets a remediation item on one of them, and publishes a year's statistics."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from complaints.compliance import alerts
from complaints.compliance.models import PublishedStatistics
from complaints.models import RemediationItem
from tests.complaints.compliance.test_alerts import CATEGORIES, PROVINCES, _make

from .conftest import compliance_officer_and_year, officer_signed_in

PASSWORD = "a-long-officer-password-6"


@pytest.fixture
def officer_and_spike(transactional_db, make_user):
    compliance_officer_and_year(make_user, PASSWORD)
    yesterday = timezone.localdate() - timedelta(days=1)
    baseline = [
        (yesterday - timedelta(days=8 + (index * 5) % 80), CATEGORIES[index % 5 + 1], PROVINCES[index % 6])
        for index in range(60)
    ]
    spike = [(yesterday - timedelta(days=index % 7), "claims", "四川") for index in range(30)]
    _make(baseline + spike)
    alerts.alerts_run(as_of=yesterday, notify=False)
    return yesterday


@pytest.mark.parametrize(
    ("language", "prefix", "texts"),
    [
        ("zh-CN", "", {"login": "登录", "dashboard": "合规看板", "warnings": "预警", "show": "查看投诉",
                        "add": "添加整改事项", "save": "保存", "publish": "发布统计数据", "received": "受理投诉"}),
        ("en-US", "/en", {"login": "Log in", "dashboard": "Compliance dashboard", "warnings": "Early warnings",
                          "show": "Show the complaints", "add": "Add a remediation item", "save": "Save",
                          "publish": "Publish the statistics", "received": "Complaints received"}),
    ],
)  # fmt: skip
def test_an_officer_follows_a_warning_to_the_complaints_sets_a_remediation_item_and_publishes_a_year(
    officer_and_spike, live_server, browser, check_a11y, language, prefix, texts
):
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    officer_signed_in(page, f"{live_server.url}{prefix}", PASSWORD, texts["login"])
    page.get_by_role("link", name=texts["dashboard"]).first.click()

    page.locator("#early-warnings").click()
    # count() does not wait: let the list arrive first (a loaded machine answers the click slowly).
    page.locator("#result_list tbody tr").first.wait_for()
    row = (
        page.locator("#result_list tbody tr", has_text="claims" if prefix else "理赔")
        .filter(has_text="week" if prefix else "周")
        .first
    )
    if not row.count():
        row = page.locator("#result_list tbody tr", has_text="claims" if prefix else "理赔").first
    assert row.count() == 1
    page.screenshot(path=f"/tmp/oversight-warnings-{language}.png", full_page=True)
    assert check_a11y(page) == []
    row.get_by_role("link", name=texts["show"]).click()
    page.wait_for_url(re.compile(r"/admin/complaints/complaint/\?.*category__exact=claims"))
    complaints = page.locator("#result_list tbody tr")
    assert complaints.count() >= 30

    complaints.first.locator("th a").click()
    page.wait_for_url(re.compile(r"/admin/complaints/complaint/\d+/change/"))
    page.locator("#add-remediation").click()
    page.wait_for_url(re.compile(r"/remediationitem/add/\?complaint=\d+"))
    page.fill("#id_action", "复核四川理赔时效" if not prefix else "Review claim times in Sichuan")
    page.fill("#id_due_date", (date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name=texts["save"], exact=True).click()
    page.wait_for_url(re.compile(r"/admin/complaints/remediationitem/($|\?)"))
    item = RemediationItem.objects.get()
    assert item.owner.username == "officer" and item.status == "open"
    assert item.complaint.events.filter(action="remediation").count() == 1
    page.screenshot(path=f"/tmp/oversight-queue-{language}.png", full_page=True)

    page.goto(f"{live_server.url}{prefix}/admin/complaints/compliancedashboard/?year=2023")
    page.select_option("#publish-statistics #id_year", "2023")
    page.locator("#publish-statistics-button").click()
    page.wait_for_load_state("load")
    assert PublishedStatistics.objects.get(year=2023, quarter=0).figures["total"] == 15
    page.goto(f"{live_server.url}{prefix}/statistics/")
    assert page.locator("#stats-total").inner_text() == "15"
    assert texts["received"] in page.content()
    page.screenshot(path=f"/tmp/oversight-statistics-{language}.png", full_page=True)
    assert check_a11y(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=f"/tmp/oversight-statistics-{language}-360.png", full_page=True)
    context.close()
