"""The working-day calendar: portal's rules and its Holiday table, whose changes are kept with who and when."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from portal.models import Holiday, HolidayKind
from portal.roles import BRANCH_STAFF, SUPERVISOR
from portal.workdays import is_working_day, next_working_day

NATIONAL_DAY = {date(2026, 10, day) for day in range(1, 9)}


def test_a_weekday_works_a_holiday_and_a_weekend_do_not_and_a_make_up_saturday_does():
    assert is_working_day(date(2026, 10, 9), NATIONAL_DAY, set())
    assert not is_working_day(date(2026, 10, 6), NATIONAL_DAY, set())
    assert not is_working_day(date(2026, 10, 10), NATIONAL_DAY, set())
    assert is_working_day(date(2026, 10, 10), NATIONAL_DAY, {date(2026, 10, 10)})


def test_a_day_off_moves_to_the_next_working_day_and_a_working_day_stays():
    assert next_working_day(date(2026, 10, 6), NATIONAL_DAY, set()) == date(2026, 10, 9)
    assert next_working_day(date(2026, 10, 9), NATIONAL_DAY, set()) == date(2026, 10, 9)


@pytest.mark.django_db
def test_a_public_holiday_entered_and_changed_in_the_admin_is_recorded_with_who_and_when(client, make_user):
    boss = make_user("boss", superuser=True)
    client.force_login(boss)
    form = {"date": "2027-02-09", "name": "春节", "kind": HolidayKind.HOLIDAY}
    assert client.post("/en/admin/portal/holiday/add/", form).status_code == 302
    holiday = Holiday.objects.get()
    assert (
        client.post(f"/en/admin/portal/holiday/{holiday.pk}/change/", {**form, "name": "春节假期"}).status_code == 302
    )
    history = list(holiday.history.order_by("history_date").values_list("history_type", "name", "history_user"))
    assert history == [("+", "春节", boss.pk), ("~", "春节假期", boss.pk)]
    assert client.get(f"/en/admin/portal/holiday/{holiday.pk}/history/").status_code == 200


@pytest.mark.django_db
def test_branch_staff_read_the_calendar_and_supervisors_keep_it_as_portal_permissions():
    def holiday_permissions(group):
        permissions = Group.objects.get(name=group).permissions.filter(codename__endswith="_holiday")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)

    assert holiday_permissions(BRANCH_STAFF) == ["portal.view_holiday"]
    assert holiday_permissions(SUPERVISOR) == [
        "portal.add_holiday",
        "portal.change_holiday",
        "portal.delete_holiday",
        "portal.view_holiday",
    ]
