"""Writes beside the workflow: corrections, closing a record from elsewhere and the legal hold each check their
actor and leave an event through the one event writer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints import services
from complaints.models import Complaint, EventAction

from .factories import register, shanghai

pytestmark = pytest.mark.django_db


def test_a_handler_without_the_legal_hold_permission_calling_the_service_is_refused(handler):
    complaint = register(handler)
    services.complaint_assign(complaint=complaint, actor=None, handler=handler)
    with pytest.raises(PermissionDenied):
        services.complaint_set_legal_hold(complaint=complaint, actor=handler, hold=True, reason="试一试")
    complaint.refresh_from_db()
    assert not complaint.legal_hold
    assert not complaint.events.filter(action=EventAction.LEGAL_HOLD).exists()


def test_nobody_unnamed_may_place_a_legal_hold(handler):
    with pytest.raises(PermissionDenied):
        services.complaint_set_legal_hold(complaint=register(), actor=None, hold=True)


def test_a_compliance_officer_places_and_lifts_a_hold_and_each_is_an_event_naming_who_and_why(compliance):
    complaint = register()
    services.complaint_set_legal_hold(complaint=complaint, actor=compliance, hold=True, reason="诉讼")
    services.complaint_set_legal_hold(complaint=complaint, actor=compliance, hold=True, reason="again")
    services.complaint_set_legal_hold(complaint=complaint, actor=compliance, hold=False, reason="结案")
    events = list(complaint.events.filter(action=EventAction.LEGAL_HOLD).order_by("id"))
    assert [(event.data, event.note, event.actor) for event in events] == [
        ({"hold": True}, "诉讼", compliance),
        ({"hold": False}, "结案", compliance),
    ]
    assert all(event.from_status == event.to_status == "received" for event in events)


def test_a_handler_corrects_the_category_of_an_assigned_complaint_and_the_event_says_before_and_after(handler):
    complaint = register(handler, category="claims")
    services.complaint_assign(complaint=complaint, actor=None, handler=handler)
    services.complaint_correct(complaint=complaint, actor=handler, changes={"category": "sales"}, note="来电更正")
    complaint.refresh_from_db()
    assert complaint.category == "sales"
    event = complaint.events.get(action=EventAction.CORRECT)
    assert event.note == "来电更正\ncategory: claims → sales" and event.actor == handler


def test_a_correction_changing_nothing_leaves_no_event(handler):
    complaint = register(category="claims")
    services.complaint_correct(complaint=complaint, actor=None, changes={"category": "claims"})
    assert not complaint.events.filter(action=EventAction.CORRECT).exists()


def test_a_handler_cannot_correct_a_colleagues_complaint(handler, make_user):
    colleague = make_user("colleague", groups=["Complaint handler"])
    complaint = register()
    services.complaint_assign(complaint=complaint, actor=None, handler=colleague)
    with pytest.raises(PermissionDenied):
        services.complaint_correct(complaint=complaint, actor=handler, changes={"name": "李四"})
    assert Complaint.objects.get(pk=complaint.pk).name == "张三"


def test_a_correction_of_the_status_or_a_bad_phone_is_refused_and_changes_nothing():
    complaint = register()
    with pytest.raises(services.WorkflowError):
        services.complaint_correct(complaint=complaint, actor=None, changes={"status": "closed"})
    with pytest.raises(ValidationError):
        services.complaint_correct(complaint=complaint, actor=None, changes={"phone": "12345"})
    complaint.refresh_from_db()
    assert complaint.status == "received" and complaint.phone == "+8613812345678"
    assert not complaint.events.filter(action=EventAction.CORRECT).exists()


def test_a_description_correction_is_named_but_its_words_stay_out_of_the_event():
    complaint = register(description="我的身份证号是110101199003071234")
    services.complaint_correct(complaint=complaint, actor=None, changes={"description": "理赔材料被退回。"})
    event = complaint.events.get(action=EventAction.CORRECT)
    assert event.note == "description" and "1101" not in event.note


def test_a_handler_may_not_record_a_closing_from_elsewhere(handler):
    complaint = register(handler)
    services.complaint_assign(complaint=complaint, actor=None, handler=handler)
    with pytest.raises(PermissionDenied):
        services.complaint_record_closed(
            complaint=complaint, actor=handler, closed_at=shanghai(2026, 11, 20), note="from a file"
        )
    assert Complaint.objects.get(pk=complaint.pk).status == "received"
