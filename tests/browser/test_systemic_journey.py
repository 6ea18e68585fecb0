"""A compliance officer in a real browser, in Chinese: opens a systemic issue from an agent's early warning,
lists the customer who did not complain, settles the remedy and closes the issue; the English oversight page then
shows the warning's disposition."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.compliance import alerts
from complaints.models import SalesAgent, SystemicIssue
from portal import roles
from tests.complaints.factories import register

from .conftest import officer_signed_in

PASSWORD = "a-long-officer-password-29"


@pytest.fixture
def agent_warning(transactional_db, make_user):
    make_user("officer", groups=[roles.COMPLIANCE_OFFICER], password=PASSWORD)
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    agent = SalesAgent.objects.create(code="A9001", name="吴敏", unit="个险三部")
    yesterday = timezone.localdate() - timedelta(days=1)
    for index in range(3):
        received = timezone.now() - timedelta(days=2 + index)
        complaint = register(received_at=received, phone=f"1361234{index:04d}", category="sales")
        services.complaint_name_seller(complaint=complaint, actor=supervisor, sales_agent=agent)
    alerts.alerts_run(as_of=yesterday, notify=False)
    return agent


def test_an_officer_opens_an_issue_from_a_warning_and_follows_it_to_the_end(agent_warning, live_server, zh_page):
    page = zh_page
    officer_signed_in(page, live_server.url, PASSWORD, "登录")
    page.get_by_role("link", name="合规看板").first.click()
    page.locator("#warning-dispositions").click()
    row = page.locator("#warnings tbody tr", has_text="A9001 吴敏")
    assert "尚无" in row.inner_text()
    row.locator("summary").click()
    row.get_by_label("处置").select_option("issue_opened")
    row.get_by_label("新问题标题").fill("营销员夸大分红险收益")
    row.get_by_role("button", name="记录").click()

    page.locator("#issue-facts").wait_for()
    assert "预警处置已记录。" in page.locator(".messagelist").inner_text()
    assert page.locator("#issue-complaints a").count() == 3
    page.get_by_text("添加客户").click()
    form = page.locator("#customer-form")
    form.get_by_label("姓名").fill("冯桂兰")
    form.get_by_label("电话").fill("13910012003")
    form.get_by_label("保单号").fill("P-2025-880103")
    form.get_by_role("button", name="添加").click()
    customer = page.locator("#customers tbody tr", has_text="P-2025-880103")
    assert "139****2003" in customer.inner_text() and "待处理" in customer.inner_text()

    page.locator("#close-issue").click()
    assert "尚有 1 位受影响客户未解决" in page.locator("#close-form").inner_text()
    customer = page.locator("#customers tbody tr", has_text="P-2025-880103")
    customer.get_by_label("补救状态").select_option("settled")
    customer.get_by_label("金额（元）").fill("2400")
    customer.get_by_role("button", name="保存").click()
    assert "已解决" in page.locator("#customers tbody tr", has_text="P-2025-880103").inner_text()
    page.get_by_label("关闭说明").fill("已退还保费并致歉。")
    page.locator("#close-issue").click()
    assert page.locator("#issue-status").inner_text().startswith("已关闭")
    assert SystemicIssue.objects.get().status == "closed"

    page.goto(f"{live_server.url}/en/admin/complaints/compliancedashboard/warnings/")
    row = page.locator("#warnings tbody tr", has_text="A9001")
    assert "Issue opened" in row.inner_text() and SystemicIssue.objects.get().reference in row.inner_text()
    assert "Sales agent" in row.inner_text() and "Many complaints name one agent or partner" in row.inner_text()
