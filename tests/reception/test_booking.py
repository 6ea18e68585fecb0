import threading
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import translation

from portal import codes
from reception import services
from reception.models import Booking, BookingStatus, DayStatus

FORM = {
    "name": "李华",
    "phone": "138 1234 5678",
    "topic": "退保金额与合同约定不符",
    "tracking_number": "",
    "consent": "on",
    "website": "",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        yield


def book(client, day, **changes):
    return client.post(f"/reception/book/{day.pk}/", {**FORM, **changes})


def test_a_consumer_books_a_visit_and_sees_the_booking_number(make_day, client):
    day = make_day()
    response = book(client, day)
    assert response.status_code == 302 and response["Location"] == "/reception/book/done/"
    booking = Booking.objects.get()
    assert codes.is_well_formed(booking.number, "BK")
    assert booking.phone == "+8613812345678" and booking.language == "zh-hans"
    page = client.get("/reception/book/done/").content.decode()
    assert f'id="booking-number">{booking.number}<' in page
    assert "138****5678" in page and "13812345678" not in page


def test_booking_form_page_is_its_own_page_with_a_token(make_day, client):
    day = make_day()
    response = client.get(f"/en/reception/book/{day.pk}/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert b"10 places left" in response.content


def test_invalid_booking_keeps_what_was_typed_and_says_why(make_day, client):
    day = make_day()
    response = client.post(f"/en/reception/book/{day.pk}/", {**FORM, "phone": "12345", "consent": ""})
    text = response.content.decode()
    assert response.status_code == 200
    assert "valid Chinese phone number" in text and "李华" in text
    assert not Booking.objects.exists()


def test_a_full_day_refuses_further_bookings_with_a_clear_message(make_day, client):
    day = make_day(capacity=1)
    book(client, day)
    other = Client()
    page = other.get(f"/en/reception/book/{day.pk}/").content.decode()
    assert "fully booked" in page and "<form" not in page.split('id="main"')[1]
    refused = other.post(f"/en/reception/book/{day.pk}/", FORM)
    assert refused.status_code == 200 and "fully booked" in refused.content.decode()
    assert Booking.objects.count() == 1


def test_a_cancelled_place_can_be_booked_again(make_day):
    day = make_day(capacity=1)
    first = services.booking_create(day_id=day.pk, name="甲", phone="13812345678", topic="x")
    services.booking_cancel(booking=first)
    services.booking_create(day_id=day.pk, name="乙", phone="13912345678", topic="y")
    assert day.bookings.active().count() == 1


def test_cancelled_and_past_days_cannot_be_booked(make_day):
    cancelled = make_day(day=date(2026, 12, 9), status=DayStatus.CANCELLED)
    past = make_day(day=date(2026, 11, 11))
    for day in (cancelled, past):
        with pytest.raises(services.BookingRefused):
            services.booking_create(day_id=day.pk, name="甲", phone="13812345678", topic="x")
    assert Client().get(f"/reception/book/{past.pk}/").status_code == 404


def test_tracking_number_must_be_well_formed(make_day, client):
    day = make_day()
    number = codes.generate("TS", date(2026, 11, 1))
    bad = client.post(f"/en/reception/book/{day.pk}/", {**FORM, "tracking_number": "TS-123"})
    assert "not a tracking number" in bad.content.decode()
    book(client, day, tracking_number=number.lower())
    assert Booking.objects.get().tracking_number == number


def test_honeypot_filled_is_refused(make_day, client):
    day = make_day()
    book(client, day, website="http://spam.example")
    assert not Booking.objects.exists()


def test_consumer_cancels_with_number_and_phone(make_day, client):
    day = make_day()
    booking = services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="x")
    response = client.post("/reception/cancel/", {"number": booking.number.lower(), "phone": "138-1234-5678"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.number in client.get("/reception/cancel/done/").content.decode()


def test_wrong_phone_does_not_cancel_and_does_not_say_which_part_was_wrong(make_day, client):
    day = make_day()
    booking = services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="x")
    response = client.post("/en/reception/cancel/", {"number": booking.number, "phone": "13900000000"})
    assert "No booking matches" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_ten_failures_per_address_answer_429(make_day, client):
    day = make_day()
    booking = services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="x")
    for attempt in range(10):
        number = codes.generate("BK", date(2026, 11, 20 - attempt))
        assert client.post("/reception/cancel/", {"number": number, "phone": "13812345678"}).status_code == 200
    limited = client.post("/en/reception/cancel/", {"number": booking.number, "phone": "13812345678"})
    assert limited.status_code == 429 and "Too many attempts" in limited.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_failures_on_a_booking_number_from_other_addresses_never_lock_its_owner_out(make_day):
    day = make_day()
    booking = services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="x")
    for attempt in range(10):
        for _try in range(5):
            Client(REMOTE_ADDR=f"10.0.0.{attempt}").post(
                "/reception/cancel/", {"number": booking.number, "phone": f"1390000000{attempt}"}
            )
    owner = Client(REMOTE_ADDR="10.9.9.9").post(
        "/reception/cancel/", {"number": booking.number, "phone": "13812345678"}
    )
    assert owner.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_five_failures_on_one_booking_number_from_one_address_answer_429_for_that_number_there_only(make_day):
    day = make_day()
    booking = services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="x")
    other = services.booking_create(day_id=day.pk, name="王芳", phone="13700000000", topic="y")
    guesser = Client(REMOTE_ADDR="10.0.0.1")
    for attempt in range(5):
        guesser.post("/reception/cancel/", {"number": booking.number, "phone": f"1390000000{attempt}"})
    assert guesser.post("/reception/cancel/", {"number": booking.number, "phone": "13812345678"}).status_code == 429
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert guesser.post("/reception/cancel/", {"number": other.number, "phone": "13700000000"}).status_code == 302
    owner = Client(REMOTE_ADDR="10.0.0.2").post(
        "/reception/cancel/", {"number": booking.number, "phone": "13812345678"}
    )
    assert owner.status_code == 302


def test_booking_find_compares_phone_in_constant_time_and_refuses_malformed_numbers(make_day):
    day = make_day()
    booking = services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="x")
    assert services.booking_find(number=booking.number, phone="+86 138 1234 5678") == booking
    assert services.booking_find(number=booking.number, phone="not a phone") is None
    assert services.booking_find(number="BK-XYZ", phone="13812345678") is None


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_place_at_once_do_not_both_get_it(demo):
    from datetime import time

    from portal.models import Branch
    from reception.models import ReceptionDay

    day = ReceptionDay.objects.create(
        branch=Branch.objects.get(slug="beijing"), date=date(2026, 12, 9), start_time=time(9),
        end_time=time(11, 30), receptionist="张丹", place_zh_hans="某地", capacity=1,
    )  # fmt: skip
    barrier = threading.Barrier(4)
    outcomes = []

    def take(index):
        try:
            barrier.wait()
            services.booking_create(day_id=day.pk, name=f"人{index}", phone="13812345678", topic="x")
            outcomes.append("booked")
        except services.BookingRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "refused", "refused", "refused"]
    assert Booking.objects.filter(day=day).count() == 1


def test_the_booking_number_is_sent_by_sms_in_the_language_of_the_booking(make_day, client, settings, run_worker):
    from portal.messaging.sms import MemorySMSBackend

    settings.PORTAL_SMS_BACKEND = "memory"
    MemorySMSBackend.outbox.clear()
    day = make_day()
    settings.PORTAL_SMS_SIGN_NAME = "示例人寿"
    client.post(f"/en/reception/book/{day.pk}/", FORM)
    booking = Booking.objects.get()
    assert MemorySMSBackend.outbox == []
    run_worker()
    [(phone, text)] = MemorySMSBackend.outbox
    assert text.startswith("【示例人寿】Booking ")
    assert phone == "+8613812345678"
    assert booking.number in text and "Beijing Branch" in text and "09:00-11:30" in text


def test_cancelling_a_booking_tells_the_visitor_once_in_the_language_they_booked_in(make_day):
    from portal.messaging.models import Message

    with translation.override("en"):
        booking = services.booking_create(day_id=make_day().pk, name="Jane", phone="13912345678", topic="claim")
    services.booking_cancel(booking=booking)
    services.booking_cancel(booking=booking)  # cancelled already: nothing more to say
    texts = list(Message.objects.about(booking).order_by("id").values_list("template", "language", "text"))
    assert [(template, language) for template, language, _text in texts] == [
        ("booking.confirmed", "en"),
        ("booking.cancelled", "en"),
    ]
    assert f"Booking {booking.number} for the reception day of Beijing Branch" in texts[1][2]


def test_a_day_whose_window_has_closed_cannot_be_booked_any_more(make_day):
    day = make_day(day=date(2026, 11, 21))
    with time_machine.travel("2026-11-21 11:00 +0800", tick=False):
        services.booking_create(day_id=day.pk, name="甲", phone="13812345678", topic="x")
    with time_machine.travel("2026-11-21 11:30 +0800", tick=False), pytest.raises(services.BookingRefused):
        services.booking_create(day_id=day.pk, name="乙", phone="13912345678", topic="y")
