"""The elderly mode (适老化) on a phone: the page's main action inside the first 360×800 screen in both
languages, a simplified home of three large actions, and a read-aloud button that uses the browser's own speech."""

import pytest

from tests.demo_snapshot import load_demo

from .conftest import format_findings

SCREEN = {"width": 360, "height": 800}
# The page and the element that is its main action.
MAIN_ACTIONS = [
    ("/", ".elder-actions li:last-child a"),
    ("/complaints/track/", "form.form button[type=submit]"),
    ("/complaints/new/", "#id_phone"),
    ("/reception/", ".reception-day .reception-actions a"),
    ("/contact/", ".contact-call"),
]


@pytest.fixture
def demo_site(transactional_db):
    load_demo()


def elderly_phone(browser, live_server, locale):
    context = browser.new_context(locale=locale, viewport=SCREEN)
    context.add_cookies([{"name": "display_mode", "value": "elderly", "url": live_server.url}])
    return context


@pytest.mark.parametrize(("prefix", "locale"), [("", "zh-CN"), ("/en", "en-US")])
def test_the_main_action_of_each_page_is_on_the_first_screen_of_a_phone(
    demo_site, live_server, browser, prefix, locale
):
    context = elderly_phone(browser, live_server, locale)
    page = context.new_page()
    misses = []
    for path, selector in MAIN_ACTIONS:
        page.goto(live_server.url + prefix + path)
        box = page.locator(selector).first.bounding_box()
        header = page.locator(".site-header").bounding_box()
        if box is None or box["y"] + box["height"] > SCREEN["height"]:
            misses.append({"path": prefix + path, "action": selector, "bottom": box and box["y"] + box["height"]})
        if header["height"] > 140:
            misses.append({"path": prefix + path, "header_px": header["height"]})
        # Body text is larger than in the standard mode (16 px).
        size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main p, main li')).fontSize)")
        if size < 20:
            misses.append({"path": prefix + path, "font_px": size})
    context.close()
    assert misses == [], format_findings(misses)


def test_the_simplified_home_has_three_large_actions_with_a_tap_to_call_hotline(demo_site, live_server, browser):
    context = elderly_phone(browser, live_server, "zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    actions = page.locator(".elder-actions a")
    assert actions.count() == 3
    assert actions.nth(0).get_attribute("href") == "tel:4008156688"
    assert [actions.nth(i).get_attribute("href") for i in (1, 2)] == ["/complaints/new/", "/complaints/track/"]
    assert all(actions.nth(i).bounding_box()["height"] >= 60 for i in range(3))
    assert page.locator(".elder-next-day").is_visible()
    assert page.locator(".rights-grid").count() == 0  # simplified: the standard home's extras are not there
    # The menu is one tap away and opens without JavaScript.
    assert not page.locator(".nav-menu .nav-list").is_visible()
    page.click(".nav-menu summary")
    assert page.locator(".nav-menu .nav-list a[href='/reception/']").is_visible()
    context.close()


def test_the_read_aloud_button_speaks_the_main_content_where_the_browser_can(demo_site, live_server, browser):
    context = elderly_phone(browser, live_server, "zh-CN")
    page = context.new_page()
    page.add_init_script(
        """window.__spoken = [];
        window.speechSynthesis.speak = (utterance) => { window.__spoken.push([utterance.lang, utterance.text]); };"""
    )
    page.goto(live_server.url + "/rights/")
    button = page.locator("[data-read-aloud]")
    assert button.is_visible()
    button.click()
    spoken = page.evaluate("() => window.__spoken")
    assert spoken and spoken[0][0] == "zh-CN" and "消费者" in spoken[0][1]
    assert "跳到主要内容" not in spoken[0][1]  # the main content only, not the page's furniture
    context.close()


@pytest.mark.parametrize(
    ("path", "locale", "seen", "unseen"),
    [
        ("/complaints/new/", "zh-CN", "联系电话", "此项请留空"),
        ("/en/complaints/new/", "en-US", "Phone number", "Leave this field empty"),
    ],
)
def test_read_aloud_speaks_only_what_is_visible_never_the_hidden_anti_spam_field(
    demo_site, live_server, browser, path, locale, seen, unseen
):
    context = elderly_phone(browser, live_server, locale)
    page = context.new_page()
    page.add_init_script(
        """window.__spoken = [];
        window.speechSynthesis.speak = (utterance) => { window.__spoken.push(utterance.text); };"""
    )
    page.goto(live_server.url + path)
    assert unseen in page.locator("#main").text_content()  # the field is there, for robots
    page.locator("[data-read-aloud]").click()
    spoken = page.evaluate("() => window.__spoken")[0]
    assert seen in spoken
    assert unseen not in spoken
    context.close()


def test_the_read_aloud_button_stays_hidden_where_the_browser_cannot_speak(demo_site, live_server, browser):
    context = elderly_phone(browser, live_server, "zh-CN")
    page = context.new_page()
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    page.goto(live_server.url + "/rights/")
    assert not page.locator("[data-read-aloud]").is_visible()
    context.close()
