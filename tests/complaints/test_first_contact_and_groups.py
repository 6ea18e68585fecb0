"""Resolved at first contact: registered and decided in one step, the same day, the complainant agreeing; one SMS
confirms it; counted as a complaint and as resolved at first contact. Group complaints: members and at most five
representatives, one decision told to every member, counted once with its members. Secondary categories beside
the main one, which alone is counted."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from complaints import services
from complaints.compliance.reports import Period, complaint_report
from complaints.models import Complaint, EventAction, Status
from portal import roles
from portal.messaging.models import Message

from .factories import register, shanghai

pytestmark = pytest.mark.django_db

NOW = shanghai(2026, 3, 10, 11, 30)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def team(make_user):
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "editor": make_user("editor", groups=[roles.CONTENT_EDITOR]),
    }


def _resolve(actor, **overrides):
    values = {
        "actor": actor,
        "received_at": NOW - timedelta(minutes=20),
        "complainant_agreed": True,
        "channel": "phone",
        "name": "李四",
        "phone": "13912345678",
        "description": "保单地址变更未生效。",
        "category": "policy_service",
        "decision": "当场为您完成地址变更，并致歉。",
        "outcome": "upheld",
        "reliefs": ["correction", "apology"],
    }
    values.update(overrides)
    return services.complaint_resolve_at_first_contact(**values)


def _sms(complaint):
    return list(Message.objects.about(complaint).filter(channel="sms").order_by("id"))


def test_a_complaint_resolved_at_first_contact_is_registered_accepted_and_decided_in_one_step(team):
    complaint = _resolve(team["handler"])
    assert complaint.status == Status.DECIDED
    assert complaint.resolved_at_first_contact is True
    assert complaint.handler == team["handler"]
    assert complaint.reliefs == ["correction", "apology"]
    actions = list(complaint.events.order_by("id").values_list("action", flat=True))
    assert actions == [EventAction.REGISTER, EventAction.ACCEPT, EventAction.DECIDE, EventAction.FIRST_CONTACT]
    assert complaint.late_since is None and complaint.decided_at.date() <= complaint.due_date


def test_one_short_sms_in_the_complainants_language_confirms_the_resolution_instead_of_three(team):
    complaint = _resolve(team["handler"], language="en")
    messages = _sms(complaint)
    assert [message.template for message in messages] == ["complaint.first_contact"]
    assert complaint.tracking_number in messages[0].text and "resolved" in messages[0].text
    chinese = _resolve(team["handler"], phone="13700001111")
    (message,) = _sms(chinese)
    assert "已按与您当日商定的方式解决" in message.text


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"complainant_agreed": False}, "only when the complainant agrees"),
        ({"received_at": NOW - timedelta(days=1)}, "on the day it is received"),
        ({"source": "regulator", "regulator_ref": "JG-1"}, "not resolved at first contact"),
        ({"reliefs": []}, "redress"),
        ({"outcome": "not_upheld", "reliefs": ["refund"]}, "does not fit"),
        ({"decision": "  "}, "Write the decision"),
    ],
)
def test_a_first_contact_resolution_that_breaks_a_rule_is_refused_and_nothing_is_stored(team, overrides, words):
    with pytest.raises(services.WorkflowError, match=words):
        _resolve(team["handler"], **overrides)
    assert not Complaint.objects.exists() and not Message.objects.exists()


def test_staff_without_the_right_to_register_and_handle_complaints_cannot_resolve_at_first_contact(team):
    with pytest.raises(PermissionDenied):
        _resolve(team["editor"])
    assert not Complaint.objects.exists()


def test_the_report_counts_a_first_contact_resolution_as_a_complaint_closed_on_time_and_resolved_at_first_contact(
    team,
):
    _resolve(team["handler"])
    register(team["supervisor"])
    report = complaint_report(period=Period(2026))
    assert report["total"] == 2
    assert report["first_contact_resolved"] == 1
    assert report["closed_on_time"] == 1
    assert report["outcomes_by_category"]["policy_service"] == {"decided": 1, "upheld": 1}


def _members(count, representatives):
    return [
        {
            "name": f"成员{n}",
            "phone": f"1380000{n:04d}",
            "policy_number": f"P{n}",
            "representative": n < representatives,
        }
        for n in range(count)
    ]


def test_a_group_complaint_may_have_five_representatives_and_the_sixth_is_refused(team):
    complaint = register(team["supervisor"])
    services.complaint_set_members(complaint=complaint, actor=team["supervisor"], members=_members(12, 5))
    assert complaint.members.count() == 12 and complaint.members.filter(representative=True).count() == 5
    event = complaint.events.get(action=EventAction.MEMBERS)
    assert event.data == {"members": 12, "representatives": 5} and not event.public
    with pytest.raises(services.WorkflowError, match="at most 5 representatives"):
        services.complaint_set_members(complaint=complaint, actor=team["supervisor"], members=_members(12, 6))
    assert complaint.members.count() == 12 and complaint.members.filter(representative=True).count() == 5


def test_members_without_a_phone_or_given_twice_are_refused_with_their_line(team):
    complaint = register(team["supervisor"])
    twice = [*_members(3, 1), {"name": "重复", "phone": "138 0000 0001"}]
    with pytest.raises(services.WorkflowError, match="Member 4: the phone 138 0000 0001 is given twice"):
        services.complaint_set_members(complaint=complaint, actor=team["supervisor"], members=twice)
    with pytest.raises(services.WorkflowError, match="Member 1: give a name and a phone"):
        services.complaint_set_members(complaint=complaint, actor=team["supervisor"], members=[{"name": "王五"}])


def test_one_decision_of_a_group_complaint_reaches_every_member_by_sms(team):
    complaint = register(team["supervisor"])
    members = [*_members(3, 1), {"name": "张三", "phone": "13812345678", "representative": False}]
    services.complaint_set_members(complaint=complaint, actor=team["supervisor"], members=members)
    complaint = services.complaint_accept(complaint=complaint, actor=team["supervisor"])
    services.complaint_decide(
        complaint=complaint,
        actor=team["supervisor"],
        decision="经核查，退还保费。",
        outcome="upheld",
        remedies=["review"],
        reliefs=["refund"],
    )
    decided = Message.objects.about(complaint).filter(channel="sms", template="complaint.decided")
    # The complainant (also listed as a member) once, and the three other members.
    assert sorted(decided.values_list("recipient", flat=True)) == [
        "+8613800000000",
        "+8613800000001",
        "+8613800000002",
        "+8613812345678",
    ]


def test_a_group_complaint_counts_once_in_the_total_with_its_members_beside_it(team):
    group = register(team["supervisor"])
    services.complaint_set_members(complaint=group, actor=team["supervisor"], members=_members(7, 2))
    register(team["supervisor"], phone="13600000000")
    report = complaint_report(period=Period(2026))
    assert report["total"] == 2
    assert report["group_complaints"] == 1 and report["group_members"] == 7


def test_secondary_categories_are_recorded_beside_the_main_one_which_alone_is_counted(team):
    complaint = register(team["supervisor"], category="claims")
    complaint = services.complaint_set_secondary_categories(
        complaint=complaint, actor=team["supervisor"], categories=["service", "claims", "sales"]
    )
    assert complaint.secondary_categories == ["sales", "service"]
    event = complaint.events.get(action=EventAction.RECLASSIFY)
    assert event.data["secondary_categories"] == {"from": [], "to": ["sales", "service"]}
    by_category = complaint_report(period=Period(2026))["by_category"]
    assert by_category["claims"] == 1 and by_category["sales"] == 0 and by_category["service"] == 0
    with pytest.raises(services.WorkflowError, match="from the list"):
        services.complaint_set_secondary_categories(complaint=complaint, actor=team["supervisor"], categories=["x"])


def test_staff_without_the_handling_right_cannot_record_members_or_categories(team):
    complaint = register(team["supervisor"])
    with pytest.raises(PermissionDenied):
        services.complaint_set_members(complaint=complaint, actor=team["editor"], members=_members(2, 1))
    with pytest.raises(PermissionDenied):
        services.complaint_set_secondary_categories(complaint=complaint, actor=team["editor"], categories=["sales"])
    assert timezone.now() == NOW


def _first_contact_form(**overrides):
    form = {
        "channel": "visit",
        "received_at": "2026-03-10T11:05",
        "name": "李四",
        "phone": "13912345678",
        "language": "zh-hans",
        "capacity": "self",
        "category": "service",
        "description": "柜面等候时间过长。",
        "decision": "当场致歉并优先办理。",
        "outcome": "upheld",
        "reliefs": ["apology"],
        "complainant_agreed": "on",
    }
    form.update(overrides)
    return form


def test_the_first_contact_page_records_the_resolution_and_refuses_it_without_the_agreement_keeping_what_was_typed(
    team, client
):
    client.force_login(team["handler"])
    url = "/en/admin/complaints/complaint/register/first-contact/"
    assert "first-contact-link" in client.get("/en/admin/complaints/complaint/register/").text
    refused = client.post(url, _first_contact_form(complainant_agreed=""))
    assert refused.status_code == 200 and "only when the complainant agrees" in refused.text
    assert "柜面等候时间过长。" in refused.text and not Complaint.objects.exists()
    done = client.post(url, _first_contact_form())
    complaint = Complaint.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/complaint/{complaint.pk}/change/")
    assert complaint.resolved_at_first_contact and complaint.status == Status.DECIDED
    client.force_login(team["editor"])
    assert client.get(url).status_code == 403


def test_the_members_page_takes_pasted_lines_and_refuses_a_sixth_representative_keeping_the_list(team, client):
    complaint = register(team["supervisor"])
    client.force_login(team["supervisor"])
    url = f"/en/admin/complaints/complaint/{complaint.pk}/do/members/"
    six = "\n".join(f"代表{n}，1380000{n:04d}，P{n}" for n in range(6))
    refused = client.post(url, {"representatives": six, "others": "", "note": ""})
    assert refused.status_code == 200 and "at most 5 representatives" in refused.text and "代表5" in refused.text
    five = "\n".join(f"代表{n}\t1380000{n:04d}\tP{n}" for n in range(5))
    assert client.post(url, {"representatives": five, "others": "成员, 13900001111", "note": ""}).status_code == 302
    assert complaint.members.count() == 6
    record = client.get(f"/en/admin/complaints/complaint/{complaint.pk}/change/").text
    assert "代表0 · 138 0000 0000 · P0 · representative" in record


def test_the_staff_list_filters_by_secondary_category_and_the_record_shows_them(team, client):
    both = register(team["supervisor"], category="claims")
    services.complaint_set_secondary_categories(complaint=both, actor=team["supervisor"], categories=["sales"])
    register(team["supervisor"], category="sales", phone="13600000000")
    client.force_login(team["supervisor"])
    page = client.get("/en/admin/complaints/complaint/?secondary=sales").text
    assert both.tracking_number in page
    assert Complaint.objects.filter(category="sales").get().tracking_number not in page
    assert "Sales" in client.get(f"/en/admin/complaints/complaint/{both.pk}/change/").text


def test_the_demo_holds_a_year_of_first_contact_resolutions_group_complaints_and_secondary_categories():
    from tests.demo_snapshot import load_demo

    load_demo()
    resolved = Complaint.objects.filter(resolved_at_first_contact=True)
    assert resolved.count() == 24 and resolved.exclude(status=Status.DECIDED).count() == 0
    # Spread over the current year so far (last year keeps the seeded record alone).
    today = timezone.localdate()
    days = sorted(timezone.localdate(c.received_at) for c in resolved)
    assert (
        days[0].year == today.year and (days[-1] - days[0]).days >= (today - today.replace(month=1, day=1)).days * 0.8
    )
    groups = Complaint.objects.filter(members__isnull=False).distinct()
    assert groups.count() == 3
    assert all(0 < g.members.filter(representative=True).count() <= 5 for g in groups)
    assert Complaint.objects.exclude(secondary_categories=[]).count() >= 10


def test_retention_anonymises_a_group_complaints_members_and_keeps_their_count(team):
    from complaints.compliance.retention import complaint_anonymise

    complaint = register(team["supervisor"])
    services.complaint_set_members(complaint=complaint, actor=team["supervisor"], members=_members(4, 1))
    complaint_anonymise(complaint=complaint)
    assert complaint.members.count() == 4
    assert set(complaint.members.values_list("policy_number", flat=True)) == {""}
    assert not complaint.members.filter(phone__startswith="+86138").exists()
