"""Rate-limit counters: in PostgreSQL without Redis, so that every worker and server counts the same tries."""

import pytest
import time_machine
from django.db import connection

from portal import ratelimit
from portal.models import RateCount

pytestmark = pytest.mark.django_db


def test_without_redis_the_counters_are_rows_in_the_database(settings):
    settings.REDIS_URL = ""
    assert ratelimit.store() == "database"
    with time_machine.travel("2026-11-21 10:00:00+08:00", tick=False):
        assert [ratelimit.hit("track", "ip:1") for _ in range(3)] == [1, 2, 3]
        assert ratelimit.count("track", "ip:1") == 3
        assert ratelimit.count("track", "ip:2") == 0
        assert ratelimit.is_limited("track", ["ip:2", "ip:1"], limit=3)
        assert not ratelimit.is_limited("track", ["ip:1"], limit=4)
    assert RateCount.objects.count() == 1


def test_a_new_window_counts_from_one_again(settings):
    settings.REDIS_URL = ""
    with time_machine.travel("2026-11-21 10:59:00+08:00", tick=False):
        ratelimit.hit("track", "ip:1", window=3600)
        ratelimit.hit("track", "ip:1", window=3600)
    with time_machine.travel("2026-11-21 11:00:01+08:00", tick=False):
        assert ratelimit.count("track", "ip:1", window=3600) == 0
        assert ratelimit.hit("track", "ip:1", window=3600) == 1


def test_the_counter_is_one_atomic_upsert_per_hit(settings):
    settings.REDIS_URL = ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # connection open
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel("2026-11-21 10:00:00+08:00", tick=False), CaptureQueriesContext(connection) as queries:
        ratelimit.hit("submit", "ip:9")
    assert len(queries) in (1, 2)  # the upsert (and, now and then, the sweep of past windows)
    assert "ON CONFLICT" in queries[0]["sql"]


def test_with_redis_configured_the_shared_cache_counts(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert ratelimit.store() == "cache"
    settings.PORTAL_RATE_LIMIT_STORE = "database"
    assert ratelimit.store() == "database"


def test_switched_off_nothing_is_counted(settings):
    settings.PORTAL_RATE_LIMITS = False
    assert ratelimit.hit("track", "ip:1") == 0
    assert ratelimit.count("track", "ip:1") == 0
    assert RateCount.objects.count() == 0
