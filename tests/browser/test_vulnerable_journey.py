"""Care in a real browser: a complainant at 360 px in the elderly mode files a complaint in Chinese asking for a
call back; a supervisor sees the care badge in the list and records the call back from the queue. The English
form's optional help fieldset is checked too. axe finds nothing on the form's help step in either language."""

from pathlib import Path

import pytest

from complaints.models import Callback, CallbackOutcome, CallbackStatus, Complaint
from portal import roles

from . import conftest

SHOTS = Path("/tmp/shots-vulnerable")
PHONE = {"width": 360, "height": 800}
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def site(transactional_db):
    from portal import demo as portal_demo

    portal_demo.load()


def test_an_elderly_complainant_asks_for_a_call_back_and_a_supervisor_records_it(
    site, live_server, browser, check_a11y, make_user
):
    make_user("lead", groups=[roles.SUPERVISOR], password=PASSWORD)
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_cookies([{"name": "display_mode", "value": "elderly", "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/complaints/new/")
    page.get_by_label("您的姓名").fill("王奶奶")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("投诉事项类别").select_option("claims")
    page.get_by_label("发生了什么？").fill("理赔申请提交三个月仍无答复，看不清短信，希望电话联系。")
    page.get_by_role("button", name="下一步").click()
    help_legend = page.locator("legend", has_text="需要我们提供哪些协助？（选填）")
    assert help_legend.count() == 1
    assert check_a11y(page) == []
    conftest.shoot(page, SHOTS, "help-step-zh-elderly")
    page.get_by_label("我已年满60岁").check()
    page.get_by_label("由我们致电联系，而非书面联系").check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="下一步").click()
    assert "由我们致电联系，而非书面联系" in page.locator(".answers").first.inner_text() + page.content()
    page.locator("#id_consent").check()
    page.get_by_role("button", name="提交投诉").click()
    page.wait_for_url("**/complaints/receipt/")
    context.close()
    complaint = Complaint.objects.get()
    assert complaint.vulnerabilities == ["elderly"] and complaint.needs == ["call_back"]
    callback = Callback.objects.get(complaint=complaint)

    staff = browser.new_context(locale="zh-CN")
    admin = staff.new_page()
    admin.goto(live_server.url + "/admin/")
    admin.fill("#id_username", "lead")
    admin.fill("#id_password", PASSWORD)
    admin.locator("input[type=submit]").click()
    admin.goto(live_server.url + "/admin/complaints/complaint/?care=call_back")
    row = admin.locator("#result_list tbody tr", has_text=complaint.tracking_number)
    assert row.locator(".cp-care").inner_text() == "特殊关怀"
    conftest.shoot(admin, SHOTS, "list-care-zh")
    admin.goto(live_server.url + "/admin/")
    admin.locator('[data-queue="callbacks_waiting"] a').first.click()
    admin.get_by_role("link", name=callback.number).click()
    admin.get_by_label("电话中已解答").check()
    admin.get_by_label("说明").fill("已回电，说明理赔进度，将寄大字版决定书。")
    admin.get_by_role("button", name="登记回电结果").click()
    staff.close()
    callback.refresh_from_db()
    assert (callback.status, callback.outcome) == (CallbackStatus.DONE, CallbackOutcome.ANSWERED)


def test_the_english_form_offers_the_same_help_in_plain_words(site, live_server, page, check_a11y):
    page.goto(live_server.url + "/en/complaints/new/?step=want")
    fieldset = page.locator("fieldset", has=page.locator("legend", has_text="Would some help make this easier?"))
    assert fieldset.get_by_label("An interpreter").count() == 1
    assert page.get_by_label("I am not a Chinese national").count() == 1
    assert check_a11y(page) == []
    conftest.shoot(page, SHOTS, "help-step-en")
