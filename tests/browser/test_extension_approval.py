"""Extensions in a real browser, in Chinese and in English: a handler asks for more time, the supervisor grants
it from the approvers' list, the complainant's status page shows the new date and the reason; the second
extension is granted by a senior manager. Each page is looked at at 360 px and 1280 px (set
PORTAL_SCREENSHOTS to a folder to keep the screenshots)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import formats, timezone, translation

from complaints import services
from complaints.models import Complaint
from portal import demo as portal_demo
from portal import roles
from tests.complaints.factories import register

from .conftest import format_findings

PASSWORD = "a-long-test-password-2"
LANGUAGES = {
    "zh": {"prefix": "", "locale": "zh-CN", "django": "zh-hans", "login": "登录", "decide": "批准或驳回"},
    "en": {"prefix": "/en", "locale": "en-US", "django": "en", "login": "Log in", "decide": "Grant or refuse"},
}
REASONS = {
    "zh": ("需要调取销售录音录像并约谈业务员", "需等待医院出具完整病历"),
    "en": ("We need the sales call recording and to talk to the agent.", "We wait for the hospital's records."),
}


@pytest.fixture
def site(transactional_db, make_user):
    portal_demo.load()
    people = {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR], password=PASSWORD),
        "senior": make_user("senior", groups=[roles.SENIOR_MANAGER], password=PASSWORD),
    }
    return people


def shoot(page, name: str) -> None:
    """Screenshots at the phone and the desktop width, kept when PORTAL_SCREENSHOTS names a folder."""
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def signed_in(browser, words, base, username):
    context = browser.new_context(locale=words["locale"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url("**/admin/")
    return context, page


def ask(page, base, complaint, reason, days):
    page.goto(f"{base}/admin/complaints/complaint/{complaint.pk}/change/")
    page.click('a[data-action="request_extension"]')
    page.fill('textarea[name="reason"]', reason)
    page.select_option('select[name="days"]', str(days))
    page.click('form.cp-action-form input[type="submit"]')
    page.wait_for_url(f"**/admin/complaints/complaint/{complaint.pk}/change/")


def grant(browser, words, base, username, name):
    context, page = signed_in(browser, words, base, username)
    page.goto(base + "/admin/complaints/extensionrequest/")
    shoot(page, f"{name}-list")
    page.locator("a[data-request]").first.click()
    page.check('input[name="decision"][value="grant"]')
    shoot(page, f"{name}-decide")
    page.click('form.cp-action-form input[type="submit"]')
    page.wait_for_url("**/admin/complaints/extensionrequest/")
    context.close()


def day_text(day, words) -> str:
    with translation.override(words["django"]):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_handler_asks_the_supervisor_grants_and_the_complainant_sees_the_new_date_and_the_reason(
    lang, site, live_server, browser, check_a11y
):
    words = LANGUAGES[lang]
    base = live_server.url + words["prefix"]
    complaint = register(site["supervisor"], phone="13812345678", language=words["django"])
    services.complaint_assign(complaint=complaint, actor=site["supervisor"], handler=site["handler"])
    services.complaint_accept(complaint=complaint, actor=site["handler"])
    received = timezone.localdate(complaint.received_at)
    first, second = REASONS[lang]

    handler_context, handler = signed_in(browser, words, base, "handler")
    ask(handler, base, complaint, first, 15)
    complaint.refresh_from_db()
    assert complaint.due_date == received + timedelta(days=15)  # nothing moves before the grant
    assert handler.locator("#extension-requests").count() == 1
    assert handler.locator('#extension-requests a[href*="/decide/"]').count() == 0  # not theirs to decide

    grant(browser, words, base, "supervisor", f"{lang}-first")
    complaint.refresh_from_db()
    assert (complaint.extensions, complaint.due_date) == (1, received + timedelta(days=30))

    public = browser.new_context(locale=words["locale"], viewport={"width": 1280, "height": 900}).new_page()
    public.goto(base + "/complaints/track/")
    public.fill('input[name="tracking_number"]', complaint.tracking_number)
    public.fill('input[name="phone"]', "13812345678")
    public.click('form.form button[type="submit"]')
    public.wait_for_url("**/complaints/track/status/")
    assert public.locator("#due-date").inner_text() == day_text(received + timedelta(days=30), words)
    assert first in public.locator("#timeline").inner_text()
    assert check_a11y(public) == [], format_findings(check_a11y(public))
    shoot(public, f"{lang}-status-first")

    ask(handler, base, complaint, second, 30)
    shoot(handler, f"{lang}-record")
    handler_context.close()
    grant(browser, words, base, "senior", f"{lang}-second")
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert (complaint.extensions, complaint.due_date) == (2, received + timedelta(days=60))
    assert complaint.extension_requests.get(number=2).decided_by == site["senior"]

    public.reload()
    assert public.locator("#due-date").inner_text() == day_text(received + timedelta(days=60), words)
    assert second in public.locator("#timeline").inner_text()
    shoot(public, f"{lang}-status-second")
