"""Demo schedule: the Beijing branch's published 2023 table (the project's copy, in reception/data/), last year's
days of the demo branches for the archive (two of them moved, with their reasons), and upcoming days counted
from today, so that the schedule always has something ahead (demo_data/schedule.toml). Idempotent."""

import tomllib
from datetime import date, timedelta
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

_DATA = tomllib.loads((Path(__file__).resolve().parent / "demo_data" / "schedule.toml").read_text("utf-8"))
DAY = _DATA["day"]
# Staff names in Latin letters for the English pages (pinyin, family name first).
LATIN_NAMES = _DATA["latin_names"]
UPCOMING = {
    # slug: (weekday, nth, months ahead, receptionist, liaison): a monthly day into next year
    row["branch"]: (row["weekday"], row["nth"], row["months"], row["receptionist"], row["liaison"])
    for row in _DATA["upcoming"]
}


# (slug, month): (days later, reason in Chinese, reason in English)
LAST_YEAR_MOVED = {
    (row["branch"], row["month"]): (row["days_later"], row["reason_zh_hans"], row["reason_en"])
    for row in _DATA["last_year_moved"]
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


def _last_year(branch: Branch, today: date, weekday: int, nth: int, receptionist: str, liaison: str) -> int:
    """The branch's monthly days of last year, for the archive; a day listed as moved held later, with its reason."""
    year = today.year - 1
    usual = [nth_weekday(year, month, weekday, nth) for month in range(1, 13)]
    moved = {}
    for day in usual:
        if (branch.slug, day.month) in LAST_YEAR_MOVED:
            later, _zh, _en = LAST_YEAR_MOVED[(branch.slug, day.month)]
            moved[day + timedelta(days=later)] = day
    dates = [day for day in usual if day not in moved.values()] + list(moved)
    days = _generate(branch, dates, receptionist, liaison, moved)
    for day in days:
        if day.moved_from:
            _later, reason_zh, reason_en = LAST_YEAR_MOVED[(branch.slug, day.moved_from.month)]
            day.status_reason_zh_hans, day.status_reason_en = reason_zh, reason_en
            day.save(update_fields=["status_reason_zh_hans", "status_reason_en"])
    return len(days)


def _generate(branch: Branch, dates, receptionist: str, liaison: str, moved=None) -> list[ReceptionDay]:
    """The demo's days on `dates` through the service staff use (days the branch has are left alone), with the
    branch's English address as their place."""
    days = services.reception_days_generate(
        branch=branch,
        dates=dates,
        start_time=DAY["start"],
        end_time=DAY["end"],
        receptionist=receptionist,
        title=DAY["title_zh_hans"],
        place=branch.address_zh_hans or branch.name_zh_hans,
        phone=branch.phone,
        liaison=liaison,
        moved=moved,
        actor=system_actor(),
    )
    for day in days:
        day.place_en = branch.address_en
        day.save(update_fields=["place_en"])
    return days


def _romanise_names() -> None:
    changed = False
    for day in ReceptionDay.objects.filter(Q(receptionist_latin="") | Q(liaison_latin="") | Q(title_en="")):
        before = (day.receptionist_latin, day.liaison_latin, day.title_en)
        day.receptionist_latin = day.receptionist_latin or LATIN_NAMES.get(day.receptionist, "")
        day.liaison_latin = day.liaison_latin or LATIN_NAMES.get(day.liaison, "")
        if day.title_zh_hans == DAY["title_zh_hans"] and not day.title_en:
            day.title_en = DAY["title_en"]
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
    added = archived = 0
    for slug, (weekday, nth, count, receptionist, liaison) in UPCOMING.items():
        branch = Branch.objects.filter(slug=slug).first()
        if branch is None:
            continue
        archived += _last_year(branch, today, weekday, nth, receptionist, liaison)
        days = _generate(branch, _upcoming_dates(today, weekday, nth, count), receptionist, liaison)
        added += len(days)
    _romanise_names()
    if stdout:
        stdout.write(
            f"reception: {outcome.total} published days of 2023, {archived} days of {today.year - 1} for the "
            f"archive and {added} upcoming days added\n"
        )
