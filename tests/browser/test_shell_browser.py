"""The shell in a real browser: language switch, elderly mode without JavaScript, and the CSP staying quiet."""

import pytest

from tests.demo_snapshot import load_demo


@pytest.fixture
def demo_site(transactional_db):
    load_demo()


def test_visitor_switches_language_and_stays_on_the_same_page(demo_site, live_server, zh_page):
    zh_page.goto(live_server.url + "/contact/")
    assert zh_page.locator("html").get_attribute("lang") == "zh-Hans"
    zh_page.get_by_role("link", name="English").click()
    assert zh_page.url == live_server.url + "/en/contact/"
    assert zh_page.locator("html").get_attribute("lang") == "en"
    assert zh_page.get_by_role("heading", level=1).inner_text() == "Contact and complaint channels"
    zh_page.get_by_role("link", name="简体中文").click()
    assert zh_page.url == live_server.url + "/contact/"


def test_elderly_mode_turns_on_and_off_with_javascript_disabled(demo_site, live_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/en/rights/")
    base_size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("link", name="Large text").click()
    assert page.url == live_server.url + "/en/rights/"
    assert page.locator("html").get_attribute("class") == "elderly"
    large_size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert large_size >= base_size * 1.25
    page.get_by_role("link", name="Standard", exact=True).click()
    assert page.locator("html").get_attribute("class") is None
    context.close()


def test_pages_raise_no_content_security_policy_violation(demo_site, live_server, page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    for path in ["/", "/en/", "/en/contact/", "/en/admin/login/"]:
        page.goto(live_server.url + path)
    assert errors == []


def test_skip_link_moves_focus_to_the_main_content(demo_site, live_server, page):
    page.goto(live_server.url + "/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
