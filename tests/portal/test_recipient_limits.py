"""Limits per recipient, never per complaint: a complaint's receipt, which anyone can make the portal send by typing
a phone, reaches one phone at most a few times a Beijing day; beyond that the message is held in the outbox with its
reason, the complaint itself stored and receipted on screen. Messages a case step sends are never held. (Bookings:
tests/reception/test_booking_limits.py.)"""

import pytest
import time_machine
from django.test import Client

from complaints import services
from complaints.models import Complaint
from portal import roles
from portal.messaging.models import HeldReason, Message, MessageStatus
from portal.messaging.outbox import message_deliver
from portal.messaging.sms import MemorySMSBackend
from tests.complaints.factories import register
from tests.complaints.test_intake import form_token, valid_data

pytestmark = pytest.mark.django_db


def _form(client, **overrides):
    return valid_data(form_token(client, "/en/complaints/new/"), **overrides)


def _submit(**overrides):
    client = Client()
    response = client.post("/en/complaints/new/", _form(client, **overrides))
    assert response.status_code == 302, response.status_code
    return client, client.get(response["Location"]).text


def _receipts(status=None):
    messages = Message.objects.filter(template="complaint.received", channel="sms").order_by("id")
    return messages.filter(status=status) if status else messages


@pytest.fixture
def open_forms(settings):
    settings.PORTAL_COMPLAINT_SUBMIT_LIMIT = 100


@pytest.fixture
def sms_outbox(settings):
    settings.PORTAL_SMS_BACKEND = "memory"
    MemorySMSBackend.outbox = []
    return MemorySMSBackend.outbox


@time_machine.travel("2026-11-02 10:00 +08:00", tick=False)
def test_the_fourth_receipt_to_one_phone_in_a_day_is_held_with_its_reason_and_the_complaint_is_stored_and_receipted(
    open_forms, sms_outbox, run_worker
):
    for _ in range(3):
        _submit()
    _client, receipt = _submit()
    fourth = Complaint.objects.order_by("id").last()
    assert Complaint.objects.count() == 4
    assert fourth.tracking_number in receipt
    assert [message.status for message in _receipts()] == ["queued"] * 3 + ["held"]
    held = _receipts().last()
    assert held.held_reason == HeldReason.RECEIPTS and held.next_attempt_at is None
    assert fourth.tracking_number in held.text  # everything it would have said is kept
    # The email receipt to the same address is held the same way.
    emails = Message.objects.filter(template="complaint.received", channel="email").order_by("id")
    assert [message.status for message in emails] == ["queued"] * 3 + ["held"]
    run_worker()
    assert len(sms_outbox) == 3
    assert message_deliver(message_id=held.pk) is None  # a held message is never sent
    held.refresh_from_db()
    assert held.status == MessageStatus.HELD and held.attempts == 0


def test_the_next_day_a_receipt_to_the_same_phone_goes_again(open_forms):
    with time_machine.travel("2026-11-02 23:30 +08:00", tick=False):
        for _ in range(4):
            _submit()
    with time_machine.travel("2026-11-03 00:10 +08:00", tick=False):
        _submit()
    assert [message.status for message in _receipts()] == ["queued"] * 3 + ["held", "queued"]


def test_another_phone_is_not_held_by_the_first_phones_limit(open_forms):
    with time_machine.travel("2026-11-02 10:00 +08:00", tick=False):
        for _ in range(3):
            _submit()
        _submit(phone="139 1234 5678", email="")
    assert _receipts().last().status == MessageStatus.QUEUED


@time_machine.travel("2026-11-02 10:00 +08:00", tick=False)
def test_a_decision_sms_is_never_held_even_after_the_days_receipts_are_spent(open_forms, make_user):
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    for _ in range(3):
        _submit()
    complaint = register(supervisor)  # the same phone, registered by staff: its receipt is the fourth
    assert Message.objects.about(complaint).get(template="complaint.received", channel="sms").status == "held"
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_start(complaint=complaint, actor=supervisor)
    services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision="Upheld.",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review"],
    )
    for template in ("complaint.accepted", "complaint.decided"):
        message = Message.objects.about(complaint).get(template=template, channel="sms")
        assert message.status == MessageStatus.QUEUED and message.held_reason == "", template


@time_machine.travel("2026-11-02 10:00 +08:00", tick=False)
def test_with_the_public_limits_switched_off_for_a_load_test_nothing_is_held(open_forms, settings):
    settings.PORTAL_RATE_LIMITS = False
    for _ in range(5):
        _submit()
    assert not _receipts(MessageStatus.HELD).exists()


@time_machine.travel("2026-11-02 10:00 +08:00", tick=False)
def test_the_limit_is_a_setting(open_forms, settings):
    settings.PORTAL_DAILY_RECEIPTS_PER_RECIPIENT = 1
    _submit()
    _submit()
    assert [message.status for message in _receipts()] == ["queued", "held"]


@time_machine.travel("2026-11-02 10:00 +08:00", tick=False)
def test_staff_see_held_messages_and_why_in_the_messages_admin(open_forms, make_user):
    for _ in range(4):
        _submit()
    held = _receipts(MessageStatus.HELD).get()
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    client = Client()
    client.force_login(supervisor)
    listing = client.get("/en/admin/portal/message/?status=held").text
    assert held.reference in listing
    assert "Held, not sent" in listing and "Daily limit of complaint receipts to this recipient reached" in listing
    page = client.get(f"/en/admin/portal/message/{held.pk}/change/").text
    assert "Daily limit of complaint receipts to this recipient reached" in page
    assert "138****5678" in page and "13812345678" not in page
    chinese = client.get("/admin/portal/message/?held_reason=receipts").text
    assert held.reference in chinese and "已暂缓，未发送" in chinese


@time_machine.travel("2026-11-02 10:00 +08:00", tick=False)
def test_the_database_keeps_a_held_message_with_its_reason_and_no_other_message_with_one(open_forms):
    from django.db import IntegrityError, transaction

    _submit()
    message = _receipts().get()
    for status, reason in ((MessageStatus.HELD, ""), (MessageStatus.QUEUED, HeldReason.RECEIPTS)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Message.objects.filter(pk=message.pk).update(status=status, held_reason=reason)


@time_machine.travel("2026-11-02 10:00 +08:00", tick=False)
def test_the_complainants_status_page_says_a_held_receipt_was_not_sent_rather_than_on_its_way(open_forms):
    for _ in range(3):
        _submit()
    _submit()
    fourth = Complaint.objects.order_by("id").last()
    client = Client()
    found = client.post("/en/complaints/track/", {"tracking_number": fourth.tracking_number, "phone": "13812345678"})
    assert found.status_code == 302
    page = client.get(found["Location"]).text
    assert "Text message not sent: this phone has had today's messages" in page
    assert "Text message on its way" not in page
