from datetime import UTC, date, datetime, time

import time_machine
from icalendar import Calendar

from reception.models import DayStatus


def test_ics_parses_and_each_event_runs_at_the_published_window_at_utc_plus_8(make_day, client):
    make_day(day=date(2023, 1, 11))
    make_day(day=date(2023, 2, 22), start_time=time(14), end_time=time(16, 30))
    response = client.get("/reception/beijing/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar.get("version") == "2.0"
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    starts = sorted(event.decoded("dtstart").astimezone(UTC) for event in events)
    assert starts == [datetime(2023, 1, 11, 1, 0, tzinfo=UTC), datetime(2023, 2, 22, 6, 0, tzinfo=UTC)]
    first = min(events, key=lambda event: event.decoded("dtstart"))
    assert first.decoded("dtend").utcoffset().total_seconds() == 8 * 3600
    assert first.decoded("dtend").time() == time(11, 30)
    assert "TZID=Asia/Shanghai" in response.content.decode()
    timezones = calendar.walk("VTIMEZONE")
    assert [str(zone.get("tzid")) for zone in timezones] == ["Asia/Shanghai"]
    assert "北京" in str(first.get("location"))


def test_uids_are_unique_and_stable_and_cancelled_days_are_marked(make_day, client):
    make_day(day=date(2023, 1, 11))
    make_day(day=date(2023, 2, 22), status=DayStatus.CANCELLED)
    first = Calendar.from_ical(client.get("/reception/beijing/calendar.ics").content)
    with time_machine.travel("2030-01-01"):
        second = Calendar.from_ical(client.get("/reception/beijing/calendar.ics").content)
    uids = [str(event.get("uid")) for event in first.walk("VEVENT")]
    assert len(set(uids)) == 2
    assert uids == [str(event.get("uid")) for event in second.walk("VEVENT")]
    statuses = {event.decoded("dtstart").date(): str(event.get("status")) for event in first.walk("VEVENT")}
    assert statuses == {date(2023, 1, 11): "CONFIRMED", date(2023, 2, 22): "CANCELLED"}


def test_english_calendar_is_in_english_and_unknown_branch_is_404(make_day, client):
    make_day(day=date(2023, 1, 11))
    content = client.get("/en/reception/beijing/calendar.ics").content.decode()
    assert "reception day" in content
    assert client.get("/reception/nowhere/calendar.ics").status_code == 404


def test_schedule_links_each_branch_calendar(make_day, client):
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        make_day(day=date(2026, 12, 9))
        text = client.get("/reception/").content.decode()
    assert 'href="/reception/beijing/calendar.ics"' in text


def test_calendar_costs_a_fixed_number_of_queries(make_day, client, django_assert_num_queries, settings):
    from datetime import timedelta

    settings.PORTAL_PAGE_CACHE_SECONDS = 0  # measure the view, not the cache

    for count in (1, 10):
        for offset in range(count):
            make_day(day=date(2024, 1, 1) + timedelta(days=7 * offset + count * 100))
        with django_assert_num_queries(2):
            assert client.get("/reception/beijing/calendar.ics").status_code == 200


def test_uids_come_from_the_configured_domain_whatever_host_the_request_names(make_day, client, settings):
    settings.PORTAL_ID_DOMAIN = "xiaokang-life.example"
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    day = make_day()
    for host in ("testserver", "mirror.example"):
        calendar = Calendar.from_ical(client.get("/reception/beijing/calendar.ics", headers={"Host": host}).content)
        assert [str(event.get("uid")) for event in calendar.walk("VEVENT")] == [
            f"reception-day-{day.pk}@xiaokang-life.example"
        ]


def test_an_edit_of_time_or_place_raises_the_sequence_and_other_saves_do_not(make_day, client):
    day = make_day()

    def sequence():
        calendar = Calendar.from_ical(client.get("/reception/beijing/calendar.ics").content)
        return int(calendar.walk("VEVENT")[0].get("sequence"))

    assert sequence() == 0
    day.start_time = time(9, 30)
    day.save()
    assert sequence() == 1
    day.place_en = "Room 2, 5 East Third Ring Middle Road, Beijing"
    day.save()
    assert sequence() == 2
    day.receptionist_latin = "Zhang Dan"
    day.save(update_fields=["receptionist_latin"])
    assert sequence() == 2


def test_english_pages_give_staff_names_in_latin_letters_and_titles_in_english(make_day, client):
    make_day(receptionist_latin="Zhang Dan", liaison_latin="Zhang Ying", title_en="")
    english = client.get("/en/reception/").text
    assert "Zhang Dan (张丹), General manager" in english and "Zhang Ying (张颖)" in english
    assert "Received by" in english and "Receptionist" not in english
    assert "张丹（总经理）" in client.get("/reception/").text
