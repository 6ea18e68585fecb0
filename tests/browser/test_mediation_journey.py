"""Mediation in a real browser: a decided complaint taken to mediation, the company's answer, a settlement that a
branch-level approver is refused and the head office approves, the outcome recorded (in Chinese); the record page
with its mediation panel read in English on a phone."""

from datetime import date

import pytest

from complaints import services
from complaints.models import Mediation
from portal import roles
from tests.complaints.factories import register


@pytest.fixture
def decided(transactional_db, make_user):
    team = {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "branch_head": make_user("branch_head", groups=[roles.SUPERVISOR]),
        "head_office": make_user("head_office", groups=[roles.SENIOR_MANAGER]),
        "officer": make_user("officer", groups=[roles.COMPLIANCE_OFFICER]),
        "second": make_user("second", groups=[roles.COMPLIANCE_OFFICER]),
    }
    table = services.settlement_authority_enter(
        actor=team["officer"], effective_from=date.today(), branch_limit="20000", head_office_limit="500000"
    )
    services.settlement_authority_decide(table=table, actor=team["second"], approve=True)
    services.staff_authority_set(actor=team["supervisor"], user=team["branch_head"], level="branch")
    services.staff_authority_set(actor=team["supervisor"], user=team["head_office"], level="head_office")
    complaint = register(team["supervisor"])
    services.complaint_assign(complaint=complaint, actor=team["supervisor"], handler=team["handler"])
    services.complaint_accept(complaint=complaint, actor=team["handler"])
    return services.complaint_decide(
        complaint=complaint,
        actor=team["handler"],
        decision="经核查，不予支持。",
        outcome="not_upheld",
        remedies=["review", "mediation"],
        reliefs=["explanation"],
    )


def _signed_in(browser, base: str, username: str, *, locale="zh-CN", width=1280):
    """A browser of `username`, signed in through a session made on the server (the sign-in form is the admin's
    own journey; here it would only add time)."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    return context.new_page()


def test_a_decided_complaint_is_mediated_and_its_settlement_approved_at_the_right_level_in_chinese(
    decided, live_server, browser
):
    record = f"{live_server.url}/admin/complaints/complaint/{decided.pk}/change/"
    handler = _signed_in(browser, live_server.url, "handler")
    handler.goto(record)
    handler.locator("#mediation-open").click()
    handler.select_option("#id_origin", "complainant")
    handler.select_option("#id_body_kind", "committee")
    handler.fill("#id_body", "上海市保险合同纠纷人民调解委员会")
    handler.get_by_role("button", name="转入调解").click()
    handler.wait_for_url(record)
    handler.locator("#mediation-respond").click()
    handler.fill("#id_mediator", "李调解员")
    handler.get_by_role("button", name="登记公司响应").click()
    handler.wait_for_url(record)
    handler.locator("#mediation-propose").click()
    handler.fill("#id_amount", "30000")
    handler.get_by_role("button", name="提出和解方案").click()
    handler.wait_for_url(record)
    assert "30000.00元，须由总公司级审批" in handler.locator("#mediation-panel").inner_text()
    mediation = Mediation.objects.get()
    approve = f"{live_server.url}/admin/complaints/complaint/mediation/{mediation.pk}/approve/"

    branch = _signed_in(browser, live_server.url, "branch_head")
    branch.goto(approve)
    assert "须由总公司级审批；您的授权（分公司级）上限为20,000.00元" in branch.locator("#not-now").inner_text()

    head = _signed_in(browser, live_server.url, "head_office")
    head.goto(approve)
    head.get_by_role("button", name="审批和解方案").click()
    head.wait_for_url(record)

    handler.goto(record)
    handler.locator("#mediation-outcome").click()
    handler.select_option("#id_outcome", "settled")
    handler.fill("#id_settled_amount", "27000")
    handler.get_by_role("button", name="登记调解结果").click()
    handler.wait_for_url(record)
    panel = handler.locator("#mediation-panel").inner_text()
    assert "调解成功" in panel and "27000.00元" in panel and "head_office于" in panel
    handler.screenshot(path="/tmp/mediation-record-zh-1280.png", full_page=True)
    mediation.refresh_from_db()
    assert mediation.settled_amount == 27000 and mediation.approved_by.username == "head_office"


def test_the_english_record_page_shows_the_mediation_on_a_phone(decided, live_server, browser, check_a11y):
    handler = next(user for user in [decided.handler])
    services.mediation_open(
        complaint=decided,
        actor=handler,
        origin="platform",
        body_kind="other",
        body="Shanghai Financial Mediation Centre",
    )
    page = _signed_in(browser, live_server.url, "handler", locale="en-US", width=360)
    page.goto(f"{live_server.url}/en/admin/complaints/complaint/{decided.pk}/change/")
    panel = page.locator("#mediation-panel").inner_text()
    assert "Referred by the national complaint platform" in panel and "Due by" in panel
    assert page.locator("#mediation-respond").inner_text() == "Record the company's answer"
    page.screenshot(path="/tmp/mediation-record-en-360.png", full_page=True)
    assert check_a11y(page) == []
