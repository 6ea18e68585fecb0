"""A phone call in a real browser, in Chinese and in English: the handler registers the caller's complaint, is
warned of the caller's earlier complaint, registers anyway and lands on the record they typed; finds the earlier
one by the phone as spoken ("138 1234 5678"); merges the new one into it with one click. Each page is looked at
at 1280 px without sideways scrolling and checked with axe (set PORTAL_SCREENSHOTS to keep screenshots)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from complaints.models import Complaint
from portal import demo as portal_demo
from portal import roles
from tests.complaints.factories import register

from .conftest import format_findings

PASSWORD = "a-long-test-password-3"
LANGUAGES = {
    "zh": {"prefix": "", "locale": "zh-CN", "login": "登录", "register": "登记", "merge": "将本投诉合并至"},
    "en": {"prefix": "/en", "locale": "en-US", "login": "Log in", "register": "Register", "merge": "Merge this"},
}


@pytest.fixture
def handler(transactional_db, make_user):
    portal_demo.load()
    return make_user("handler", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD)


def look(page, name: str, check_a11y) -> None:
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}-1280.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1281, name
    violations = check_a11y(page)
    assert not violations, format_findings(violations)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_handler_takes_a_call_registers_it_finds_the_earlier_complaint_and_merges(
    lang, handler, live_server, browser, check_a11y
):
    words = LANGUAGES[lang]
    base = live_server.url + words["prefix"]
    earlier = register(handler, phone="13812345678", received_at=timezone.now() - timedelta(days=3))
    context = browser.new_context(locale=words["locale"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill('input[name="username"]', "handler")
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url("**/admin/")

    page.goto(base + "/admin/complaints/complaint/register/")
    page.select_option('select[name="channel"]', "phone")
    page.fill('input[name="name"]', "张三")
    page.fill('input[name="phone"]', "138 1234 5678")
    page.select_option('select[name="category"]', "claims")
    page.fill('textarea[name="description"]', "来电：理赔一个月没有结果。")
    page.click('input[type="submit"]')
    warning = page.locator("#repeat-warning")
    assert earlier.tracking_number in warning.inner_text()
    assert page.input_value('input[name="phone"]') == "138 1234 5678"
    look(page, f"intake-{lang}-warning", check_a11y)
    page.check("#register-anyway")
    page.click('input[type="submit"]')
    page.wait_for_url("**/change/")
    new = Complaint.objects.exclude(pk=earlier.pk).get()
    assert new.handler == handler and new.tracking_number in page.content()
    look(page, f"intake-{lang}-record", check_a11y)

    page.goto(base + "/admin/complaints/complaint/")
    page.fill("#searchbar", "138 1234 5678")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    listing = page.locator("#result_list").inner_text()
    assert earlier.tracking_number in listing and new.tracking_number in listing

    page.goto(f"{base}/admin/complaints/complaint/{new.pk}/change/")
    page.locator(f'button[data-merge-into="{earlier.tracking_number}"]').click()
    page.wait_for_url(f"**/complaint/{new.pk}/change/")
    new.refresh_from_db()
    assert new.status == "merged" and new.merged_into == earlier
    context.close()
