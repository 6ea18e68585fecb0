"""A complainant's account: sign in by a code sent by SMS (its limits, expiry and the same answer for every number),
my complaints and bookings (only this phone's, none after a correction), the status page's actions reached from
it, signing out on the server, and the page cache untouched by signing in."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from complaints import services
from complaints.models import AccountCode, AccountSession, Complaint, Status
from portal.messaging.models import Message
from portal.models import Branch
from reception import services as reception_services
from reception.models import Booking, BookingStatus, ReceptionDay

from .factories import register, shanghai

pytestmark = pytest.mark.django_db

MINE = "+8613912345678"
OTHER = "+8613700001111"
NOW = shanghai(2026, 12, 7, 10, 0)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def last_code(phone: str) -> str:
    return Message.objects.filter(recipient=phone, template="account.code").latest("created_at", "id").params["code"]


def ask_code(client, phone="13912345678", **extra):
    return client.post("/account/", {"phone": phone}, **extra)


def sign_in(client, phone="13912345678", e164=MINE):
    ask_code(client, phone)
    response = client.post("/account/", {"code": last_code(e164)})
    assert response.status_code == 302 and response["Location"] == "/account/mine/"
    return client


@pytest.fixture
def cases(demo, supervisor):
    """Two complaints of my phone (one made by a proxy for someone else), one of another phone."""
    mine = register(supervisor, phone="13912345678", description="理赔迟迟没有结果。")
    proxy = register(
        supervisor,
        phone="139 1234 5678",
        name="李四",
        capacity="proxy",
        principal_name="李父",
        description="代父投诉。",
    )
    theirs = register(supervisor, phone="13700001111", description="别人的投诉。")
    return mine, proxy, theirs


@pytest.fixture
def booking(demo):
    day = ReceptionDay.objects.create(
        branch=Branch.objects.get(slug="beijing"),
        date=date(2026, 12, 9),
        start_time=time(9, 0),
        end_time=time(11, 30),
        receptionist="张丹",
        place_zh_hans="北京市朝阳区东三环中路5号",
        place_en="5 East Third Ring Middle Road, Beijing",
        phone="010-85921177",
    )
    return reception_services.booking_create(
        day_id=day.pk, name="王五", phone="13912345678", topic="想当面谈理赔。", today=date(2026, 12, 7)
    )


def test_a_code_is_sent_by_sms_through_the_outbox_and_kept_only_hashed():
    client = Client()
    response = ask_code(client)
    assert response.status_code == 302 and response["Location"] == "/account/?step=code"
    code = last_code(MINE)
    assert len(code) == 6 and code.isdigit()
    stored = AccountCode.objects.get(phone=MINE)
    assert code not in stored.code_hash and len(stored.code_hash) == 64


def test_the_right_code_signs_in_and_shows_my_complaints_and_bookings(cases, booking):
    mine, proxy, theirs = cases
    client = sign_in(Client())
    page = client.get("/account/mine/").content.decode()
    assert mine.tracking_number in page and proxy.tracking_number in page
    assert booking.number in page
    assert theirs.tracking_number not in page


def test_a_code_expires_after_five_minutes(_frozen):
    client = Client()
    ask_code(client)
    code = last_code(MINE)
    _frozen.shift(timedelta(minutes=5, seconds=1))
    response = client.post("/account/", {"code": code})
    assert response.status_code == 200
    assert "验证码错误或已失效" in response.content.decode()
    assert not AccountSession.objects.exists()


def test_a_code_is_dead_after_five_wrong_tries_even_when_the_sixth_is_right():
    client = Client()
    ask_code(client)
    code = last_code(MINE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert client.post("/account/", {"code": wrong}).status_code == 200
    client.post("/account/", {"code": code})
    assert not AccountSession.objects.exists()
    assert AccountCode.objects.get(phone=MINE).tries == 5


def test_a_code_is_used_once():
    client = Client()
    ask_code(client)
    code = last_code(MINE)
    again = Client()
    again.cookies["portal_account_phone"] = client.cookies["portal_account_phone"].value
    assert client.post("/account/", {"code": code}).status_code == 302
    assert again.post("/account/", {"code": code}).status_code == 200
    assert AccountSession.objects.count() == 1


def test_known_and_unknown_numbers_get_the_same_answer_and_the_same_sms(cases):
    known, unknown = Client(), Client()
    first = ask_code(known, "13912345678")
    second = ask_code(unknown, "13600002222")
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    page_known = known.get(first["Location"]).content.decode().replace("139 1234 5678", "PHONE")
    page_unknown = unknown.get(second["Location"]).content.decode().replace("136 0000 2222", "PHONE")
    strip = lambda html: [line for line in html.splitlines() if "csrfmiddlewaretoken" not in line]  # noqa: E731
    assert strip(page_known) == strip(page_unknown)
    assert Message.objects.filter(template="account.code").count() == 2


def test_the_limits_answer_the_same_for_known_and_unknown_numbers(cases, settings):
    settings.PORTAL_ACCOUNT_CODES_PER_NUMBER_ADDRESS = 2
    answers = {}
    for phone in ("13912345678", "13600002222"):
        client = Client()
        answers[phone] = [ask_code(client, phone).status_code for _ in range(3)]
    assert answers["13912345678"] == answers["13600002222"] == [302, 302, 429]


def test_one_address_asking_too_often_waits_but_the_owner_elsewhere_still_gets_a_code(settings):
    settings.PORTAL_ACCOUNT_CODES_PER_NUMBER_ADDRESS = 3
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    assert [ask_code(attacker).status_code for _ in range(4)] == [302, 302, 302, 429]
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert ask_code(owner).status_code == 302
    owner.post("/account/", {"code": last_code(MINE)})
    assert AccountSession.objects.filter(phone=MINE).exists()


def test_past_the_per_number_ceiling_codes_are_slowed_never_refused(settings, _frozen):
    settings.PORTAL_ACCOUNT_CODES_PER_NUMBER = 2
    settings.PORTAL_ACCOUNT_CODE_SLOW_SECONDS = 600
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"):
        assert ask_code(Client(REMOTE_ADDR=address)).status_code == 302
    assert Message.objects.filter(template="account.code", recipient=MINE).count() == 2
    _frozen.shift(timedelta(minutes=10, seconds=1))
    owner = Client(REMOTE_ADDR="198.51.100.7")
    ask_code(owner)
    assert Message.objects.filter(template="account.code", recipient=MINE).count() == 3
    owner.post("/account/", {"code": last_code(MINE)})
    assert AccountSession.objects.filter(phone=MINE).exists()


def test_a_malformed_phone_or_code_gets_a_clear_error_and_nothing_is_sent():
    client = Client()
    response = ask_code(client, "12345")
    assert response.status_code == 200 and 'id="id_phone_error"' in response.content.decode()
    assert not Message.objects.exists()
    ask_code(client)
    response = client.post("/account/", {"code": "12a"})
    assert "请输入我们发送的6位验证码" in response.content.decode()


def test_nothing_of_one_phones_cases_is_visible_to_anothers_session(cases, booking):
    mine, proxy, theirs = cases
    other = sign_in(Client(), "13700001111", OTHER)
    page = other.get("/account/mine/").content.decode()
    assert theirs.tracking_number in page
    assert mine.tracking_number not in page and proxy.tracking_number not in page and booking.number not in page
    assert other.post("/account/open/", {"tracking_number": mine.tracking_number}).status_code == 404
    assert other.get(f"/account/bookings/{booking.number}/cancel/").status_code == 404
    assert other.post(f"/account/bookings/{booking.number}/cancel/").status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED
    assert mine.tracking_number not in other.get("/account/data/copy.json").content.decode()


def test_a_complaint_whose_phone_is_corrected_to_another_leaves_the_account(cases, supervisor):
    mine, _proxy, _theirs = cases
    services.complaint_correct(complaint=mine, actor=supervisor, changes={"phone": OTHER}, note="电话记错了")
    client = sign_in(Client())
    assert mine.tracking_number not in client.get("/account/mine/").content.decode()
    assert client.post("/account/open/", {"tracking_number": mine.tracking_number}).status_code == 404


def test_opening_a_complaint_reuses_the_status_page_and_its_actions(cases):
    mine, _proxy, _theirs = cases
    client = sign_in(Client())
    response = client.post("/account/open/", {"tracking_number": mine.tracking_number, "then": "withdraw"})
    assert response["Location"] == "/complaints/track/withdraw/"
    assert mine.tracking_number in client.get("/complaints/track/status/").content.decode()
    client.post("/complaints/track/withdraw/", {"confirm": "on", "reason": "已协商解决"})
    assert Complaint.objects.get(pk=mine.pk).status == Status.WITHDRAWN


def test_cancelling_a_booking_from_the_account_uses_the_booking_service(booking):
    client = sign_in(Client())
    assert client.get(f"/account/bookings/{booking.number}/cancel/").status_code == 200
    response = client.post(f"/account/bookings/{booking.number}/cancel/")
    assert response["Location"] == f"/account/mine/?cancelled={booking.number}"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert Message.objects.filter(template="booking.cancelled", reference=booking.number).exists()


def test_signing_out_ends_the_session_on_the_server_for_every_copy_of_the_cookie(cases):
    client = sign_in(Client())
    copy = Client()
    copy.cookies["portal_account"] = client.cookies["portal_account"].value
    assert copy.get("/account/mine/").status_code == 200
    response = client.post("/account/sign-out/")
    assert response["Location"] == "/account/?signed_out=1"
    assert AccountSession.objects.get().ended_at is not None
    assert copy.get("/account/mine/")["Location"] == "/account/"


def test_signing_out_also_ends_the_look_up_opened_from_the_account(cases):
    mine, _proxy, _theirs = cases
    client = sign_in(Client())
    client.post("/account/open/", {"tracking_number": mine.tracking_number})
    client.post("/account/sign-out/")
    assert client.get("/complaints/track/status/")["Location"] == "/complaints/track/"


def test_a_session_ends_after_fifteen_idle_minutes_and_after_two_hours_in_any_case(_frozen):
    client = sign_in(Client())
    _frozen.shift(timedelta(minutes=14))
    assert client.get("/account/mine/").status_code == 200
    _frozen.shift(timedelta(minutes=15, seconds=1))
    assert client.get("/account/mine/")["Location"] == "/account/"
    busy = sign_in(Client())
    for _ in range(8):  # 112 minutes, never idle for 15
        _frozen.shift(timedelta(minutes=14))
        assert busy.get("/account/mine/").status_code == 200
    _frozen.shift(timedelta(minutes=9))  # 121 minutes after signing in
    assert busy.get("/account/mine/")["Location"] == "/account/"


def test_the_session_cookie_lasts_only_as_long_as_the_browser(cases):
    client = Client()
    ask_code(client)
    response = client.post("/account/", {"code": last_code(MINE)})
    cookie = response.cookies["portal_account"]
    assert not cookie["max-age"] and not cookie["expires"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_account_pages_are_never_cached_and_signing_in_never_changes_a_cached_public_page(cases, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600
    anonymous = Client()
    before = anonymous.get("/contact/")
    client = sign_in(Client())
    after = client.get("/contact/")
    assert after.content == before.content
    assert "portal_account" not in after.content.decode()
    page = client.get("/account/mine/")
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    assert anonymous.get("/account/mine/")["Location"] == "/account/"


def test_the_tracking_number_look_up_stays_and_points_to_the_account():
    page = Client().get("/complaints/track/").content.decode()
    assert 'name="tracking_number"' in page and "/account/" in page


def test_the_english_sign_in_page_asks_for_phone_then_code():
    client = Client()
    page = client.get("/en/account/").content.decode()
    assert 'name="phone"' in page and 'name="code"' not in page
    response = client.post("/en/account/", {"phone": "13912345678"})
    assert response["Location"] == "/en/account/?step=code"
    page = client.get(response["Location"]).content.decode()
    assert 'name="code"' in page and 'name="phone"' not in page
    assert Message.objects.get(template="account.code").language == "en"
    assert timezone.now() == NOW


HOSTILE = ["\x00", "‮13912345678", "1" * 5000, "<script>alert(1)</script>", "13912345678\n", "０１２３４５"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_to_the_account_and_call_back_forms_gets_an_answer_never_a_server_error(cases, value):
    client = Client()
    for data in ({"phone": value}, {"code": value}, {"phone": value, "website": value}):
        assert client.post("/account/", data).status_code in (200, 302, 429)
    client.cookies["portal_account_phone"] = value.encode().hex()
    assert client.post("/account/", {"code": "123456"}).status_code in (200, 302)
    client.cookies["portal_account"] = value.encode().hex()
    assert client.get("/account/mine/")["Location"] == "/account/"
    callback = {"name": value, "phone": value, "preferred_time": value, "language": value, "topic": value}
    assert Client().post("/callback/", callback).status_code == 200
    assert Client().get("/callback/done/", {"number": value})["Location"] == "/callback/"
    signed_in = sign_in(Client())
    assert signed_in.post("/account/data/", {"kind": value, "details": value}).status_code == 200
    assert signed_in.post("/account/open/", {"tracking_number": value, "then": value}).status_code == 404
    assert signed_in.get("/account/bookings/%3Cx%3E/cancel/").status_code == 404


def test_codes_and_sessions_are_purged_a_day_after_their_end(_frozen):
    from complaints.account import sign_in as accounts

    sign_in(Client())
    ask_code(Client(), "13700001111")
    assert accounts.purge(now=timezone.now()) == 0
    _frozen.shift(timedelta(days=1, hours=2, minutes=1))
    assert accounts.purge(now=timezone.now()) == 3
    assert not AccountCode.objects.exists() and not AccountSession.objects.exists()
