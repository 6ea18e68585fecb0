"""A consumer finds a reception day, books a visit and cancels it, in a real browser, in both languages."""

from pathlib import Path

import pytest
from django.utils import timezone

from reception.models import Booking, BookingStatus, ReceptionDay
from tests.demo_snapshot import load_demo

from . import conftest

SHOTS = Path("/tmp/shots-reception")


@pytest.fixture
def demo_site(transactional_db):
    load_demo()


def shoot(page, name):
    conftest.shoot(page, SHOTS, name)


def test_consumer_books_and_cancels_a_visit_in_chinese(demo_site, live_server, zh_page, check_a11y):
    page = zh_page
    page.goto(live_server.url + "/reception/")
    assert page.get_by_role("heading", level=1).inner_text() == "总经理接待日"
    assert page.locator(".reception-day-next").count() == 3
    shoot(page, "schedule-zh")
    page.locator("#branch-beijing").get_by_role("link", name="预约接待").first.click()
    assert "/reception/book/" in page.url
    shoot(page, "book-zh")
    page.get_by_label("您的姓名").fill("李华")
    page.get_by_label("手机或电话号码").fill("13812345678")
    page.get_by_label("您想反映什么问题？").fill("退保金额与合同约定不符，想当面了解原因。")
    page.get_by_label("我同意").check()
    page.get_by_role("button", name="确认预约").click()
    number = page.locator("#booking-number").inner_text()
    assert number.startswith("BK-")
    assert check_a11y(page) == []
    shoot(page, "booked-zh")
    page.get_by_role("link", name="取消本次预约").click()
    page.get_by_label("预约编号").fill(number.lower())
    page.get_by_label("预约时填写的电话号码").fill("138 1234 5678")
    page.get_by_role("button", name="取消预约").click()
    assert "已取消" in page.locator("#cancelled-number").inner_text()
    assert Booking.objects.get(number=number).status == BookingStatus.CANCELLED


def test_consumer_books_in_english_and_a_full_day_refuses_the_next_one(demo_site, live_server, page, check_a11y):
    # The next day (the demo also keeps last year's days for the archive).
    day = ReceptionDay.objects.filter(branch__slug="hunan", date__gte=timezone.localdate()).order_by("date").first()
    day.capacity = 1
    day.save()
    page.goto(live_server.url + "/en/reception/?province=湖南")
    assert page.locator(".reception-branch").count() == 1
    shoot(page, "schedule-en")
    page.get_by_role("link", name="Book a visit").first.click()
    shoot(page, "book-en")
    page.get_by_role("button", name="Book this visit").click()
    assert page.locator(".error-summary").is_visible()
    assert check_a11y(page) == []
    page.get_by_label("Your name").fill("Jane Smith")
    page.get_by_label("Mobile or phone number").fill("13912345678")
    page.get_by_label("What would you like to talk about?").fill("My claim was refused without a reason.")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Book this visit").click()
    assert page.locator("#booking-number").inner_text().startswith("BK-")
    shoot(page, "booked-en")
    page.goto(live_server.url + f"/en/reception/book/{day.pk}/")
    assert "fully booked" in page.locator("#day-full").inner_text()
    shoot(page, "full-en")
    assert Booking.objects.filter(day=day).count() == 1
