"""A compliance officer in a real browser, in both languages: the dashboard from the admin, an export of the
year's complaints (masked, downloaded), and the draft disclosure opened in the notices admin."""

import re

import pytest

from notices.models import Notice

from .conftest import compliance_officer_and_year, officer_signed_in

PASSWORD = "a-long-officer-password-5"


@pytest.fixture
def officer_and_year(transactional_db, make_user):
    compliance_officer_and_year(make_user, PASSWORD)


@pytest.mark.parametrize(
    ("language", "prefix", "texts"),
    [
        ("zh-CN", "", {"login": "登录", "dashboard": "合规看板", "show": "查看", "export": "导出投诉明细",
                        "go": "导出", "download": "下载 CSV 文件", "draft": "生成信息披露草稿"}),
        ("en-US", "/en", {"login": "Log in", "dashboard": "Compliance dashboard", "show": "Show",
                          "export": "Export the complaints", "go": "Export", "download": "Download the CSV file",
                          "draft": "Draft the disclosure"}),
    ],
)  # fmt: skip
def test_an_officer_goes_from_the_dashboard_to_an_export_to_the_draft_disclosure(
    officer_and_year, live_server, browser, check_a11y, tmp_path, language, prefix, texts
):
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    officer_signed_in(page, f"{live_server.url}{prefix}", PASSWORD, texts["login"])

    page.get_by_role("link", name=texts["dashboard"]).first.click()
    page.select_option("#id_year", "2023")
    page.get_by_role("button", name=texts["show"]).click()
    assert re.search(r"year=2023", page.url)
    figures = page.locator("table.cd-table").first
    assert figures.locator("tbody tr").first.locator("td").first.inner_text() == "15"
    assert page.locator("svg.cd-trend rect.cd-now").count() == 12
    assert check_a11y(page) == []

    page.get_by_role("link", name=texts["export"]).click()
    page.select_option("#id_file_format", "csv")
    page.get_by_role("button", name=texts["go"], exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=texts["download"]).click()
    path = tmp_path / "export.csv"
    download_info.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert text.count("\n") == 16 and not re.search(r"1[3-9]\d{9}", text)

    page.goto(f"{live_server.url}{prefix}/admin/complaints/compliancedashboard/?year=2023")
    page.select_option("#id_year", "2023")
    page.get_by_role("button", name=texts["draft"]).click()
    notice = Notice.objects.get(disclosure_year=2023)
    assert notice.status == "draft"
    assert page.url.endswith(f"/admin/notices/notice/{notice.pk}/change/")
    assert "3" in page.content() and "2023" in page.locator("h1, h2").first.inner_text() + page.content()
    context.close()


def test_the_dashboard_fits_a_360_pixel_screen(officer_and_year, live_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 800})
    page = context.new_page()
    officer_signed_in(page, live_server.url, PASSWORD, "登录")
    page.goto(f"{live_server.url}/admin/complaints/compliancedashboard/?year=2023")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    context.close()
