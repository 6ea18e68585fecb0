"""A compliance officer's regulator year in a real browser: two consumer-protection reviews recorded, a rule
revision entered and approved by a second officer after reading its what-if, and the self-assessment drafted
from the rating figures (its PDF opened)."""

import pytest

from complaints.compliance.models import ReviewItem
from complaints.models import RuleVersion
from notices.models import Notice
from portal import roles

from .conftest import compliance_officer_and_year, officer_signed_in

PASSWORD = "a-long-officer-password-7"
BASE = "/admin/complaints/compliancedashboard"


@pytest.fixture
def officers(transactional_db, make_user):
    compliance_officer_and_year(make_user, PASSWORD)
    make_user("second", groups=[roles.COMPLIANCE_OFFICER], password=PASSWORD)


def record_review(page, reference, kind, title, adopted, not_adopted=""):
    page.fill("#id_reference", reference)
    page.select_option("#id_kind", kind)
    page.fill("#id_title", title)
    page.fill("#id_requester", "产品部")
    page.fill("#id_reviewer", "消保部 王审")
    page.fill("#id_reviewed_on", "2023-04-10")
    page.fill("#id_adopted", adopted)
    page.fill("#id_not_adopted", not_adopted)
    page.get_by_role("button", name="Record the review").click()


def test_an_officer_records_reviews_revises_the_rules_with_a_second_approver_and_drafts_the_self_assessment(
    officers, live_server, browser, check_a11y
):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    base = f"{live_server.url}/en"
    officer_signed_in(page, base, PASSWORD, "Log in")

    page.goto(f"{base}{BASE}/?year=2023")
    page.locator("#review-register").click()
    record_review(page, "XB-2023-001", "product", "金福年金保险条款", "删除“保本”字样")
    assert "The review XB-2023-001 is recorded." in page.content()
    page.goto(f"{base}{BASE}/reviews/?year=2023")
    record_review(page, "XB-2023-002", "marketing", "年金产品宣传海报", "补充风险提示", "改用通俗表述")
    assert page.locator("#review-counts").inner_text() == ("2 reviews in the year; 3 opinions given, 2 adopted.")
    assert ReviewItem.objects.count() == 2
    assert check_a11y(page) == []

    page.goto(f"{base}{BASE}/rules/")
    page.fill("#id_title", "银行业保险业消费投诉处理管理办法（修订）")
    page.fill("#id_effective_from", "2099-01-01")
    page.fill("#id_base_days", "10")
    page.get_by_role("button", name="Enter the version").click()
    assert page.locator("#what-if-rate").is_visible()
    assert "None: a version dated in the future" in page.locator("#what-if").inner_text()
    assert page.locator("#approve-version").count() == 0  # not by whoever entered it
    version = RuleVersion.objects.get(status="pending")

    context.clear_cookies()
    page.goto(f"{base}/admin/")
    page.fill("#id_username", "second")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}{BASE}/rules/{version.pk}/")
    page.get_by_role("button", name="Approve as second approver").click()
    assert "The version is approved." in page.content()
    version.refresh_from_db()
    assert version.status == "approved" and version.approved_by.username == "second"

    page.goto(f"{base}{BASE}/rating/?year=2023")
    governance = page.locator("#element-governance")
    assert governance.locator('tr[data-figure="reviews"] td').first.inner_text() == "2"
    page.get_by_role("button", name="Draft the self-assessment").click()
    assert "A draft self-assessment for 2023 was created from the figures." in page.content()
    notice = Notice.objects.get(slug="rating-self-assessment-2023")
    assert "- 消保审查：2" in notice.body_zh_hans
    response = page.request.get(live_server.url + page.locator("#assessment-pdf").get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF-")
    assert check_a11y(page) == []
    context.close()
