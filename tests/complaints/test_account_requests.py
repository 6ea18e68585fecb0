"""Requests a signed-in complainant makes about their personal data (the stated limit in working days, the
identity rule for correction and deletion, the copy with every source, what deletion keeps and until when, the
figures), and call backs from the public form through the staff work queue to their recorded outcome."""

import json
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from complaints.account import requests
from complaints.models import (
    AccountAction,
    Callback,
    CallbackOutcome,
    CallbackStatus,
    DataRequest,
    DataRequestKind,
    DataRequestStatus,
)
from portal import roles
from portal.messaging.models import Message
from portal.models import Holiday, HolidayKind
from portal.privacy import personal_data_seen

from .factories import register, shanghai
from .test_account import MINE, sign_in
from .test_account import OTHER as OTHER_PHONE

pytestmark = pytest.mark.django_db
# A Monday; 1 January 2027 (a Friday) is a holiday in the calendar below.
NOW = shanghai(2026, 12, 21, 10, 0)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def holiday(db):
    return Holiday.objects.create(date=date(2027, 1, 1), name="元旦", kind=HolidayKind.HOLIDAY)


@pytest.fixture
def complaint(demo, supervisor):
    return register(supervisor, phone="13912345678", id_type="resident", id_number="110105194912310021")


def ask(client, kind, details=""):
    return client.post("/account/data/", {"kind": kind, "details": details})


def test_a_request_is_due_fifteen_working_days_later_skipping_weekends_and_holidays(holiday):
    # From Monday 21 December: 15 working days, with 1 January off, end on Tuesday 12 January.
    assert requests.data_request_due(date(2026, 12, 21)) == date(2027, 1, 12)


def test_the_limit_is_the_companys_stated_policy_from_its_setting(settings, holiday):
    settings.PORTAL_DATA_REQUEST_WORKING_DAYS = 5
    assert requests.data_request_due(date(2026, 12, 21)) == date(2026, 12, 28)
    page = sign_in(Client()).get("/account/data/").content.decode()
    assert "在5个工作日内答复" in page


def test_a_request_after_signing_in_is_an_event_and_a_message_with_its_due_date(complaint, holiday):
    client = sign_in(Client())
    response = ask(client, "explain")
    request = DataRequest.objects.get(kind=DataRequestKind.EXPLAIN)
    assert response["Location"] == f"/account/data/?made={request.number}"
    assert request.phone == MINE and request.due_on == date(2027, 1, 12)
    assert list(request.events.values_list("action", flat=True)) == [AccountAction.REQUESTED]
    message = Message.objects.get(template="data_request.received")
    assert message.recipient == MINE and request.number in message.text


def test_a_correction_without_saying_what_is_wrong_is_refused_and_nothing_is_lost(complaint):
    client = sign_in(Client())
    response = ask(client, "correct", "")
    assert response.status_code == 200 and "请写明哪里有误" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_the_data_pages_need_a_signed_in_session():
    assert Client().get("/account/data/")["Location"] == "/account/"
    assert Client().get("/account/data/copy.json")["Location"] == "/account/"


def test_correction_and_deletion_wait_for_identity_confirmed_beyond_the_code(complaint, handler):
    client = sign_in(Client())
    ask(client, "delete")
    request = DataRequest.objects.get()
    with pytest.raises(ValidationError) as refused:
        requests.data_request_answer(request=request, actor=handler, answer="已删除。")
    assert refused.value.code == "identity"
    requests.data_request_confirm_identity(
        request=request, actor=handler, method="call_back", note="回拨预留号码，核对保单号。"
    )
    answered = requests.data_request_answer(request=request, actor=handler, answer="已按规定处理。")
    assert answered.status == DataRequestStatus.ANSWERED
    assert [event.action for event in answered.events.all()] == [
        AccountAction.REQUESTED,
        AccountAction.IDENTITY_CONFIRMED,
        AccountAction.ANSWERED,
    ]
    sent = list(Message.objects.filter(reference=request.number).values_list("template", flat=True))
    assert sent == ["data_request.received", "data_request.identity_confirmed", "data_request.answered"]


def test_deletion_keeps_the_complaint_record_and_says_until_when(complaint, handler, supervisor):
    from complaints import services

    services.complaint_accept(complaint=complaint, actor=supervisor)
    request = requests.data_request_create(phone=MINE, kind="delete", details="", language="zh-hans")
    requests.data_request_confirm_identity(request=request, actor=handler, method="visit", note="到柜面核验身份证。")
    answered = requests.data_request_answer(request=request, actor=handler, answer="可删除的已删除。")
    assert complaint.tracking_number in answered.kept_until
    assert "5" in answered.kept_until
    complaint.refresh_from_db()
    assert complaint.phone == MINE  # the record the law requires is kept


def test_a_staff_member_without_the_full_data_permission_is_refused(complaint, compliance):
    request = requests.data_request_create(phone=MINE, kind="access", details="", language="zh-hans")
    with pytest.raises(PermissionDenied):
        requests.data_request_answer(request=request, actor=compliance, answer="…")
    client = Client()
    client.force_login(compliance)
    response = client.get(f"/admin/complaints/datarequest/{request.pk}/handle/")
    assert response.status_code == 403


def test_staff_answer_in_the_admin_with_the_full_data_permission(complaint, handler):
    request = requests.data_request_create(phone=MINE, kind="explain", details="为何保存身份证号？", language="en")
    client = Client()
    client.force_login(handler)
    page = client.get(f"/admin/complaints/datarequest/{request.pk}/handle/")
    assert page.status_code == 200 and request.number in page.content.decode()
    response = client.post(
        f"/admin/complaints/datarequest/{request.pk}/handle/",
        {"step": "answer", "decision": "answer", "text": "用于核实投诉人身份。"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == DataRequestStatus.ANSWERED
    assert Message.objects.get(template="data_request.answered").language == "en"


def test_the_copy_holds_every_source_and_who_saw_the_data(complaint, handler):
    personal_data_seen(handler, complaint, where="admin:complaint", fields="name,phone_in_full")
    requests.callback_create(name="张三", phone=MINE, preferred_time="morning", language="zh-hans")
    client = sign_in(Client())
    response = client.get("/account/data/copy.json")
    assert response["Content-Disposition"].startswith("attachment;")
    copy = json.loads(response.content)
    assert copy["format"] == "portal.personal-data-copy/1"
    assert set(copy) >= {"complaints", "bookings", "messages", "call_backs", "data_requests"}
    (entry,) = copy["complaints"]
    assert entry["tracking_number"] == complaint.tracking_number
    assert entry["id_number"] == "110105194912310021"
    assert entry["seen_by_staff"][0]["where"] == "admin:complaint"
    assert copy["call_backs"][0]["phone"] == MINE
    assert any(message["text"] for message in copy["messages"])
    readable = client.get("/account/data/copy/").content.decode()
    assert complaint.tracking_number in readable and "110105194912310021" in readable
    assert DataRequest.objects.filter(kind=DataRequestKind.COPY, status=DataRequestStatus.ANSWERED).count() == 2


def test_the_figures_count_requests_answered_in_time_late_and_overdue(handler, _frozen, holiday):
    on_time = requests.data_request_create(phone=MINE, kind="access", details="", language="zh-hans")
    late = requests.data_request_create(phone=MINE, kind="explain", details="", language="zh-hans")
    requests.data_request_create(phone=MINE, kind="access", details="", language="zh-hans")
    requests.data_request_answer(request=on_time, actor=handler, answer="见附件。")
    _frozen.move_to(shanghai(2027, 1, 13, 10, 0))
    requests.data_request_answer(request=late, actor=handler, answer="迟复。")
    figures = requests.data_requests_in_time(date(2026, 12, 1), date(2027, 1, 1))
    assert figures == {"received": 3, "answered": 2, "in_time": 1, "late": 1, "overdue": 1, "rate": 50.0}


def test_a_call_back_goes_from_the_public_form_to_the_work_queue_and_is_recorded(demo, make_user, complaint):
    handler = make_user("caller", groups=[roles.COMPLAINT_HANDLER])
    response = Client().post(
        "/en/callback/",
        {"name": "John Smith", "phone": "+44 20 7946 0958", "preferred_time": "afternoon", "language": "en"},
    )
    callback = Callback.objects.get()
    assert response["Location"] == f"/en/callback/done/?number={callback.number}"
    assert callback.phone == "+442079460958" and callback.status == CallbackStatus.WAITING
    staff = Client()
    staff.force_login(handler)
    index = staff.get("/admin/").content.decode()
    assert 'data-queue="callbacks_waiting"' in index and "/admin/complaints/callback/?status__exact=waiting" in index
    refused = staff.post(
        f"/admin/complaints/callback/{callback.pk}/record/", {"outcome": "complaint", "tracking_number": "TS-nope"}
    )
    assert refused.status_code == 200 and 'class="errorlist' in refused.content.decode()
    staff.post(
        f"/admin/complaints/callback/{callback.pk}/record/",
        {"outcome": "complaint", "tracking_number": complaint.tracking_number, "note": "Called, registered."},
    )
    callback.refresh_from_db()
    assert (callback.status, callback.outcome, callback.complaint) == (
        CallbackStatus.DONE,
        CallbackOutcome.COMPLAINT,
        complaint,
    )
    assert callback.answered_by == handler
    assert [event.action for event in callback.events.all()] == [AccountAction.REQUESTED, AccountAction.CALLED]


def test_a_call_back_is_refused_to_staff_without_the_permission(demo, compliance):
    callback = requests.callback_create(name="张三", phone=MINE, preferred_time="any", language="zh-hans")
    with pytest.raises(PermissionDenied):
        requests.callback_record(callback=callback, actor=compliance, outcome="answered", note="")
    client = Client()
    client.force_login(compliance)
    assert client.get(f"/admin/complaints/callback/{callback.pk}/record/").status_code == 403


def test_the_call_back_form_is_rate_limited_and_refuses_robots(demo, settings):
    settings.PORTAL_CALLBACK_LIMIT = 2
    client = Client()
    data = {"name": "张三", "phone": "13912345678", "preferred_time": "any", "language": "zh-hans"}
    robot = client.post("/callback/", {**data, "website": "http://spam"})
    assert robot.status_code == 200 and not Callback.objects.exists()
    bad = client.post("/callback/", {**data, "phone": "12"})
    assert bad.status_code == 200 and 'value="张三"' in bad.content.decode() and not Callback.objects.exists()
    assert [client.post("/callback/", data).status_code for _ in range(3)] == [302, 302, 429]


def test_the_call_back_is_offered_first_in_elderly_mode_and_on_the_english_site(demo):
    from portal.display import COOKIE, ELDERLY

    assert 'id="callback-offer"' in Client().get("/en/contact/").content.decode()
    assert 'id="callback-offer"' in Client().get("/en/complaints/new/").content.decode()
    assert 'id="callback-offer"' not in Client().get("/contact/").content.decode()
    elderly = Client()
    elderly.cookies[COOKIE] = ELDERLY
    assert 'id="callback-offer"' in elderly.get("/contact/").content.decode()


def test_open_data_requests_wait_in_the_work_queue_with_the_days_left_to_their_limit(handler, holiday):
    requests.data_request_create(phone=MINE, kind="delete", details="", language="zh-hans")
    client = Client()
    client.force_login(handler)
    index = client.get("/admin/").content.decode()
    row = index.split('data-queue="data_requests_open"', 1)[1].split("</tr>", 1)[0]
    assert "/admin/complaints/datarequest/?open=1" in row and 'cp-queue-count">1<' in row
    assert "22" in row  # from 21 December to its limit on 12 January
    listed = client.get("/admin/complaints/datarequest/?open=1")
    assert listed.status_code == 200 and DataRequest.objects.get().number in listed.content.decode()


def test_retention_anonymises_call_backs_and_data_requests_past_the_period_and_keeps_the_figures(handler, _frozen):
    from complaints.compliance.retention import retention_apply
    from portal.privacy import ANONYMISED_PHONE

    callback = requests.callback_create(name="张三", phone=MINE, preferred_time="any", language="zh-hans")
    requests.callback_record(callback=callback, actor=handler, outcome="answered", note="已解答。")
    request = requests.data_request_create(phone=MINE, kind="explain", details="为何保存身份证号？", language="zh-hans")
    requests.data_request_answer(request=request, actor=handler, answer="用于核实身份。")
    waiting = requests.callback_create(name="李四", phone=OTHER_PHONE, preferred_time="any", language="zh-hans")
    _frozen.move_to(shanghai(2031, 12, 22, 10, 0))
    report = retention_apply()
    assert sorted(report.others["account-requests"]) == sorted([callback.number, request.number])
    callback.refresh_from_db()
    request.refresh_from_db()
    waiting.refresh_from_db()
    assert callback.phone == ANONYMISED_PHONE and callback.outcome == "answered"
    assert request.phone == ANONYMISED_PHONE and request.details == "" and request.answered_at is not None
    assert waiting.phone == OTHER_PHONE
    assert not callback.events.exclude(note="").exists()
