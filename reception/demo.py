"""Demo schedule: the Beijing branch's published 2023 table (the project's copy, in reception/data/), and upcoming
days for the demo branches counted from today, so that the schedule always has something ahead. Idempotent."""

from datetime import date, time
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from portal import pagecache
from portal.actors import system_actor
from portal.models import Branch
from portal.tabular import ImportRefused

from . import importer, services
from .models import ReceptionDay
from .rules import nth_weekday

PUBLISHED_2023 = Path(__file__).resolve().parent / "data" / "reception_beijing_2023_as_published.csv"

# Staff names in Latin letters for the English pages (pinyin, family name first).
LATIN_NAMES = {
    "张丹": "Zhang Dan",
    "张颖": "Zhang Ying",
    "王珊珊": "Wang Shanshan",
    "李明": "Li Ming",
    "陈静": "Chen Jing",
    "王强": "Wang Qiang",
    "刘芳": "Liu Fang",
}

UPCOMING = {
    # slug: (weekday, nth, months ahead, receptionist, liaison): a monthly day into next year
    "beijing": (2, 2, 13, "张丹", "张颖"),
    "jiangsu": (1, 2, 13, "李明", "陈静"),
    "hunan": (3, 3, 13, "王强", "刘芳"),
}


def _upcoming_dates(today: date, weekday: int, nth: int, count: int) -> list[date]:
    dates = []
    year, month = today.year, today.month
    while len(dates) < count:
        candidate = nth_weekday(year, month, weekday, nth)
        if candidate > today:
            dates.append(candidate)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def _romanise_names() -> None:
    changed = False
    for day in ReceptionDay.objects.filter(Q(receptionist_latin="") | Q(liaison_latin="") | Q(title_en="")):
        before = (day.receptionist_latin, day.liaison_latin, day.title_en)
        day.receptionist_latin = day.receptionist_latin or LATIN_NAMES.get(day.receptionist, "")
        day.liaison_latin = day.liaison_latin or LATIN_NAMES.get(day.liaison, "")
        if day.title_zh_hans == "总经理" and not day.title_en:
            day.title_en = "General manager"
        if (day.receptionist_latin, day.liaison_latin, day.title_en) != before:
            day.save(update_fields=["receptionist_latin", "liaison_latin", "title_en"])
            changed = True
    if changed:
        pagecache.invalidate()


def load(stdout=None) -> None:
    parsed = importer.parse(PUBLISHED_2023.read_bytes(), year=2023)
    if not parsed.ok:
        raise ImportRefused(parsed.problems)
    outcome = services.reception_import(rows=parsed.rows, actor=system_actor())
    beijing = Branch.objects.filter(slug="beijing").first()
    if beijing:
        # The demo branch carries the published address; give the imported days its English place too.
        missing_english = ReceptionDay.objects.filter(Q(place_en="") | Q(place_en__isnull=True), branch=beijing)
        if missing_english.update(place_en=beijing.address_en):
            pagecache.invalidate()  # update() sends no save signal
    today = timezone.localdate()
    added = 0
    for slug, (weekday, nth, count, receptionist, liaison) in UPCOMING.items():
        branch = Branch.objects.filter(slug=slug).first()
        if branch is None:
            continue
        days = services.reception_days_generate(
            branch=branch,
            dates=_upcoming_dates(today, weekday, nth, count),
            start_time=time(9, 0),
            end_time=time(11, 30),
            receptionist=receptionist,
            title="总经理",
            place=branch.address_zh_hans or branch.name_zh_hans,
            phone=branch.phone,
            liaison=liaison,
        )
        for day in days:
            day.place_en = branch.address_en
            day.save(update_fields=["place_en"])
        added += len(days)
    _romanise_names()
    if stdout:
        stdout.write(f"reception: {outcome.total} published days of 2023, {added} upcoming days added\n")
