"""Public pages are cached whole and never stale: any change to what they show, or a scheduled moment, ends them."""

import gzip
import re
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from portal import pagecache
from portal.models import Branch, SiteProfile
from portal.pagecache import PageCacheWSGIHandler
from portal.pagecache import store as pagecache_store

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


def test_staff_with_a_session_are_never_served_cached_pages(demo, make_user, settings):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0  # whole pages only: a fragment would hide the quiet change too
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
        assert 0 < pagecache_store.timeout_for(pagecache_store.current_version()) <= 42
    finally:
        pagecache_store._horizons.remove(pagecache_store._horizons[-1])


def test_pages_are_not_cached_when_the_caches_are_switched_off(demo, settings, django_assert_max_num_queries):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0
    client = Client()
    client.get("/en/contact/")
    Branch.objects.filter(slug="hunan").update(transit_en="Changed quietly.")
    assert "Changed quietly." in client.get("/en/contact/").text


def _wsgi(path: str, **headers) -> tuple[str, dict, bytes]:
    """One request through the production WSGI handler: (status line, headers, body)."""
    environ = RequestFactory().generic(headers.pop("method", "GET"), path, **headers).environ
    answer = {}

    def start_response(status, response_headers):
        answer["status"], answer["headers"] = status, dict(response_headers)

    body = b"".join(PageCacheWSGIHandler()(environ, start_response))
    return answer["status"], answer["headers"], body


def test_the_wsgi_handler_answers_a_hit_with_the_stored_page_and_headers_without_a_query(
    demo, django_assert_num_queries
):
    first = Client().get("/en/contact/")
    with django_assert_num_queries(0):
        status, headers, body = _wsgi("/en/contact/")
    assert status == "200 OK"
    assert body == first.content
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Content-Type", "ETag"):
        assert headers[name] == first[name], name


def test_a_browser_that_accepts_gzip_gets_the_cached_page_compressed_once_at_store_time(demo):
    first = Client().get("/en/contact/")
    status, headers, body = _wsgi("/en/contact/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert status == "200 OK"
    assert headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"]
    assert int(headers["Content-Length"]) == len(body) < len(first.content) / 2
    assert gzip.decompress(body) == first.content
    assert headers["ETag"] != first["ETag"]
    assert _wsgi("/en/contact/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=headers["ETag"])[0].startswith("304")


def test_a_head_request_gets_the_headers_of_the_cached_page_and_no_body(demo):
    Client().get("/en/contact/")
    status, headers, body = _wsgi("/en/contact/", method="HEAD")
    assert status == "200 OK" and headers["Content-Type"].startswith("text/html") and body == b""


def test_a_browser_holding_the_current_page_gets_304_from_either_path(demo):
    etag = Client().get("/en/contact/")["ETag"]
    assert _wsgi("/en/contact/", HTTP_IF_NONE_MATCH=etag)[0] == "304 Not Modified"
    assert Client().get("/en/contact/", headers={"If-None-Match": etag}).status_code == 304
    branch = Branch.objects.get(slug="hunan")
    branch.transit_en = "Bus 1 to the river."
    branch.save()  # the page changes, so the browser's copy is no longer current
    assert Client().get("/en/contact/", headers={"If-None-Match": etag}).status_code == 200


def test_a_request_for_a_host_that_is_not_allowed_is_never_answered_from_the_cache(demo, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    Client().get("/en/contact/")
    assert Client().get("/en/contact/", headers={"Host": "evil.example"}).status_code == 400


def test_pages_still_render_when_the_cache_server_cannot_be_reached(demo, settings):
    settings.CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
    for _ in range(2):
        response = Client().get("/en/contact/")
        assert response.status_code == 200 and "Wuyi Square" in response.text
    pagecache.invalidate()  # an edit while Redis is away is saved; only the cache step is skipped


def test_a_visitor_with_pending_messages_is_not_served_the_cached_page(demo, settings):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0  # whole pages only: a fragment would hide the quiet change too
    client = Client()
    client.get("/en/contact/")
    Branch.objects.filter(slug="hunan").update(transit_en="Changed quietly.")
    client.cookies["messages"] = "anything"
    assert "Changed quietly." in client.get("/en/contact/").text


def test_shared_page_parts_are_kept_per_language_and_display_mode_and_renewed_by_an_edit(demo, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0  # every request renders; only the fragments are cached
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 600
    standard, elderly = Client(), Client()
    elderly.cookies["display_mode"] = "elderly"
    assert 'lang="en"' in standard.get("/en/rights/").text
    assert "Skip to main content" in standard.get("/en/rights/").text
    assert "跳到主要内容" in standard.get("/rights/").text
    assert 'class="elderly"' in elderly.get("/en/rights/").text
    assert '<a href="/en/" aria-current="page">' in standard.get("/en/").text
    assert '<a href="/en/" aria-current="page">' not in standard.get("/en/rights/").text
    profile = SiteProfile.load()
    profile.hotline = "400-810-0000"
    profile.save()
    assert "400-810-0000" in standard.get("/en/rights/").text
    assert "400-810-0000" in elderly.get("/rights/").text


def test_a_form_page_shares_its_empty_fields_but_never_a_visitor_token(demo, settings):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 600
    token = re.compile(r'name="token" value="([^"]+)"')
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first, second = Client().get("/en/complaints/new/").text, Client().get("/en/complaints/new/").text
    assert token.search(first).group(1) != token.search(second).group(1)
    assert csrf.search(first).group(1) != csrf.search(second).group(1)
    assert 'name="name"' in second and 'name="phone"' in second
    typed = Client().post("/en/complaints/new/", {"name": "Typed Name", "description": "short"}).text
    assert 'value="Typed Name"' in typed  # a form sent back with errors keeps what was typed


def test_a_fragment_this_process_keeps_is_not_served_after_a_change_anywhere(settings):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 600
    assert pagecache.remember(("probe",), lambda: "before") == "before"
    assert pagecache.remember(("probe",), lambda: "never computed") == "before"  # this process's own copy
    # Another worker's change: the shared version moves; this process's copy is of the old version.
    pagecache_store._write_file_version()
    assert pagecache.remember(("probe",), lambda: "after") == "after"


def test_a_lost_version_file_never_brings_back_an_old_version(settings):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 600
    assert pagecache.remember(("probe",), lambda: "old") == "old"
    seen = pagecache_store.current_version()
    pagecache_store.version_file().unlink()
    fresh = pagecache_store.current_version()
    assert fresh and fresh != seen
    assert pagecache.remember(("probe",), lambda: "new") == "new"


def test_a_version_lost_from_a_shared_redis_starts_again_above_every_earlier_one(settings):
    import os

    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": os.environ["PORTAL_TEST_REDIS_URL"],
            "KEY_PREFIX": "version-probe",
        }
    }
    shared = caches["default"]
    shared.delete(pagecache_store.VERSION_KEY)
    first = pagecache_store.current_version()
    pagecache.invalidate()
    reached = pagecache_store.current_version()
    assert reached == first + 1
    shared.delete(pagecache_store.VERSION_KEY)  # a flushed or restarted Redis
    assert pagecache_store.current_version() > reached
    shared.delete(pagecache_store.VERSION_KEY)


def test_a_page_this_process_keeps_is_not_served_after_another_process_changes_the_version(demo):
    client = Client()
    assert "Metro line 2 to Wuyi Square" in client.get("/en/contact/").text
    # Another worker's edit: the row changes and that worker writes a new version; this process's copy of the
    # page is of the old version and must not be served.
    Branch.objects.filter(slug="hunan").update(transit_en="Bus 1 to the river.")
    before = pagecache_store.current_version()
    pagecache_store._write_file_version()
    assert pagecache_store.current_version() != before
    text = client.get("/en/contact/").text
    assert "Bus 1 to the river." in text and "Metro line 2 to Wuyi Square" not in text


def test_the_wsgi_handler_serves_a_kept_page_without_reading_the_cache(demo, django_assert_num_queries):
    from django.core.cache import cache

    first = Client().get("/en/rights/")
    cache.clear()  # the shared copy is gone; this process still holds the page of the current version
    with django_assert_num_queries(0):
        status, _headers, body = _wsgi("/en/rights/")
    assert status == "200 OK" and body == first.content
    pagecache_store._write_file_version()  # a change anywhere: the kept copy is of an old version
    assert Client().get("/en/rights/").content == first.content  # rendered again, the same text
    assert pagecache_store.current_version() == pagecache_store._file_version()
