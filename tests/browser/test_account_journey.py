"""A complainant's account in a real browser at 360 px: sign in with the code read from the outbox, see two
complaints and a booking, rate the decided one, cancel the booking, take a copy of one's data, sign out (Chinese, English, and the
elderly mode); a call back asked for on the site and recorded by staff. axe finds nothing on the new pages."""

from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from complaints.models import Callback, CallbackOutcome, CallbackStatus, DataRequest, Feedback
from portal import roles
from portal.actors import system_actor
from portal.messaging.models import Message
from portal.models import Branch
from reception.models import Booking, BookingStatus, ReceptionDay

from . import conftest

SHOTS = Path("/tmp/shots-account")
PHONE = {"width": 360, "height": 800}
E164 = "+8613912345678"
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def cases(transactional_db):
    """The shell's demo (profile, branches), two complaints of one phone and an upcoming booking of it."""
    from complaints import services
    from portal import demo as portal_demo
    from reception import services as reception_services

    portal_demo.load()
    registered = []
    for description in ("理赔迟迟没有结果。", "代父亲投诉：退保金额有误。"):
        registered.append(
            services.complaint_register(
                actor=system_actor(),
                channel="phone",
                received_at=timezone.now(),
                name="张三",
                phone="13912345678",
                description=description,
                category="claims",
            )
        )
    services.complaint_accept(complaint=registered[0], actor=system_actor())
    services.complaint_decide(
        complaint=registered[0], actor=system_actor(), decision="经核查，理赔款已于今日支付。", outcome="upheld",
        remedies=["review", "mediation"], reliefs=["claim_paid"],
    )  # fmt: skip
    day = ReceptionDay.objects.create(
        branch=Branch.objects.get(slug="beijing"),
        date=timezone.localdate() + timedelta(days=3),
        start_time=time(9, 0),
        end_time=time(11, 30),
        receptionist="张丹",
        place_zh_hans="北京市朝阳区东三环中路5号",
        place_en="5 East Third Ring Middle Road, Beijing",
        phone="010-85921177",
    )
    return reception_services.booking_create(day_id=day.pk, name="张三", phone="13912345678", topic="想当面谈理赔。")


def phone_page(browser, live_server, locale, *, elderly=False):
    context = browser.new_context(locale=locale, viewport=PHONE)
    if elderly:
        context.add_cookies([{"name": "display_mode", "value": "elderly", "url": live_server.url}])
    return context, context.new_page()


def code_from_outbox() -> str:
    return Message.objects.filter(recipient=E164, template="account.code").latest("id").params["code"]


def journey(page, base, check_a11y, words, name):
    findings = {}
    page.goto(base + "/account/")
    findings["sign-in"] = check_a11y(page)
    page.get_by_label(words["phone"]).fill("139 1234 5678")
    page.get_by_role("button", name=words["send"]).click()
    findings["code"] = check_a11y(page)
    page.get_by_label(words["code"]).fill(code_from_outbox())
    page.get_by_role("button", name=words["sign_in"], exact=True).click()
    assert page.locator(".account-case").count() == 2
    assert page.locator(".account-booking").count() == 1
    findings["mine"] = check_a11y(page)
    conftest.shoot(page, SHOTS, f"{name}-mine")
    page.get_by_role("link", name=words["rate"]).click()
    findings["rate"] = check_a11y(page)
    page.get_by_label(words["score"]).check()
    page.get_by_role("button", name=words["send_answer"]).click()
    assert page.locator("p[role=status]").is_visible()
    findings["rated"] = check_a11y(page)
    conftest.shoot(page, SHOTS, f"{name}-rated")
    page.goto(base + "/account/mine/")
    assert page.get_by_role("link", name=words["rate"]).count() == 0
    page.locator(".account-booking").get_by_role("link", name=words["cancel"]).click()
    findings["cancel"] = check_a11y(page)
    page.get_by_role("button", name=words["cancel_visit"]).click()
    assert page.locator("#booking-cancelled").is_visible()
    page.get_by_role("link", name=words["data"]).first.click()
    findings["data"] = check_a11y(page)
    page.locator("#copy-page").click()
    assert page.locator("h1").inner_text() == words["copy_title"]
    findings["copy"] = check_a11y(page)
    page.go_back()
    page.locator("#sign-out").click()
    assert page.locator("#signed-out").is_visible()
    page.goto(base + "/account/mine/")
    assert page.url.endswith("/account/")
    assert {key: value for key, value in findings.items() if value} == {}, conftest.format_findings(findings)


def test_a_complainant_signs_in_by_code_and_cancels_a_booking_in_chinese(cases, live_server, browser, check_a11y):
    context, page = phone_page(browser, live_server, "zh-CN")
    words = {
        "phone": "联系电话",
        "send": "获取验证码",
        "code": "短信验证码",
        "sign_in": "登录",
        "cancel": "取消此预约",
        "cancel_visit": "取消预约",
        "data": "我的个人信息",
        "copy_title": "我的个人信息副本",
        "rate": "评价处理情况",
        "score": "4分——满意",
        "send_answer": "提交评价",
    }
    journey(page, live_server.url, check_a11y, words, "zh")
    context.close()
    assert Booking.objects.get(pk=cases.pk).status == BookingStatus.CANCELLED
    assert DataRequest.objects.filter(phone=E164, kind="copy").count() == 1
    assert Feedback.objects.get().score == 4


def test_in_english_and_in_elderly_mode_the_same_journey_works(cases, live_server, browser, check_a11y):
    words = {
        "phone": "Phone number",
        "send": "Send me a code",
        "code": "Code from the SMS",
        "sign_in": "Sign in",
        "cancel": "Cancel this booking",
        "cancel_visit": "Cancel the visit",
        "data": "My personal data",
        "copy_title": "A copy of my data",
        "rate": "Rate the handling",
        "score": "4 – satisfied",
        "send_answer": "Send my answer",
    }
    context, page = phone_page(browser, live_server, "en-US", elderly=True)
    journey(page, live_server.url + "/en", check_a11y, words, "en-elderly")
    context.close()
    assert Booking.objects.get(pk=cases.pk).status == BookingStatus.CANCELLED


def test_a_call_back_offered_first_is_asked_for_and_recorded_by_staff(
    cases, live_server, browser, check_a11y, make_user
):
    make_user("caller", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD)
    context, page = phone_page(browser, live_server, "zh-CN", elderly=True)
    page.goto(live_server.url + "/contact/")
    page.locator("#callback-offer").click()
    assert check_a11y(page) == []
    page.get_by_label("您的姓名").fill("王奶奶")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("上午（9:00–12:00）").check()
    page.get_by_role("button", name="申请回电").click()
    number = Callback.objects.get().number
    assert number in page.locator("#callback-number").inner_text()
    assert check_a11y(page) == []
    conftest.shoot(page, SHOTS, "callback-done-zh")
    context.close()

    staff = browser.new_context(locale="zh-CN")
    admin = staff.new_page()
    admin.goto(live_server.url + "/admin/")
    admin.fill("#id_username", "caller")
    admin.fill("#id_password", PASSWORD)
    admin.locator("input[type=submit]").click()
    admin.locator('[data-queue="callbacks_waiting"] a').first.click()
    admin.get_by_role("link", name=number).click()
    admin.get_by_label("电话中已解答").check()
    admin.get_by_label("说明").fill("已电话解答退保流程。")
    admin.get_by_role("button", name="登记回电结果").click()
    staff.close()
    callback = Callback.objects.get()
    assert (callback.status, callback.outcome) == (CallbackStatus.DONE, CallbackOutcome.ANSWERED)
