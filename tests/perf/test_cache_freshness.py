"""A cached public page never outlives what it shows: a publish, an edit, an unpublish, a scheduled publication
time, a reception import or a reception day passing each show on the very next request, in both languages."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from notices import services as notice_services
from notices.models import Category, Notice
from portal import pagecache
from portal.actors import system_actor
from portal.models import Branch
from portal.pagecache import store as pagecache_store
from reception import importer
from reception import services as reception_services
from reception.models import ReceptionDay

BEIJING_NOON = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600
    cache.clear()


def _notice(**fields):
    values = {
        "category": Category.ANNOUNCEMENTS,
        "title_zh_hans": "服务时间调整通知",
        "title_en": "Service hours change",
        "summary_zh_hans": "摘要",
        "summary_en": "Summary",
        "body_zh_hans": "正文",
        "body_en": "Body",
        **fields,
    }
    return notice_services.notice_create(actor=None, **values)


def _cached(client: Client, path: str, django_assert_num_queries) -> str:
    """The page, fetched twice: the second answer must come from the cache (no query)."""
    first = client.get(path)
    assert first.status_code == 200, path
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.content == first.content
    return first.text


PUBLIC_LISTS = ["/", "/notices/", "/notices/announcements/", "/en/", "/en/notices/", "/en/notices/announcements/"]


@pytest.mark.django_db
def test_a_published_notice_is_on_every_cached_list_at_once_in_both_languages(demo, django_assert_num_queries):
    client = Client()
    notice = _notice(title_zh_hans="新发布的公告", title_en="Freshly published notice")
    for path in PUBLIC_LISTS:
        assert "新发布的公告" not in _cached(client, path, django_assert_num_queries)
    notice_services.notice_publish(notice=notice, actor=None)
    for path in PUBLIC_LISTS:
        expected = "Freshly published notice" if path.startswith("/en/") else "新发布的公告"
        assert expected in client.get(path).text, path


@pytest.mark.django_db
def test_an_edit_replaces_the_old_text_on_the_cached_detail_and_list(demo, django_assert_num_queries):
    client = Client()
    notice = notice_services.notice_publish(notice=_notice(title_en="Old title"), actor=None)
    with translation.override("en"):
        detail = notice.get_absolute_url()
    for path in (detail, "/en/notices/"):
        assert "Old title" in _cached(client, path, django_assert_num_queries)
    notice_services.notice_update(notice=notice, actor=None, title_en="New title")
    for path in (detail, "/en/notices/"):
        text = client.get(path).text
        assert "New title" in text and "Old title" not in text, path


@pytest.mark.django_db
def test_an_unpublished_notice_leaves_the_cached_pages_at_once(demo, django_assert_num_queries):
    client = Client()
    notice = notice_services.notice_publish(notice=_notice(title_en="Soon withdrawn"), actor=None)
    with translation.override("en"):
        detail = notice.get_absolute_url()
    assert "Soon withdrawn" in _cached(client, "/en/notices/", django_assert_num_queries)
    assert client.get(detail).status_code == 200
    notice_services.notice_unpublish(notice=notice, actor=None)
    assert "Soon withdrawn" not in client.get("/en/notices/").text
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
def test_a_notice_scheduled_for_later_appears_on_cached_pages_when_its_time_comes(demo, django_assert_num_queries):
    with time_machine.travel(BEIJING_NOON, tick=False) as traveller:
        client = Client()
        at = timezone.now() + timedelta(minutes=90)
        notice_services.notice_publish(notice=_notice(title_en="Scheduled for later"), actor=None, publish_at=at)
        assert "Scheduled for later" not in _cached(client, "/en/notices/", django_assert_num_queries)
        traveller.shift(timedelta(minutes=89))
        assert "Scheduled for later" not in client.get("/en/notices/").text
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert "Scheduled for later" in client.get("/en/notices/").text
        assert Notice.objects.published().filter(pk__isnull=False).exists()


@pytest.mark.django_db
def test_a_reception_import_shows_on_the_cached_schedule_at_once(demo, django_assert_num_queries):
    with time_machine.travel(BEIJING_NOON, tick=False):
        client = Client()
        assert "2026-12-16" not in _cached(client, "/en/reception/", django_assert_num_queries)
        table = (
            "分支机构,接待日期,接待人员,职务,接待电话,接待地点,接待时间,联络人员\n"
            "北京分公司,2026-12-16,张丹,总经理,010-85921177,北京市朝阳区东三环中路5号,上午9:00-11:30,王珊珊\n"
        )
        parsed = importer.parse(table.encode(), year=2026)
        assert parsed.ok
        reception_services.reception_import(rows=parsed.rows, actor=system_actor())
        text = client.get("/en/reception/").text
        assert "day-beijing-20261216" in text


@pytest.mark.django_db
def test_a_reception_day_that_has_passed_leaves_the_cached_schedule_at_midnight(demo, django_assert_num_queries):
    with time_machine.travel(BEIJING_NOON, tick=False) as traveller:
        ReceptionDay.objects.create(
            branch=Branch.objects.get(slug="beijing"),
            date=date(2026, 11, 20),
            start_time=time(14),
            end_time=time(16),
            receptionist="张丹",
            place_zh_hans="北京市朝阳区东三环中路5号",
        )
        client = Client()
        assert "day-beijing-20261120" in _cached(client, "/en/reception/", django_assert_num_queries)
        traveller.shift(timedelta(hours=12, seconds=1))  # just past midnight in Beijing
        assert "day-beijing-20261120" not in client.get("/en/reception/").text


@pytest.mark.django_db(transaction=True)
def test_a_page_stored_from_old_rows_before_the_publish_commits_does_not_survive_the_commit(demo):
    """Another server renders the list while the publish is still uncommitted: it reads the old rows and stores
    them under the version the signal has just bumped. The commit must end that page too."""
    client = Client()
    notice = _notice(title_en="Published in a long transaction")
    old_page = client.get("/en/notices/")
    assert "Published in a long transaction" not in old_page.text
    with transaction.atomic():
        notice_services.notice_publish(notice=notice, actor=None)
        request = RequestFactory().get("/en/notices/")
        old = ((("Content-Type", "text/html"),), old_page.content, '"old"')
        stale = (pagecache_store.current_version(), "200 OK", old, None)
        cache.set(pagecache.page_key(request.META), stale, timeout=600)
    assert "Published in a long transaction" in client.get("/en/notices/").text
