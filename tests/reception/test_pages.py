from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from portal.models import Branch
from reception.models import DayStatus, ReceptionDay

TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        yield


def test_schedule_shows_upcoming_days_in_chinese_and_english(make_day, client):
    make_day(day=date(2026, 12, 9))
    make_day("jiangsu", day=date(2026, 12, 8), receptionist="李明")
    make_day(day=date(2026, 10, 14), receptionist="过去的人")
    zh = client.get("/reception/")
    assert zh.status_code == 200
    text = zh.content.decode()
    assert "2026年12月9日" in text and "北京分公司" in text and "李明" in text
    assert "9:00–11:30" in text
    assert "过去的人" not in text
    assert "查询编号" in text  # how to prepare: bring the tracking number
    en = client.get("/en/reception/")
    text = en.content.decode()
    assert en.status_code == 200
    assert "Wednesday, 9 December 2026" in text and "Beijing Branch" in text and "General Manager" in text
    assert "tracking number" in text


def test_schedule_sets_no_cookie_and_carries_no_csrf_token(make_day, client):
    make_day()
    response = client.get("/reception/?branch=beijing")
    assert not response.cookies
    assert b"csrfmiddlewaretoken" not in response.content


def test_next_day_per_branch_is_highlighted_and_a_cancelled_one_is_skipped(make_day, client):
    cancelled = make_day(day=date(2026, 11, 25), status=DayStatus.CANCELLED, status_reason_zh_hans="总经理出差")
    nxt = make_day(day=date(2026, 12, 9))
    make_day(day=date(2027, 1, 13))
    text = client.get("/reception/").content.decode()
    assert text.count("reception-day-next") == 1
    next_article = text[text.index('class="reception-day reception-day-next"') :]
    assert next_article.split('id="', 1)[1].startswith(nxt.anchor)
    assert "已取消" in text and "总经理出差" in text
    assert cancelled.anchor in text


def test_moved_day_says_from_when(make_day, client):
    make_day(day=date(2026, 12, 10), status=DayStatus.MOVED, moved_from=date(2026, 12, 9))
    text = client.get("/en/reception/").content.decode()
    assert "Moved" in text and "Moved from 9 December 2026" in text


def test_filter_by_branch_and_province(make_day, client):
    make_day(day=date(2026, 12, 9))
    make_day("hunan", day=date(2026, 12, 17), receptionist="王强")
    by_branch = client.get("/reception/", {"branch": "hunan"}).content.decode()
    assert "王强" in by_branch and "张丹" not in by_branch
    by_province = client.get("/reception/", {"province": "北京"}).content.decode()
    assert "张丹" in by_province and "王强" not in by_province
    nothing = client.get("/reception/", {"province": "江苏"}).content.decode()
    assert "没有符合" in nothing or "No upcoming" in nothing
    bad = client.get("/reception/", {"branch": "nowhere"})
    assert bad.status_code == 200


def test_yearly_archive_lists_past_days(make_day, client):
    make_day(day=date(2023, 1, 11))
    make_day(day=date(2023, 2, 22), status=DayStatus.CANCELLED)
    index = client.get("/en/reception/").content.decode()
    assert reverse("reception:archive", args=[2023]) in index
    archive = client.get("/en/reception/archive/2023/")
    text = archive.content.decode()
    assert archive.status_code == 200
    assert "11 January 2023" in text and "Cancelled" in text
    assert client.get("/reception/archive/2019/").status_code == 404


def test_english_page_notes_a_place_only_in_chinese(make_day, client):
    make_day(place_en="")
    text = client.get("/en/reception/").content.decode()
    assert "only available in Chinese" in text


def test_sitemap_lists_schedule_archive_and_cancel_pages_in_both_languages_but_no_booking_form(make_day, client):
    bookable = make_day(day=date(2026, 12, 9))
    make_day(day=date(2026, 12, 16), status=DayStatus.CANCELLED)
    make_day(day=date(2023, 1, 11))
    text = client.get("/sitemap.xml").content.decode()
    for path in ("/reception/", "/reception/archive/2023/", "/reception/cancel/"):
        assert f"http://testserver{path}" in text
        assert f"http://testserver/en{path}" in text
    assert "/reception/book/" not in text  # one form per day: reached from the schedule, kept out by robots.txt
    assert client.get(f"/reception/book/{bookable.pk}/").status_code == 200


def test_home_page_shows_each_branch_next_day(make_day, client):
    make_day(day=date(2026, 12, 9))
    make_day("hunan", day=date(2026, 12, 17))
    text = client.get("/en/").content.decode()
    assert "Next reception days" in text and "Hunan Branch" in text


def _add_days(count: int):
    from datetime import time, timedelta

    from portal.models import Branch

    for branch in Branch.objects.all():
        for number in range(count):
            ReceptionDay.objects.create(
                branch=branch,
                date=TODAY + timedelta(days=7 * number - 7),
                start_time=time(9),
                end_time=time(11, 30),
                receptionist="张丹",
                place_zh_hans="某地",
            )


@pytest.mark.parametrize("count", [2, 12])
def test_schedule_archive_and_home_cost_a_fixed_number_of_queries(demo, django_assert_num_queries, count):
    _add_days(count)
    branches = Branch.objects.count()
    client = Client()
    client.get("/reception/")  # warm the site profile cache
    with django_assert_num_queries(3):
        assert client.get("/reception/?province=北京").status_code == 200
    with django_assert_num_queries(2):
        assert client.get("/reception/archive/2026/").status_code == 200
    with django_assert_num_queries(1):
        from reception.home import section_context

        assert len(section_context(None)["next_days"]) == branches


def test_cached_schedule_changes_when_a_day_is_edited_and_when_a_day_passes(make_day, client, settings):
    from datetime import timedelta

    from reception.home import next_change

    settings.PORTAL_PAGE_CACHE_SECONDS = 600
    day = make_day(day=date(2026, 11, 21))
    assert "张丹" in client.get("/reception/").content.decode()
    day.receptionist = "李四"
    day.save()
    assert "李四" in client.get("/reception/").content.decode()
    assert next_change() == timezone_aware(date(2026, 11, 22))
    with time_machine.travel(timezone_aware(date(2026, 11, 22)) + timedelta(minutes=1), tick=False):
        assert "李四" not in client.get("/reception/").content.decode()


def timezone_aware(day):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(0), tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_home_lists_each_branchs_next_day_soonest_first_and_the_elderly_home_shows_the_soonest(make_day, client):
    make_day(day=date(2026, 12, 9))  # Beijing, first in branch order
    make_day("jiangsu", day=date(2027, 1, 12), receptionist="李明")
    make_day("hunan", day=date(2026, 12, 3), receptionist="王芳")
    text = client.get("/en/").content.decode()
    positions = [text.index(day) for day in ("3 December 2026", "9 December 2026", "12 January 2027")]
    assert positions == sorted(positions)
    client.cookies["display_mode"] = "elderly"
    elderly = client.get("/en/").content.decode()
    assert "Hunan Branch · Thursday, 3 December 2026" in elderly
