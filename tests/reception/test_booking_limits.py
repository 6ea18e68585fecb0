"""Limits per recipient for bookings: booking and cancelling, which anyone with a phone number can make the portal
text, reach one phone at most a few times a Beijing day (beyond that the message is held with its reason, the booking
made all the same); the branch's changes to a day are never held; a phone holds at most a few upcoming bookings."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from portal.actors import system_actor
from portal.messaging.models import HeldReason, Message, MessageStatus
from reception import services as reception_services
from reception.models import Booking
from tests.reception.test_booking import FORM

pytestmark = pytest.mark.django_db

PHONE = "+8613812345678"


@pytest.fixture
def _reception_today():
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        yield


def _book(day, phone="13812345678"):
    return reception_services.booking_create(day_id=day.pk, name="李华", phone=phone, topic="退保")


def _booking_messages():
    return Message.objects.filter(template__startswith="booking.").order_by("id")


def test_the_fourth_booking_message_to_one_phone_in_a_day_is_held(_reception_today, make_day):
    days = [make_day(day=date(2026, 12, n)) for n in (9, 10)]
    first = _book(days[0])
    reception_services.booking_cancel(booking=first)
    second = _book(days[0])
    reception_services.booking_cancel(booking=second)  # booked, cancelled, booked, cancelled: four messages
    assert [(m.template, m.status) for m in _booking_messages()] == [
        ("booking.confirmed", "queued"),
        ("booking.cancelled", "queued"),
        ("booking.confirmed", "queued"),
        ("booking.cancelled", "held"),
    ]
    assert _booking_messages().last().held_reason == HeldReason.BOOKINGS
    # A fifth, through the form: the booking is made and its number shown all the same; its message is held.
    client = Client()
    assert client.post(f"/en/reception/book/{days[1].pk}/", FORM)["Location"] == "/en/reception/book/done/"
    booking = Booking.objects.get(status="booked")
    assert booking.number in client.get("/en/reception/book/done/").text
    held = Message.objects.about(booking).get()
    assert held.status == MessageStatus.HELD and held.template == "booking.confirmed"


def test_a_branchs_change_to_a_day_is_never_held(_reception_today, make_day):
    day = make_day(day=date(2026, 12, 9))
    other = make_day(day=date(2026, 12, 10))
    booking = _book(day)
    reception_services.booking_cancel(booking=booking)
    booking = _book(other)
    _book(day)  # the fourth booking message today: held
    other.place_zh_hans = "北京市西城区金融大街1号"
    reception_services.reception_day_save(day=other, changed=["place_zh_hans"], actor=system_actor())
    moved = _booking_messages().get(template="booking.moved")
    assert moved.status == MessageStatus.QUEUED and moved.held_reason == ""


def test_a_third_upcoming_booking_for_one_phone_is_refused(_reception_today, make_day):
    days = [make_day(day=date(2026, 12, n)) for n in (9, 10, 11)]
    _book(days[0])
    _book(days[1], phone="138 1234 5678")
    with pytest.raises(reception_services.BookingRefused) as refused:
        _book(days[2], phone="+86 138-1234-5678")
    assert refused.value.field == "phone"
    assert Booking.objects.count() == 2
    # Another phone books the same day; a cancelled booking frees the phone's place.
    _book(days[2], phone="13912345678")
    reception_services.booking_cancel(booking=Booking.objects.filter(phone=PHONE).first())
    assert _book(days[2]).pk


def test_past_visits_do_not_count_against_the_phones_upcoming_bookings(make_day):
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        days = [make_day(day=date(2026, 11, 23)), make_day(day=date(2026, 11, 24)), make_day(day=date(2026, 12, 9))]
        _book(days[0])
        _book(days[1])
    with time_machine.travel("2026-11-25 10:00 +0800", tick=False):
        assert _book(days[2]).pk


def test_the_booking_form_refuses_a_third_upcoming_booking_at_the_phone_field_in_both_languages(
    _reception_today, make_day
):
    days = [make_day(day=date(2026, 12, n)) for n in (9, 10, 11)]
    _book(days[0])
    _book(days[1])
    english = Client().post(f"/en/reception/book/{days[2].pk}/", FORM)
    assert english.status_code == 200
    text = english.text
    assert "already holds 2 upcoming bookings" in text and "李华" in text
    assert 'id="id_phone_error"' in text
    chinese = Client().post(f"/reception/book/{days[2].pk}/", FORM)
    assert "该手机号已有2个待进行的预约" in chinese.text
    assert Booking.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_four_bookings_for_one_phone_at_the_same_moment_take_only_the_phones_two_places(demo):
    import threading
    from datetime import time

    from django.db import connection

    from portal.models import Branch
    from reception.models import ReceptionDay

    days = [
        ReceptionDay.objects.create(
            branch=Branch.objects.get(slug="beijing"),
            date=date(2026, 12, n),
            start_time=time(9),
            end_time=time(11, 30),
            receptionist="张丹",
            place_zh_hans="某地",
            capacity=5,
        )
        for n in (7, 8, 9, 10)
    ]
    barrier = threading.Barrier(4)
    outcomes = []

    def take(day):
        try:
            barrier.wait()
            _book(day)
            outcomes.append("booked")
        except reception_services.BookingRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        threads = [threading.Thread(target=take, args=(day,)) for day in days]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["booked", "booked", "refused", "refused"]
    assert Booking.objects.filter(phone=PHONE).count() == 2
    sent = Message.objects.filter(template="booking.confirmed", status=MessageStatus.QUEUED).count()
    assert sent == 2
