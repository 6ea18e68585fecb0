"""What was told, seen in a real browser: the complainant's status page lists the texts we sent (in their
language), the case page in the admin lists every message with the recipient masked, and the handler's work
queue opens with their unread alerts. Screenshots at 1280 and 360 px go to /tmp/portal-screens/."""

from pathlib import Path

import pytest

from complaints import services
from portal import demo as portal_demo
from portal import roles

from .conftest import format_findings, shoot

PASSWORD = "a-long-test-password-1"
SHOTS = Path("/tmp/portal-screens")


def _shots(page, name):
    shoot(page, SHOTS, name)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_complainant_sees_what_we_told_them_and_staff_see_every_message_and_their_alerts(
    lang, transactional_db, make_user, settings, live_server, browser, request, check_a11y, run_worker
):
    settings.PORTAL_SMS_BACKEND = "memory"
    portal_demo.load()
    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD)
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR], password=PASSWORD)
    language = "zh-hans" if lang == "zh" else "en"
    complaint = services.complaint_submit(
        name="陈晓梅",
        phone="13812345678",
        email="chen@example.com",
        description="理赔三个月没有结果",
        language=language,
    )
    services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
    services.complaint_accept(complaint=complaint, actor=handler)
    # The handler asks for more time and the supervisor grants it: the complainant is told at the grant.
    extension = services.complaint_request_extension(
        complaint=complaint, actor=handler, reason="需调取通话录音" if lang == "zh" else "we need the call recording"
    )
    services.extension_grant(request=extension, actor=supervisor)
    run_worker()
    prefix = "" if lang == "zh" else "/en"
    page = request.getfixturevalue("zh_page" if lang == "zh" else "page")
    base = live_server.url + prefix

    page.goto(base + "/complaints/track/")
    page.fill('input[name="tracking_number"]', complaint.tracking_number)
    page.fill('input[name="phone"]', "13812345678")
    page.click('form button[type="submit"]')
    page.wait_for_url("**/complaints/track/status/")
    told = page.locator("#messages-told li")
    assert told.count() == 3
    expected = (
        ("我们已于", "短信已发送", "需调取通话录音")
        if lang == "zh"
        else ("We received", "Text message sent", "call recording")
    )
    text = page.locator("#messages-told").inner_text()
    assert all(word in text for word in expected), text
    assert check_a11y(page) == [], format_findings(check_a11y(page))
    _shots(page, f"status-{lang}")

    page.goto(base + "/admin/login/")
    page.fill('input[name="username"]', "handler")
    page.fill('input[name="password"]', PASSWORD)
    page.click('#login-form input[type="submit"]')
    page.wait_for_url("**/admin/")
    page.goto(base + "/admin/complaints/complaint/")
    inbox = page.locator("#inbox").inner_text()
    assert complaint.tracking_number in inbox and ("未读提醒" in inbox if lang == "zh" else "unread alert" in inbox)
    _shots(page, f"queue-{lang}")
    page.goto(base + f"/admin/complaints/complaint/{complaint.pk}/change/")
    rows = page.locator("#complaint-messages tbody tr")
    assert rows.count() == 6  # three texts and three emails
    table = page.locator("#complaint-messages").inner_text()
    assert "138****5678" in table and "c***@example.com" in table
    assert "13812345678" not in table and "chen@example.com" not in table
    _shots(page, f"case-{lang}")
