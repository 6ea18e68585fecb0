"""Limits per recipient, role by role: whoever fills in the public forms (an outsider, or any member of staff
signed in), one phone gets at most 3 complaint receipts and 3 booking messages a Beijing day; beyond that the
complaint or booking is stored and answered on screen all the same, its SMS held in the outbox with the reason,
which the roles that may read the outbox see and the others are refused; a phone holds at most 2 upcoming
bookings; messages a case step sends (acceptance, extension, decision) are never held."""

import re
from datetime import date

import pytest
import time_machine
from django.test import Client

from complaints import services
from complaints.models import Complaint
from portal.messaging.models import HeldReason, Message, MessageStatus
from reception.models import Booking
from tests.complaints.factories import register
from tests.complaints.test_intake import form_token, valid_data
from tests.reception.conftest import make_day  # noqa: F401 (the fixture)
from tests.reception.test_booking import FORM
from tests.reliability.test_permissions import ROLES

pytestmark = pytest.mark.django_db

# The roles that read the outbox in the admin (portal/roles.py).
OUTBOX_READERS = {"supervisor", "compliance"}
OUTBOX = "/en/admin/portal/message/"
PHONE = "+8613812345678"


@pytest.fixture
def today(demo):
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        yield


@pytest.fixture
def people(make_user):
    return {name: make_user(name, groups=[group]) if group else None for name, group in ROLES.items()}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _outbox_answer(role, people, message: Message):
    """What the role gets from the outbox's list filtered to held messages, and from the held message's page."""
    client = _client(people[role])
    return client.get(OUTBOX, {"status__exact": "held"}), client.get(f"{OUTBOX}{message.pk}/change/")


def _assert_outbox(role, people, message: Message, reason: str):
    listed, page = _outbox_answer(role, people, message)
    if role in OUTBOX_READERS:
        assert listed.status_code == page.status_code == 200, role
        assert reason in listed.text and reason in page.text
        assert PHONE not in page.text and "138****5678" in page.text  # the recipient masked
    else:
        assert listed.status_code in (302, 403) and page.status_code in (302, 403), role
        assert reason not in listed.text and reason not in page.text


@pytest.mark.parametrize("role", ROLES)
def test_a_fourth_receipt_to_one_phone_in_a_day_is_stored_answered_and_held_whoever_fills_in_the_form(
    role, people, today
):
    client = _client(people[role])
    numbers = []
    for index in range(4):
        token = form_token(client)
        sent = client.post("/complaints/new/", valid_data(token, description=f"第{index + 1}次投诉：理赔未答复。"))
        assert sent.status_code == 302, index
        receipt = client.get(sent["Location"]).text
        numbers.append(re.search(r'id="tracking-number">([^<]+)<', receipt).group(1))
    assert Complaint.objects.filter(tracking_number__in=numbers).count() == 4 == len(set(numbers))
    receipts = Message.objects.filter(recipient=PHONE, limit=HeldReason.RECEIPTS).order_by("id")
    assert [message.status for message in receipts] == ["queued"] * 3 + ["held"]
    held = receipts.last()
    assert held.held_reason == HeldReason.RECEIPTS and held.reference == numbers[3]
    _assert_outbox(role, people, held, "Daily limit of complaint receipts to this recipient reached")


@pytest.mark.parametrize("role", ROLES)
def test_a_fourth_booking_message_is_held_and_a_third_upcoming_booking_refused_whoever_fills_in_the_form(
    role,
    people,
    today,
    make_day,  # noqa: F811 (the fixture imported above)
):
    days = [make_day(day=date(2026, 12, day)) for day in (9, 10, 11)]
    client = _client(people[role])
    for day in days[:2]:
        assert client.post(f"/en/reception/book/{day.pk}/", FORM)["Location"] == "/en/reception/book/done/"
    # A third upcoming booking for the phone: refused at the phone field, nothing stored.
    third = client.post(f"/en/reception/book/{days[2].pk}/", FORM)
    assert third.status_code == 200 and Booking.objects.filter(status="booked").count() == 2
    assert (
        'id="id_phone"' in third.text
        and "aria-invalid"
        in third.text.split('id="id_phone"', 1)[0][-300:] + (third.text.split('id="id_phone"', 1)[1][:300])
    )
    # Cancelled and booked again: the fourth booking message of the day is held, the booking made all the same.
    cancelled = Booking.objects.filter(status="booked").order_by("id").first()
    answer = client.post("/en/reception/cancel/", {"number": cancelled.number, "phone": FORM["phone"]})
    assert answer.status_code in (200, 302)
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"
    assert client.post(f"/en/reception/book/{days[2].pk}/", FORM)["Location"] == "/en/reception/book/done/"
    booking = Booking.objects.get(day=days[2], status="booked")
    assert booking.number in client.get("/en/reception/book/done/").text
    messages = Message.objects.filter(template__startswith="booking.").order_by("id")
    assert [(message.template, message.status) for message in messages] == [
        ("booking.confirmed", "queued"),
        ("booking.confirmed", "queued"),
        ("booking.cancelled", "queued"),
        ("booking.confirmed", "held"),
    ]
    held = messages.last()
    assert held.held_reason == HeldReason.BOOKINGS
    _assert_outbox(role, people, held, "Daily limit of booking messages to this recipient reached")


@pytest.mark.parametrize("role", ["handler", "supervisor"])
def test_messages_a_case_step_sends_are_never_held_past_the_phones_receipt_limit(role, people, today):
    supervisor, senior = people["supervisor"], people["senior"]
    cases = [register(phone="13812345678") for _ in range(4)]
    assert Message.objects.filter(status=MessageStatus.HELD, held_reason=HeldReason.RECEIPTS).count() == 1
    complaint = cases[0]
    handler = people["handler"]
    services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
    services.complaint_accept(complaint=complaint, actor=handler)
    # Two extensions (the second a senior manager's), then the decision: every message queued, none limited.
    for approver in (supervisor, senior):
        request = services.complaint_request_extension(complaint=complaint, actor=handler, reason="需调取医院病历。")
        services.extension_grant(request=request, actor=approver)
    services.complaint_decide(
        complaint=Complaint.objects.get(pk=complaint.pk),
        actor=people[role],
        decision="经核查，依据合同第七条，同意赔付。",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review"],
    )
    steps = Message.objects.about(complaint).exclude(limit=HeldReason.RECEIPTS)
    assert steps.count() >= 3
    assert set(steps.values_list("status", flat=True)) == {MessageStatus.QUEUED}
    assert set(steps.values_list("limit", flat=True)) == {""}
    assert {"complaint.accepted", "complaint.extended", "complaint.decided"} <= set(
        steps.values_list("template", flat=True)
    )
    assert steps.filter(template="complaint.extended").count() == 2
