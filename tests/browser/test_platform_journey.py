"""A case transferred by the national complaint platform, in a real browser: a handler registers it in Chinese from
the platform's notice (its reference and reply date), answers it (a decision with its redress) and records the
report-back to the platform; the record page is then read in English. Each page is checked with axe and without
sideways scrolling (set PORTAL_SCREENSHOTS to keep screenshots at 1280 and 360 px)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint
from portal import demo as portal_demo
from portal import roles

from .conftest import format_findings
from .test_intake_and_search_browser import PASSWORD, look

REFERENCE = "PT2026112000042"


@pytest.fixture
def handler(transactional_db, make_user):
    portal_demo.load()
    return make_user("handler", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD)


def test_a_handler_registers_a_platform_case_answers_it_and_reports_back_read_in_both_languages(
    handler, live_server, browser, check_a11y
):
    today = timezone.localdate()
    reply_by = today + timedelta(days=7)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill('input[name="username"]', "handler")
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")

    page.goto(live_server.url + "/admin/complaints/complaint/register/")
    page.select_option('select[name="channel"]', "email")
    page.select_option('select[name="source"]', "platform")
    page.fill('input[name="name"]', "周敏")
    page.fill('input[name="phone"]', "137 0000 0042")
    page.select_option('select[name="category"]', "claims")
    page.fill('textarea[name="description"]', "平台转办：住院医疗理赔一个月未有结论。")
    page.click('input[type="submit"]')
    assert "请填写平台转办编号。" in page.locator("#content-main").inner_text()
    page.fill('input[name="platform_ref"]', REFERENCE)
    page.fill('input[name="platform_deadline"]', reply_by.isoformat())
    page.click('input[type="submit"]')
    page.wait_for_url("**/change/")
    complaint = Complaint.objects.get(platform_ref=REFERENCE)
    assert complaint.source == "platform" and complaint.due_date == reply_by
    facts = page.locator("#platform-ref").locator("..").inner_text()
    assert REFERENCE in facts and "平台要求答复日期" in facts and "向平台反馈" in facts
    look(page, "platform-zh-record", check_a11y)

    page.click('a[data-action="accept"]')
    page.click('form.cp-action-form input[type="submit"]')
    page.click('a[data-action="decide"]')
    page.fill('textarea[name="decision"]', "经核查，理赔材料齐全，我司已作出赔付决定。")
    page.select_option('select[name="outcome"]', "upheld")
    page.check('input[name="reliefs"][value="claim_paid"]')
    page.click('form.cp-action-form input[type="submit"]')
    page.click('a[data-action="report_back"]')
    assert "向平台反馈" in page.locator("h1").inner_text()
    page.fill('input[name="reference"]', "小康消保平台答复〔2026〕42号")
    page.click('form.cp-action-form input[type="submit"]')
    page.wait_for_url("**/change/")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reliefs, complaint.reported_back_on) == ("decided", ["claim_paid"], today)
    assert "已向平台反馈" in page.locator("#complaint-history").inner_text()

    page.goto(live_server.url + f"/en/admin/complaints/complaint/{complaint.pk}/change/")
    report_back = page.locator("#report-back")
    assert "Sent on" in report_back.inner_text() and "Late" not in report_back.inner_text()
    facts = page.locator("#platform-ref").locator("..").inner_text()
    assert "Platform's reply date" in facts and "Report-back to the platform" in facts
    assert "Reported back to the platform" in page.locator("#complaint-history").inner_text()
    findings = check_a11y(page)
    assert findings == [], format_findings(findings)
    look(page, "platform-en-record", check_a11y)
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    context.close()
