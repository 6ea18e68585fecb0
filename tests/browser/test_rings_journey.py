"""A supervisor in a real browser reads a surrender-agent ring's map and logs a tip to the regulator (in Chinese);
the English page of the same ring is checked in the same journey."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.compliance import alerts
from complaints.compliance.models import RingTip
from portal import roles
from tests.complaints.compliance.test_rings import make_ring

PASSWORD = "a-long-supervisor-password-7"


@pytest.fixture
def supervisor_and_ring(transactional_db, make_user):
    make_user("officer", groups=[roles.SUPERVISOR], password=PASSWORD)
    now = timezone.now()
    ring = make_ring(lambda index: now - timedelta(days=30 - 4 * index))
    alerts.alerts_run(as_of=timezone.localdate() - timedelta(days=1), notify=False)
    return ring


def test_a_supervisor_reads_a_rings_map_and_logs_a_tip_to_the_regulator(
    supervisor_and_ring, live_server, browser, check_a11y
):
    key = supervisor_and_ring[0].tracking_number
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="合规看板").first.click()
    page.locator("#rings-link").click()
    page.get_by_role("link", name=key).click()
    page.wait_for_url(re.compile(r"/compliancedashboard/rings/TS-"))

    table = page.locator("#ring-map")
    assert table.locator("tbody tr").count() == 4
    assert "代理人电话相同" in table.locator("thead").text_content()
    assert "出现在4件不同投保人的投诉中" in page.locator("#ring-signals").inner_text()
    assert check_a11y(page) == []
    page.screenshot(path="/tmp/rings-map-zh-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path="/tmp/rings-map-zh-360.png", full_page=True)

    page.select_option("#id_recipient", "regulator")
    page.fill("#id_sent_on", timezone.localdate().isoformat())
    page.fill("#id_reference", "川金监消保〔2026〕7号")
    page.fill("#id_note", "附关联图。")
    page.locator("#record-tip").click()
    page.wait_for_url(re.compile(rf"/rings/{key}/$"))
    assert "川金监消保〔2026〕7号" in page.locator("#ring-tips").inner_text()
    tip = RingTip.objects.get()
    assert tip.recipient == "regulator" and tip.complaints.count() == 4

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/en/admin/complaints/compliancedashboard/rings/{key}/")
    assert "Same representative's phone" in page.locator("#ring-map thead").text_content()
    assert "The regulator (NFRA office)" in page.locator("#ring-tips").inner_text()
    assert check_a11y(page) == []
    page.screenshot(path="/tmp/rings-map-en-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path="/tmp/rings-map-en-360.png", full_page=True)
    context.close()
