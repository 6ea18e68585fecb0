"""Public pages are cached whole and never stale: any change to what they show, or a scheduled moment, ends them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from portal import pagecache
from portal.models import Branch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600


def test_second_anonymous_visit_is_served_from_the_cache_without_a_query(demo, django_assert_num_queries):
    client = Client()
    first = client.get("/en/contact/")
    with django_assert_num_queries(0):
        second = client.get("/en/contact/")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_editing_a_branch_shows_at_once_on_the_cached_page(demo):
    client = Client()
    assert "Metro line 2 to Wuyi Square" in client.get("/en/contact/").text
    branch = Branch.objects.get(slug="hunan")
    branch.transit_en = "Bus 1 to the river."
    branch.save()
    text = client.get("/en/contact/").text
    assert "Bus 1 to the river." in text and "Wuyi Square" not in text


def test_standard_and_elderly_pages_are_cached_apart(demo):
    client = Client()
    assert 'class="elderly"' not in client.get("/en/rights/").text
    client.cookies["display_mode"] = "elderly"
    assert 'class="elderly"' in client.get("/en/rights/").text


def test_languages_and_queries_are_cached_apart(demo):
    client = Client()
    assert '<html lang="zh-Hans"' in client.get("/rights/").text
    assert '<html lang="en"' in client.get("/en/rights/").text
    assert 'href="/rights/?a=1"' in client.get("/en/rights/?a=1").text


def test_staff_with_a_session_are_never_served_cached_pages(demo, make_user):
    anonymous, staff = Client(), Client()
    anonymous.get("/en/contact/")
    staff.force_login(make_user("editor"))
    # A change that bypasses the signals: only a page rendered afresh can show it.
    Branch.objects.filter(slug="hunan").update(transit_en="Changed quietly.")
    assert "Changed quietly." in staff.get("/en/contact/").text
    assert "Changed quietly." not in anonymous.get("/en/contact/").text


def test_a_scheduled_change_limits_how_long_pages_are_kept(demo, settings):
    soon = timezone.now() + timedelta(seconds=42)
    pagecache.register_horizon(lambda: soon)
    try:
        pagecache.invalidate()
        assert 0 < pagecache._timeout() <= 42
    finally:
        pagecache._horizons.remove(pagecache._horizons[-1])


def test_pages_are_not_cached_when_the_cache_is_switched_off(demo, settings, django_assert_max_num_queries):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get("/en/contact/")
    Branch.objects.filter(slug="hunan").update(transit_en="Changed quietly.")
    assert "Changed quietly." in client.get("/en/contact/").text
