"""Staff in the admin: sign in, edit the site profile in both languages through translation tabs, under the CSP."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.demo_snapshot import load_demo


@pytest.fixture
def admin_user(transactional_db):
    load_demo()
    return User.objects.create_superuser("root", "root@example.com", "a-long-admin-password-42")


def test_admin_edits_the_english_hotline_text_through_translation_tabs(admin_user, live_server, page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.goto(live_server.url + "/en/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-admin-password-42")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/en/admin/portal/siteprofile/1/change/")
    assert page.locator("#id_office_hours_en").count() == 1
    assert page.locator("#id_office_hours_zh_hans").count() == 1
    page.locator("#id_office_hours_en").fill("Every day 8:00–20:00", force=True)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(live_server.url + "/en/contact/")
    assert "Every day 8:00–20:00" in page.content()
    assert errors == [], errors
