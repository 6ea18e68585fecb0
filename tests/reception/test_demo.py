from datetime import date

import time_machine

from portal import demo as portal_demo
from reception import demo
from reception.models import ReceptionDay


def load_demo():
    # The shell's branches, then this app's loader (the one load_demo runs at order 40).
    portal_demo.load()
    demo.load()


def test_load_demo_imports_the_published_2023_table_and_upcoming_days_and_is_idempotent(db):
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        load_demo()
        snapshot = list(ReceptionDay.objects.order_by("pk").values())
        load_demo()
        assert list(ReceptionDay.objects.order_by("pk").values()) == snapshot
        today = date(2026, 11, 21)
        assert ReceptionDay.objects.filter(date__year=2023, branch__slug="beijing").count() == 12
        upcoming = ReceptionDay.objects.upcoming(today)
        assert {day.branch.slug for day in upcoming} == {"beijing", "jiangsu", "hunan"}
        beijing_2023 = ReceptionDay.objects.get(branch__slug="beijing", date=date(2023, 1, 11))
        assert beijing_2023.place_en and beijing_2023.title_en == "General Manager"


def test_demo_days_stay_upcoming_whatever_the_date(db):
    with time_machine.travel("2031-06-30 10:00 +0800", tick=False):
        load_demo()
        assert ReceptionDay.objects.upcoming(date(2031, 6, 30)).count() >= 3


def test_the_reception_loader_is_registered_for_load_demo():
    from portal import registry

    assert any(loader.name == "reception" and loader.order == 40 for loader in registry.demo_loaders)


def test_load_demo_keeps_last_years_days_for_the_archive_with_the_moved_ones_and_their_reasons(db, client):
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        load_demo()
        last_year = ReceptionDay.objects.filter(date__year=2025)
        assert {slug: last_year.filter(branch__slug=slug).count() for slug in ("beijing", "jiangsu", "hunan")} == {
            "beijing": 12,
            "jiangsu": 12,
            "hunan": 12,
        }
        moved = last_year.get(branch__slug="hunan", date=date(2025, 7, 24))
        assert moved.moved_from == date(2025, 7, 17) and "暴雨" in moved.status_reason_zh_hans
        assert "rainstorm" in moved.status_reason_en
        page = client.get("/en/reception/archive/2025/").content.decode()
        assert "Moved from 17 July 2025." in page and "red rainstorm warning" in page
        assert "Wang Qiang (王强), General Manager" in page
        assert 'href="/en/reception/archive/2025/"' in client.get("/en/reception/archive/2023/").content.decode()
