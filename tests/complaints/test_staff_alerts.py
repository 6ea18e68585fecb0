"""Staff are told what needs them: assignments, information from the complainant, unassigned web complaints, a
daily digest of what falls due, and late complaints climb the ladder (supervisor after one day, senior manager
after five), each step an event; by email and in the inbox, once."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from complaints import escalation, services
from complaints.models import EventAction
from portal import roles
from portal.actors import is_system_actor
from portal.messaging.models import Message, StaffAlert

from .factories import extend, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER]),
        "other": make_user("other", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "senior": make_user("senior", groups=[roles.SENIOR_MANAGER]),
    }


def _alerts(user) -> list[str]:
    return list(StaffAlert.objects.filter(user=user).order_by("id").values_list("template", flat=True))


def test_a_web_complaint_alerts_the_supervisors_and_its_handler_learns_of_assignment_and_new_information(team):
    complaint = services.complaint_submit(name="王五", phone="13812345678", description="理赔拖延")
    assert _alerts(team["supervisor"]) == ["unassigned"] and _alerts(team["handler"]) == []
    services.complaint_assign(complaint=complaint, actor=team["supervisor"], handler=team["handler"])
    services.complaint_add_information(complaint=complaint, text="补充一份病历")
    assert _alerts(team["handler"]) == ["assigned", "information_added"]
    assert _alerts(team["other"]) == [] and _alerts(team["senior"]) == []
    emails = Message.objects.filter(recipient="handler@example.com", template="staff.alert")
    assert emails.count() == 2 and complaint.tracking_number in emails.first().text
    assert f"/admin/complaints/complaint/{complaint.pk}/change/" in emails.first().text


def test_a_complaint_registered_by_staff_does_not_alert_the_supervisors(team):
    register(team["supervisor"])
    assert _alerts(team["supervisor"]) == []


def test_the_daily_digest_lists_the_handlers_complaints_due_within_3_days_once_a_day_from_8(team):
    with time_machine.travel("2026-11-02 10:00 +08:00", tick=False):
        soon = register(team["supervisor"])
        services.complaint_assign(complaint=soon, actor=team["supervisor"], handler=team["handler"])
    with time_machine.travel("2026-11-10 10:00 +08:00", tick=False):
        later = register(team["supervisor"])
        services.complaint_assign(complaint=later, actor=team["supervisor"], handler=team["handler"])
    # soon is due 11-17, later 11-25.
    with time_machine.travel("2026-11-14 07:30 +08:00", tick=False):
        assert escalation.digests_send() == 0  # before 8:00
    with time_machine.travel("2026-11-14 08:05 +08:00", tick=False):
        assert escalation.digests_send() == 1
        assert escalation.digests_send() == 0  # the same day again: nothing new
    [digest] = StaffAlert.objects.filter(user=team["handler"], template="digest")
    assert soon.tracking_number in digest.title and later.tracking_number not in digest.title
    with translation.override("en"):
        assert digest.title.startswith("1 of your complaints fall due within 3 days")
    with time_machine.travel("2026-11-15 08:05 +08:00", tick=False):
        assert escalation.digests_send() == 1  # a new day, a new digest
    assert _alerts(team["other"]) == []


def test_a_late_complaint_goes_to_the_supervisors_after_one_day_and_to_the_senior_managers_after_five(team):
    with time_machine.travel("2026-11-02 10:00 +08:00", tick=False):
        complaint = register(team["supervisor"])
        services.complaint_assign(complaint=complaint, actor=team["supervisor"], handler=team["handler"])
    assert complaint.due_date == date(2026, 11, 17)
    ladder = []
    for day in range(17, 24):
        with time_machine.travel(f"2026-11-{day} 09:00 +08:00", tick=False):
            call_command("run_periodic", "--only", "escalations", stdout=StringIO())
            call_command("run_periodic", "--only", "escalations", stdout=StringIO())  # idempotent
        ladder.append((day, _alerts(team["supervisor"]).count("escalated_supervisor"), _alerts(team["senior"])))
    assert ladder == [
        (17, 0, []),  # due today: not late
        (18, 1, []),  # one day late: the supervisors
        (19, 1, []),
        (20, 1, []),
        (21, 1, []),
        (22, 1, ["escalated_senior"]),  # five days late: the senior managers
        (23, 1, ["escalated_senior"]),
    ]
    events = complaint.events.filter(action=EventAction.ESCALATE).order_by("id")
    assert [(event.data["level"], event.data["days"], event.data["to"]) for event in events] == [
        (1, 1, roles.SUPERVISOR),
        (2, 5, roles.SENIOR_MANAGER),
    ]
    assert all(is_system_actor(event.actor) and not event.public for event in events)
    senior_alert = StaffAlert.objects.get(user=team["senior"])
    assert "5" in senior_alert.title and "handler" in senior_alert.title


def test_an_extended_or_decided_complaint_is_not_escalated(team):
    with time_machine.travel("2026-11-02 10:00 +08:00", tick=False):
        extended = register(team["supervisor"])
        services.complaint_accept(complaint=extended, actor=team["supervisor"])
        extend(extended, requester=team["supervisor"], approver=team["senior"], reason="录音调取中")
        decided = register(team["supervisor"])
        services.complaint_accept(complaint=decided, actor=team["supervisor"])
        services.complaint_decide(
            complaint=decided,
            actor=team["supervisor"],
            decision="支持。",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["review"],
        )
    with time_machine.travel("2026-11-25 09:00 +08:00", tick=False):
        assert escalation.complaints_escalate() == 0


def test_the_inbox_shows_each_member_of_staff_only_their_own_alerts_and_opening_one_marks_it_read(team):
    complaint = services.complaint_submit(name="王五", phone="13812345678", description="理赔拖延")
    services.complaint_assign(complaint=complaint, actor=team["supervisor"], handler=team["handler"])
    client = Client()
    client.force_login(team["handler"])
    queue = client.get("/en/admin/complaints/complaint/")
    assert "Inbox: 1 unread alert" in queue.text and f"Complaint {complaint.tracking_number} has been" in queue.text
    inbox = client.get("/en/admin/portal/staffalert/?read=no")
    assert inbox.status_code == 200 and complaint.tracking_number in inbox.text
    assert "waits to be assigned" not in inbox.text  # the supervisor's alert is not theirs
    alert = StaffAlert.objects.get(user=team["handler"])
    opened = client.get(f"/en/admin/portal/staffalert/{alert.pk}/change/")
    assert opened.status_code == 302 and opened["Location"] == f"/en/admin/complaints/complaint/{complaint.pk}/change/"
    alert.refresh_from_db()
    assert alert.read_at is not None
    other = StaffAlert.objects.get(user=team["supervisor"])
    assert client.get(f"/en/admin/portal/staffalert/{other.pk}/change/").status_code == 404
    assert "Inbox: 0 unread alerts" in client.get("/en/admin/complaints/complaint/").text
    # Chinese staff read their inbox in Chinese.
    assert "未读提醒" in client.get("/admin/complaints/complaint/").text


def test_alerting_ten_supervisors_costs_the_same_queries_as_alerting_two_and_each_is_alerted_once(team, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.messaging.alerts import staff_alert, users_in_group

    make_user("supervisor2", groups=[roles.SUPERVISOR])

    def alert(key):
        with CaptureQueriesContext(connection) as queries:
            written = staff_alert(users=users_in_group(roles.SUPERVISOR), template="unassigned",
                                  params={"number": "TS-1", "due": "—"}, key=key)  # fmt: skip
        return len(written), len(queries)

    two = alert("k:1")
    for number in range(3, 11):
        make_user(f"supervisor{number}", groups=[roles.SUPERVISOR])
    ten = alert("k:2")
    assert two[0] == 2 and ten[0] == 10
    # The inbox costs the same for ten as for two; each email queued is its message and its delivery task.
    assert ten[1] - 2 * 10 == two[1] - 2 * 2
    again = alert("k:2")
    assert again[0] == 0
    assert StaffAlert.objects.filter(key="k:2").count() == 10
