"""The escalation ladder follows lateness (the late mark), not the due date: a restart, a reopening, a merge or
an import never takes a late complaint off it; a late complaint is chased again every week until decided; old
late complaints imported at once are told in one digest. Extension requests reach their approvers, their
decisions reach the requester, and a request undecided on the eve of its limit is escalated; the senior
managers have their own queue on the admin index."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from complaints import escalation, queue, services
from complaints.compliance.importer import complaint_import
from complaints.models import Complaint, EventAction, ExtensionStatus, Status
from portal import roles
from portal.messaging.models import Message, StaffAlert
from portal.models import Holiday, HolidayKind

from . import test_staff_alerts
from .compliance.files import csv_bytes, row
from .factories import extend, register

team = test_staff_alerts.team  # the same team of staff
_alerts = test_staff_alerts._alerts

pytestmark = pytest.mark.django_db


def _run(day: str) -> None:
    with time_machine.travel(f"{day} 09:00 +08:00", tick=False):
        call_command("run_periodic", "--only", "escalations", stdout=StringIO())


def _levels(complaint) -> list[int]:
    events = complaint.events.filter(action=EventAction.ESCALATE, data__has_key="level").order_by("id")
    return [event.data["level"] for event in events]


def _assigned(team, day="2026-11-02"):
    """A complaint received on `day` (due 15 days later), handled by the handler."""
    with time_machine.travel(f"{day} 10:00 +08:00", tick=False):
        complaint = register(team["supervisor"])
        services.complaint_assign(complaint=complaint, actor=team["supervisor"], handler=team["handler"])
        services.complaint_accept(complaint=complaint, actor=team["handler"])
    return Complaint.objects.get(pk=complaint.pk)


def test_a_late_complaint_restarted_on_new_facts_still_climbs_to_the_senior_managers(team):
    complaint = _assigned(team)
    assert complaint.due_date == date(2026, 11, 17)
    _run("2026-11-18")
    assert _alerts(team["supervisor"]) == ["escalated_supervisor"]
    with time_machine.travel("2026-11-19 10:00 +08:00", tick=False):
        complaint = services.complaint_restart(complaint=complaint, actor=team["handler"], note="补充了新的病历")
    assert complaint.due_date > date(2026, 11, 22) and complaint.late_since == date(2026, 11, 18)
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        _run(day)
    assert _alerts(team["senior"]) == ["escalated_senior"]
    assert _levels(complaint) == [1, 2]
    [alert] = StaffAlert.objects.filter(user=team["senior"])
    assert "2026-11-17" in alert.title  # the limit that passed, not the new due date


def test_a_late_complaint_decided_and_reopened_stays_on_the_ladder(team):
    complaint = _assigned(team)
    _run("2026-11-18")
    with time_machine.travel("2026-11-19 10:00 +08:00", tick=False):
        services.complaint_decide(
            complaint=complaint,
            actor=team["handler"],
            decision="支持。",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["review"],
        )
    _run("2026-11-20")
    assert _levels(complaint) == [1]  # decided: not chased
    with time_machine.travel("2026-11-21 10:00 +08:00", tick=False):
        complaint = services.complaint_reopen(complaint=complaint, actor=team["supervisor"], reason="决定有误")
    assert complaint.late_since == date(2026, 11, 18)
    _run("2026-11-22")
    assert _levels(complaint) == [1, 2]
    assert _alerts(team["senior"]) == ["escalated_senior"]


def test_a_merge_gives_the_surviving_complaint_the_lateness_of_the_late_repeat(team):
    original = _assigned(team)
    with time_machine.travel("2026-11-02 11:00 +08:00", tick=False):
        original = extend(original, requester=team["handler"], approver=team["supervisor"], reason="录音调取中")
    repeat = _assigned(team, "2026-11-03")
    assert repeat.due_date == date(2026, 11, 18) and original.due_date > date(2026, 11, 30)
    with time_machine.travel("2026-11-25 10:00 +08:00", tick=False):
        services.complaint_merge(complaint=repeat, into=original, actor=team["supervisor"], note="同一事项")
    original.refresh_from_db()
    repeat.refresh_from_db()
    assert repeat.status == Status.MERGED and repeat.late_since == date(2026, 11, 19)
    assert original.late_since == date(2026, 11, 19)
    late = original.events.get(action=EventAction.LATE)
    assert late.data == {"due": "2026-11-18", "repeat": repeat.tracking_number}
    _run("2026-11-25")
    assert _levels(original) == [1, 2] and _levels(repeat) == []
    assert _alerts(team["senior"]) == ["escalated_senior"]


def test_a_merge_into_a_complaint_late_earlier_keeps_the_earlier_lateness(team):
    original = _assigned(team)
    repeat = _assigned(team, "2026-11-03")
    with time_machine.travel("2026-11-25 10:00 +08:00", tick=False):
        services.complaint_merge(complaint=repeat, into=original, actor=team["supervisor"])
    original.refresh_from_db()
    assert original.late_since == date(2026, 11, 18)
    assert original.events.filter(action=EventAction.LATE).count() == 1


def test_old_late_complaints_imported_at_once_send_one_digest_per_step_not_an_alert_each(team):
    rows = [row(received="2026-09-01", name=f"客户{n}", phone=f"1390000{n:04d}") for n in range(6)]
    with time_machine.travel("2026-11-21 10:00 +08:00", tick=False):
        complaint_import(data=csv_bytes(rows), name="old.csv")
    imported = list(Complaint.objects.order_by("pk"))
    assert len(imported) == 6 and all(complaint.late_since for complaint in imported)
    _run("2026-11-21")
    _run("2026-11-21")  # idempotent
    assert all(_levels(complaint) == [1, 2] for complaint in imported)
    assert _alerts(team["supervisor"]) == ["escalated_digest"]
    assert _alerts(team["senior"]) == ["escalated_digest"]
    [digest] = StaffAlert.objects.filter(user=team["senior"])
    assert all(complaint.tracking_number in digest.title for complaint in imported) and "6" in digest.title
    assert Message.objects.filter(recipient="senior@example.com", template="staff.alert").count() == 1
    # A week later they are chased again: one digest again.
    _run("2026-11-28")
    assert _alerts(team["senior"]) == ["escalated_digest", "escalated_digest"]
    assert all(_levels(complaint) == [1, 2, max(_levels(complaint))] for complaint in imported)


def test_a_late_complaint_is_chased_every_week_until_it_is_decided(team):
    complaint = _assigned(team)
    for day in range(18, 31):
        _run(f"2026-11-{day}")
    for day in range(1, 8):
        _run(f"2026-12-{day:02d}")
    # one day late 11-18, five days 11-22, then 11-29 (12 days) and 12-06 (19 days)
    assert _levels(complaint) == [1, 2, 3, 4]
    for user in (team["supervisor"], team["senior"], team["handler"]):
        assert _alerts(user).count("escalated_again") == 2
    assert _alerts(team["other"]) == []
    [event] = complaint.events.filter(action=EventAction.ESCALATE, data__level=3)
    assert event.data["days"] == 12 and event.day == date(2026, 11, 29)
    with time_machine.travel("2026-12-08 10:00 +08:00", tick=False):
        services.complaint_decide(
            complaint=complaint,
            actor=team["handler"],
            decision="支持。",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["review"],
        )
    _run("2026-12-13")
    _run("2026-12-20")
    assert _levels(complaint) == [1, 2, 3, 4]


def test_an_extension_request_alerts_the_supervisors_and_its_grant_alerts_the_requester(team):
    complaint = _assigned(team)
    with time_machine.travel("2026-11-05 10:00 +08:00", tick=False):
        request = services.complaint_request_extension(complaint=complaint, actor=team["handler"], reason="调取录音")
        assert _alerts(team["supervisor"]) == ["extension_requested"]
        assert _alerts(team["senior"]) == [] and _alerts(team["other"]) == []
        alert = StaffAlert.objects.get(user=team["supervisor"])
        assert complaint.tracking_number in alert.title and alert.url.endswith(f"/{request.pk}/decide/")
        assert Message.objects.filter(recipient="supervisor@example.com", template="staff.alert").exists()
        complaint = services.extension_grant(request=request, actor=team["supervisor"])
    assert _alerts(team["handler"]) == ["assigned", "extension_granted"]
    granted = StaffAlert.objects.get(user=team["handler"], template="extension_granted")
    assert complaint.due_date.isoformat() in granted.title and "supervisor" in granted.title


def test_a_refused_extension_tells_the_requester_why(team):
    complaint = _assigned(team)
    with time_machine.travel("2026-11-05 10:00 +08:00", tick=False):
        request = services.complaint_request_extension(complaint=complaint, actor=team["handler"], reason="调取录音")
        services.extension_refuse(request=request, actor=team["supervisor"], note="录音三日内可取得")
    refused = StaffAlert.objects.get(user=team["handler"], template="extension_refused")
    assert "录音三日内可取得" in refused.title


def test_a_second_extension_request_goes_to_the_senior_managers_only(team):
    complaint = _assigned(team)
    with time_machine.travel("2026-11-05 10:00 +08:00", tick=False):
        complaint = extend(complaint, requester=team["handler"], approver=team["supervisor"], days=10)
        services.complaint_request_extension(complaint=complaint, actor=team["handler"], reason="鉴定未完成")
    assert _alerts(team["senior"]) == ["extension_requested"]
    assert _alerts(team["supervisor"]) == ["extension_requested"]  # the first request only


def test_a_request_undecided_on_the_working_day_before_the_limit_is_escalated_to_every_approver(team):
    with time_machine.travel("2026-11-02 10:00 +08:00", tick=False):
        Holiday.objects.create(date=date(2026, 11, 16), name="假日", kind=HolidayKind.HOLIDAY)
    complaint = _assigned(team)  # due Tuesday 11-17; Monday 11-16 is a holiday: the eve is Friday 11-13
    assert complaint.due_date == date(2026, 11, 17)
    with time_machine.travel("2026-11-10 10:00 +08:00", tick=False):
        request = services.complaint_request_extension(complaint=complaint, actor=team["handler"], reason="调取录音")
    _run("2026-11-12")
    assert _alerts(team["senior"]) == []
    _run("2026-11-13")
    _run("2026-11-14")  # once
    assert _alerts(team["senior"]) == ["extension_undecided"]
    assert _alerts(team["supervisor"]) == ["extension_requested", "extension_undecided"]
    [event] = complaint.events.filter(action=EventAction.ESCALATE)
    assert event.data["request"] == request.pk and event.data["to"] == roles.SENIOR_MANAGER
    # Undecided still when the limit ends: it lapses, the complaint is late and climbs the ladder.
    _run("2026-11-18")
    request.refresh_from_db()
    assert request.status == ExtensionStatus.LAPSED and _levels(complaint) == [1]


def test_the_senior_managers_index_queues_their_second_extensions_and_the_complaints_escalated_to_them(team):
    late = _assigned(team)
    waiting = _assigned(team, "2026-11-20")
    with time_machine.travel("2026-11-21 10:00 +08:00", tick=False):
        waiting = extend(waiting, requester=team["handler"], approver=team["supervisor"], days=10)
        services.complaint_request_extension(complaint=waiting, actor=team["handler"], reason="鉴定未完成")
    _run("2026-11-23")
    assert _levels(late) == [1, 2]
    client = Client()
    client.force_login(team["senior"])
    with time_machine.travel("2026-11-23 10:00 +08:00", tick=False):
        page = client.get("/en/admin/")
        assert page.status_code == 200 and 'id="queue-senior"' in page.text
        assert 'id="queue-team"' not in page.text and 'id="queue-mine"' not in page.text
        assert "Second extensions waiting for your decision" in page.text and "6 days late" in page.text
        rows = queue.rows_for(team["senior"], date(2026, 11, 23))[queue.SENIOR]
        counts = {row.key: (row.count, row.days_left) for row in rows}
        assert counts["second_extensions"] == (1, (waiting.due_date - date(2026, 11, 23)).days)
        assert counts["escalated_to_seniors"] == (1, -6)  # late since 11-18: six days late
        assert counts["requests_escalated"] == (0, None)
        listed = client.get("/en/admin/complaints/complaint/?queue=escalated_to_seniors")
        assert [complaint.pk for complaint in listed.context["cl"].result_list] == [late.pk]
        chinese = client.get("/admin/")
        assert "高级管理人员待办" in chinese.text


def test_the_ladder_steps_a_complaint_takes_are_stated_by_days_late_and_the_chase_by_the_last_step():
    today = date(2026, 12, 1)

    def levels(days, taken):
        return [level for level, *_ in escalation.steps_due(days, taken, today)]

    assert levels(0, {}) == []
    assert levels(1, {}) == [1]
    assert levels(7, {}) == [1, 2]
    assert levels(12, {1: date(2026, 11, 20)}) == [2]  # no chase before the top is taken
    assert levels(12, {1: date(2026, 11, 20), 2: date(2026, 11, 24)}) == [3]
    assert levels(12, {1: date(2026, 11, 20), 2: date(2026, 11, 25)}) == []  # six days after the top
    assert levels(60, {1: date(2026, 11, 1), 2: date(2026, 11, 5), 3: date(2026, 11, 12)}) == [4]  # not made up
    assert levels(60, {1: today, 2: today}) == []  # found late long after: chased a week after the top
