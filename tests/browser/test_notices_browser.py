"""Notices in a real browser: hostile body content stays inert, and an editor's journey from the admin to the
public pages in both languages."""

from notices import services
from notices.models import Category, Notice

HOSTILE = """Before the trap.

<script>alert("script")</script>

<img src="/static/img/favicon.svg" onerror="alert('onerror')" alt="logo">

<p onclick="alert('click')" onmouseover="alert('hover')">Hover me</p>

[Harmless looking](javascript:alert('markdown-link')) and <a href="javascript:alert('html-link')">a link</a>
and <a href="JaVaScRiPt:alert('mixed')">another</a>.

<svg onload="alert('svg')"></svg><iframe src="javascript:alert('frame')"></iframe>

After the trap."""


def test_hostile_body_content_never_becomes_markup_on_the_page(transactional_db, live_server, page, zh_page):
    notice = services.notice_create(
        actor=None,
        category=Category.CASES,
        slug="hostile",
        title_zh_hans="恶意内容测试",
        title_en="Hostile content",
        summary_zh_hans="摘要",
        summary_en="Summary",
        body_zh_hans=HOSTILE,
        body_en=HOSTILE,
    )
    services.notice_publish(notice=notice, actor=None)
    dialogs = []
    for browser_page in (page, zh_page):
        browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for browser_page, path in ((page, "/en/notices/cases/hostile/"), (zh_page, "/notices/cases/hostile/")):
        browser_page.goto(live_server.url + path)
        body = browser_page.locator(".notice-body")
        assert "Before the trap." in body.inner_text() and "After the trap." in body.inner_text()
        body.get_by_text("Hover me").hover()
        body.get_by_text("Hover me").click()
        for link in body.locator("a").all():
            link.click()
        browser_page.wait_for_timeout(300)
        assert dialogs == []
        assert browser_page.locator("script:not([src])").count() == 0
        assert body.locator("script, iframe, svg, [onerror], [onclick], [onmouseover], [onload]").count() == 0
        assert browser_page.locator("[onerror], [onclick], [onload], [onmouseover]").count() == 0
        hrefs = [link.get_attribute("href") or "" for link in body.locator("a").all()]
        assert not any(href.strip().lower().startswith("javascript") for href in hrefs)


def fill_translated(page, field: str, language: str, value: str) -> None:
    """Translated fields sit in language tabs: open the tab, then type."""
    suffix = language.replace("-", "_")
    tab = page.locator(f'a[href="#tab_id_{field}_{suffix}"]')
    if tab.count():
        tab.first.click()
    page.locator(f"#id_{field}_{suffix}").fill(value)


def test_an_editor_writes_previews_and_publishes_a_notice_seen_in_both_languages(
    transactional_db, live_server, browser, make_user
):
    make_user("editor", groups=["Content editor"], password="a-long-editor-password-7")
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    console_errors = []
    # CSP violations (the admin's tabs run without a CDN) show up as console errors; the admin has no favicon.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.location.get("url", "").endswith("/favicon.ico")
            and console_errors.append(message.text)
        ),
    )

    page.goto(live_server.url + "/en/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-editor-password-7")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/en/admin/notices/notice/add/")
    page.select_option("#id_category", Category.CAMPAIGNS.value)
    fill_translated(page, "title", "zh-hans", "9月金融教育宣传月")
    fill_translated(page, "title", "en", "Financial Education Month in September")
    fill_translated(page, "summary", "zh-hans", "九月我们走进社区和校园,讲解保险知识。")
    fill_translated(page, "summary", "en", "In September we visit communities and schools to explain insurance.")
    fill_translated(page, "body", "zh-hans", "## 活动安排\n\n- 社区讲座\n- 校园课堂")
    fill_translated(page, "body", "en", "## Programme\n\n- Community talks\n- School lessons")
    # The address is filled in from the English title as the editor types it.
    assert page.locator("#id_slug").input_value() == "financial-education-month-in-september"
    page.get_by_label("Right to financial education").check()
    page.get_by_label("Young people").check()
    page.locator('input[name="_continue"]').click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    notice = Notice.objects.get(title_en="Financial Education Month in September")
    assert notice.slug == "financial-education-month-in-september"
    assert notice.status == "draft"
    anonymous = browser.new_context(locale="en-US").new_page()
    assert (
        anonymous.goto(live_server.url + "/en/notices/campaigns/financial-education-month-in-september/").status == 404
    )

    page.locator("#notice-preview-link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Financial Education Month in September"
    assert "Only staff can see this page." in page.locator(".notice-preview-banner").inner_text()
    assert page.locator(".notice-body h2").inner_text() == "Programme"
    page.go_back()

    page.locator('input[name="_publish"]').click()
    assert "is published" in page.locator(".messagelist").inner_text()
    assert not console_errors, console_errors

    response = anonymous.goto(live_server.url + "/en/notices/campaigns/financial-education-month-in-september/")
    assert response.status == 200
    assert anonymous.get_by_role("heading", level=1).inner_text() == "Financial Education Month in September"
    anonymous.goto(live_server.url + "/notices/campaigns/financial-education-month-in-september/")
    assert anonymous.get_by_role("heading", level=1).inner_text() == "9月金融教育宣传月"
    anonymous.goto(live_server.url + "/notices/")
    assert anonymous.get_by_role("link", name="9月金融教育宣传月").count() == 1
    context.close()
