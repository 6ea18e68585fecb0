"""Every public page costs the same number of queries whatever the amount of data (page cache off: each request
renders). Measured at a small volume and again after adding many more notices, complaints and reception days."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from notices.models import Notice
from reception.models import ReceptionDay

UNTIL = date(2026, 11, 20)
# Few enough that a page showing everything would be caught, many enough to fill every list and its pages.
MOST_QUERIES = 12


def _grow(notices: int, complaints: int, days: int, seed: int) -> None:
    call_command(
        "generate_volume",
        f"--notices={notices}",
        f"--complaints={complaints}",
        f"--reception-days={days}",
        f"--seed={seed}",
        f"--until={UNTIL}",
        stdout=StringIO(),
    )


def _pages() -> list[str]:
    # Paths in the default language (another test may have left English active in this thread).
    translation.activate("zh-hans")
    notice = Notice.objects.published().filter(title_en__gt="").order_by("id").first()
    day = ReceptionDay.objects.filter(date__lt=UNTIL).order_by("id").first()
    paths = [
        "/",
        "/notices/",
        "/notices/cases/",
        # The Chinese address whatever language an earlier test left active in this thread.
        translation.override("zh-hans")(notice.get_absolute_url)(),
        "/notices/?q=%E8%AF%88%E9%AA%97",
        "/notices/?q=%E4%BF%9D%E9%99%A9&category=fraud-warnings",
        "/notices/feed/",
        "/notices/?page=2",
        "/reception/",
        f"/reception/archive/{day.date.year}/",
        "/reception/beijing/calendar.ics",
        "/complaints/new/",
        "/complaints/track/",
        "/contact/",
        "/rights/",
    ]
    return paths + ["/en" + path for path in paths]


def _counts(paths: list[str]) -> dict[str, int]:
    client = Client()
    # The first request fills the shared cache with the site profile: count from the second on.
    client.get(paths[0])
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(queries)
    return counts


@pytest.mark.django_db
def test_every_public_page_costs_the_same_queries_with_ten_times_the_data(demo, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    _grow(notices=30, complaints=50, days=40, seed=1)
    paths = _pages()
    small = _counts(paths)
    _grow(notices=300, complaints=500, days=400, seed=2)
    large = _counts(paths)
    assert large == small
    assert max(small.values()) <= MOST_QUERIES, small
