"""The workbench in a real browser at 1280 px, in Chinese and in English, for a handler and a supervisor: the
index starts with the work queue, its link opens the list filtered, the list needs no sideways scrolling, the
record shows its header, next steps and timeline at the top. Set PORTAL_SCREENSHOTS to a folder to keep the
screenshots."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from complaints import services
from portal import demo as portal_demo
from portal import roles
from tests.complaints.factories import register

PASSWORD = "a-long-test-password-3"
LANGUAGES = {"zh": ("zh-CN", "", "登录"), "en": ("en-US", "/en", "Log in")}


@pytest.fixture
def team(transactional_db, make_user):
    portal_demo.load()
    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD)
    handler.first_name, handler.last_name = "伟", "李"
    handler.save()
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR], password=PASSWORD)
    now = timezone.now()
    complaints = []
    for days_ago, phone in ((20, "13800000001"), (13, "13800000002"), (5, "13800000003")):
        complaint = register(supervisor, received_at=now - timedelta(days=days_ago), phone=phone, name="王小明")
        services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
        services.complaint_accept(complaint=complaint, actor=handler)
        complaints.append(complaint)
    services.complaint_request_extension(complaint=complaints[2], actor=handler, reason="需要调取录音", days=10)
    services.complaint_add_information(complaint=complaints[1], text="补充了医院发票和出院小结")
    register(None, received_at=now - timedelta(days=1), phone="13800000004", category="sales")
    return {"handler": handler, "supervisor": supervisor, "record": complaints[1]}


def shoot(page, name):
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1281, name


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("who", ["handler", "supervisor"])
def test_the_queue_the_list_and_the_record_fit_1280_px(lang, who, team, live_server, browser):
    locale, prefix, login = LANGUAGES[lang]
    base = live_server.url + prefix
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill('input[name="username"]', who)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name=login).click()
    page.wait_for_url("**/admin/")
    assert page.locator("#work-queue").is_visible()
    assert page.locator("#queue-team").count() == (1 if who == "supervisor" else 0)
    shoot(page, f"{who}-{lang}-index")
    key = "unassigned" if who == "supervisor" else "mine_overdue"
    page.locator(f'tr[data-queue="{key}"] th a').click()
    page.wait_for_url(f"**/admin/complaints/complaint/?queue={key}")
    assert page.locator("#result_list tbody tr").count() == 1
    page.goto(base + "/admin/complaints/complaint/")
    assert page.locator("#result_list tbody tr").count() == 4 if who == "supervisor" else 3
    shoot(page, f"{who}-{lang}-list")
    # Every column in view: the results box does not scroll sideways either.
    fits = "(() => { const box = document.querySelector('#changelist .results'); return [box.scrollWidth, box.clientWidth]; })()"
    scroll_width, client_width = page.evaluate(fits)
    assert scroll_width <= client_width + 1, (scroll_width, client_width)
    page.goto(f"{base}/admin/complaints/complaint/{team['record'].pk}/change/")
    assert page.locator("#record-head").is_visible() and page.locator("#record-actions a").count() >= 1
    history = page.locator("#complaint-history").bounding_box()
    assert history["y"] < 900 * 2  # near the top, not 4,000 px down
    shoot(page, f"{who}-{lang}-record")
    context.close()
