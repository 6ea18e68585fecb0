"""The slips: a stop doubled by a message template, an item named by its row id, the staff reception list
starting with next year's day."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from complaints.compliance.remediation import remediation_add
from portal import roles
from portal.messaging.catalogue import render, tidy_stops
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_user):
    return make_user("lead", groups=[roles.SUPERVISOR])


def test_a_reason_ending_its_own_sentence_gets_one_full_stop_in_the_message():
    assert tidy_stops("原因：预计需两周。。新的办结期限") == "原因：预计需两周。新的办结期限"
    assert tidy_stops("Reason: two weeks.. New date") == "Reason: two weeks. New date"
    assert tidy_stops("Wait... then") == "Wait... then"
    _subject, text = render(
        "complaint.extended", {"number": "TS-1", "reason": "预计需两周。", "due": "2026-12-01"}, "zh-hans"
    )
    assert "预计需两周。新的办结期限" in text and "。。" not in text


def test_a_remediation_item_is_named_by_its_own_words_not_its_row_id(lead):
    complaint = register(lead)
    item = remediation_add(
        complaint=complaint,
        actor=lead,
        action="修改理赔时效话术并组织复训",
        owner=lead,
        due_date=timezone.localdate() + timedelta(days=5),
    )
    assert str(item) == "修改理赔时效话术并组织复训"
    assert not str(item).startswith(f"{complaint.pk}:")


def test_the_staff_reception_list_starts_today_and_goes_forward_then_the_past(make_user, client):
    from portal.models import Branch
    from reception.models import ReceptionDay

    branch = Branch.objects.create(name="北京分公司", slug="bj-order", province="北京")
    today = date(2026, 12, 7)
    for day in (date(2027, 1, 4), date(2026, 12, 1), date(2026, 12, 9), date(2026, 12, 7)):
        ReceptionDay.objects.create(
            branch=branch, date=day, start_time="09:00", end_time="11:00", capacity=5, receptionist="王总"
        )
    lead = make_user("lead.r", groups=[roles.SUPERVISOR])
    client.force_login(lead)
    with time_machine.travel(datetime(2026, 12, 7, 2, 0, tzinfo=timezone.UTC), tick=False):
        page = client.get(reverse("admin:reception_receptionday_changelist"))
    assert page.status_code == 200
    shown = [day.date for day in page.context["cl"].result_list]
    assert shown == [today, date(2026, 12, 9), date(2027, 1, 4), date(2026, 12, 1)]


def test_the_public_reception_schedule_lists_days_from_today_soonest_first():
    from portal.models import Branch
    from reception.models import ReceptionDay

    branch = Branch.objects.create(name="上海分公司", slug="sh-order", province="上海")
    for day in (date(2027, 1, 4), date(2026, 12, 1), date(2026, 12, 9), date(2026, 12, 7)):
        ReceptionDay.objects.create(
            branch=branch, date=day, start_time="09:00", end_time="11:00", capacity=5, receptionist="李总"
        )
    shown = [day.date for day in ReceptionDay.objects.upcoming_of([branch], date(2026, 12, 7))]
    assert shown == [date(2026, 12, 7), date(2026, 12, 9), date(2027, 1, 4)]
