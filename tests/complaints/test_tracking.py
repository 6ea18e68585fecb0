"""Following a complaint: the look-up, its limits, the status page and what the complainant can do there."""

from datetime import date

import pytest
from django.test import Client

from complaints import services
from complaints.models import Complaint
from portal import codes

from . import files
from .factories import extend, register, shanghai

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script><b>粗体</b> 😀'


@pytest.fixture
def complaint(demo, supervisor):
    return register(supervisor, phone="13912345678", description=MARKUP)


def look_up(client, number, phone, prefix="", **extra):
    return client.post(f"{prefix}/complaints/track/", {"tracking_number": number, "phone": phone}, **extra)


def test_a_wrong_number_and_a_wrong_phone_get_the_same_answer(complaint):
    client = Client()
    wrong_phone = look_up(client, complaint.tracking_number, "13800000000", "/en")
    wrong_number = look_up(client, codes.generate("TS", date(2026, 11, 21)), "13912345678", "/en")
    nonsense = look_up(client, "hello", "not a phone", "/en")
    for response in (wrong_phone, wrong_number, nonsense):
        assert response.status_code == 200
        assert "We found no complaint with this tracking number and phone number." in response.text
        assert complaint.tracking_number not in response.text.replace(f'value="{complaint.tracking_number}"', "")
        assert "History" not in response.text


def test_the_right_number_and_phone_show_the_status_without_putting_the_number_in_the_url(complaint):
    client = Client()
    typed = complaint.tracking_number.lower().replace("-", " - ")
    response = look_up(client, typed, "139-1234-5678", "/en")
    assert response.status_code == 302 and response["Location"] == "/en/complaints/track/status/"
    page = client.get(response["Location"])
    assert complaint.tracking_number in page.text
    assert 'id="complaint-status">Received<' in page.text
    assert "Decision due by" in page.text and 'id="due-date"' in page.text


def test_the_status_page_shows_public_events_only_and_the_description_never_as_markup(complaint, supervisor, senior):
    services.complaint_assign(complaint=complaint, actor=supervisor, handler=supervisor)
    services.complaint_accept(complaint=complaint, actor=supervisor, note="内部备注:客户情绪激动")
    extend(complaint, requester=supervisor, approver=senior, reason="需要调取<b>双录</b>录音")
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678")
    page = client.get("/complaints/track/status/").text
    assert "已分配经办人" not in page  # the assignment is internal
    assert "内部备注" not in page  # so is a note on the acceptance
    assert "办理期限已延长" in page and "需要调取&lt;b&gt;双录&lt;/b&gt;录音" in page
    assert "<script>alert" not in page


def test_ten_failures_for_one_number_from_one_address_then_429_with_a_clear_page(complaint):
    client = Client()
    statuses = [look_up(client, complaint.tracking_number, "13800000000", "/en").status_code for _ in range(40)]
    assert statuses[:10] == [200] * 10 and set(statuses[10:]) == {429}
    blocked = look_up(client, complaint.tracking_number, "13912345678", "/en")
    assert blocked.status_code == 429 and "Too many attempts" in blocked.text


def test_one_person_mistyping_behind_a_shared_address_does_not_lock_out_the_others(complaint, supervisor):
    other = register(supervisor, phone="13700001111")
    for _ in range(12):
        look_up(Client(), complaint.tracking_number, "13800000000", REMOTE_ADDR="100.64.0.1")
    neighbour = look_up(Client(), other.tracking_number, "13700001111", REMOTE_ADDR="100.64.0.1")
    assert neighbour.status_code == 302


def test_an_address_has_a_looser_ceiling_over_every_number(complaint, monkeypatch):
    monkeypatch.setenv("PORTAL_TRACK_ADDRESS_LIMIT", "15")
    statuses = [
        look_up(Client(), codes.generate("TS", date(2026, 11, 21)), "13800000000", REMOTE_ADDR="10.0.0.7").status_code
        for _ in range(20)
    ]
    assert statuses[:15] == [200] * 15 and set(statuses[15:]) == {429}
    assert look_up(Client(), complaint.tracking_number, "13912345678", REMOTE_ADDR="10.0.0.8").status_code == 302


@pytest.mark.parametrize(
    "typed",
    [
        lambda number: number.replace("-", ""),
        lambda number: number.lower(),
        lambda number: " ".join(number.split("-")),
        lambda number: number.replace("0", "O").replace("1", "I"),
        lambda number: number.translate(str.maketrans("TS0123456789-", "ＴＳ０１２３４５６７８９－")),
    ],
    ids=["without-dashes", "lower-case", "spaces", "letters-for-digits", "full-width"],
)
def test_a_number_typed_in_any_of_the_usual_ways_is_found(complaint, typed):
    response = look_up(Client(), typed(complaint.tracking_number), "139 1234 5678")
    assert response.status_code == 302 and response["Location"] == "/complaints/track/status/"


def test_a_number_whose_check_character_fails_is_called_mistyped_in_both_languages(complaint):
    number = complaint.tracking_number
    wrong = next(
        candidate for candidate in (number[:-1] + char for char in codes.ALPHABET) if codes.looks_mistyped(candidate)
    )
    english = look_up(Client(), wrong, "13912345678", "/en")
    assert english.status_code == 200 and "This number looks mistyped" in english.text
    assert "We found no complaint" not in english.text
    assert "编号似乎输错了" in look_up(Client(), wrong, "13912345678").text


def test_the_look_up_expires_after_half_an_hour(complaint, time_machine):
    time_machine.move_to(shanghai(2026, 11, 21, 10), tick=False)
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678")
    assert client.get("/complaints/track/status/").status_code == 200
    time_machine.move_to(shanghai(2026, 11, 21, 10, 31), tick=False)
    response = client.get("/complaints/track/status/")
    assert response.status_code == 302 and response["Location"] == "/complaints/track/"


def test_without_a_look_up_the_status_and_action_pages_go_back_to_the_form(demo):
    client = Client()
    for path in ("status", "add", "review", "withdraw"):
        assert client.get(f"/complaints/track/{path}/")["Location"] == "/complaints/track/"


def test_the_complainant_adds_information_and_documents(complaint):
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678")
    response = client.post("/complaints/track/add/", {"text": "补充:通话记录见附件", "attachments": [files.pdf()]})
    assert response.status_code == 302
    assert complaint.attachments.count() == 1
    event = complaint.events.get(action="add_information")
    assert event.note == "补充:通话记录见附件" and event.actor is None
    refused = client.post("/en/complaints/track/add/", {"attachments": [files.executable_named_pdf()]})
    assert refused.status_code == 200 and "judged by its content" in refused.text
    assert complaint.attachments.count() == 1


def test_the_complainant_withdraws_and_the_status_says_so(complaint):
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678", "/en")
    assert "Tick the box" in client.post("/en/complaints/track/withdraw/", {}).text
    client.post("/en/complaints/track/withdraw/", {"confirm": "on", "reason": "已协商解决"})
    complaint.refresh_from_db()
    assert complaint.status == "withdrawn"
    page = client.get("/en/complaints/track/status/").text
    assert "Withdrawn" in page and "Withdraw the complaint" not in page


def test_the_complainant_sees_the_decision_and_remedies_and_requests_a_review(complaint, supervisor):
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision="经核实,同意按合同约定赔付。",
        outcome="partly_upheld",
        reliefs=["claim_paid", "explanation"],
        remedies=["review", "mediation", "arbitration", "litigation"],
    )
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678", "/en")
    page = client.get("/en/complaints/track/status/").text
    assert "经核实,同意按合同约定赔付。" in page
    for words in ("Review by the superior unit", "Mediation", "Arbitration", "Litigation", "people's court"):
        assert words in page
    assert 'href="/en/complaints/track/review/"' in page
    client.post("/en/complaints/track/review/", {"reason": "赔付金额计算有误"})
    review = Complaint.objects.get(review_of=complaint)
    assert review.description == "赔付金额计算有误" and review.channel == "web"
    page = client.get("/en/complaints/track/status/").text
    assert review.tracking_number in page and 'href="/en/complaints/track/review/"' not in page


def test_a_review_after_30_days_is_not_offered(demo, supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 1), tick=False)
    complaint = register(supervisor, phone="13912345678")
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision="x",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review"],
    )
    time_machine.move_to(shanghai(2026, 12, 5), tick=False)
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678")
    assert "/complaints/track/review/" not in client.get("/complaints/track/status/").text
    assert client.get("/complaints/track/review/")["Location"] == "/complaints/track/status/"


def test_forgetting_the_look_up_ends_access(complaint):
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678")
    client.post("/complaints/track/end/")
    assert client.get("/complaints/track/status/")["Location"] == "/complaints/track/"


def test_the_failure_limit_is_configured_in_the_environment(complaint, monkeypatch):
    monkeypatch.setenv("PORTAL_TRACK_FAILURE_LIMIT", "3")
    client = Client()
    statuses = [look_up(client, complaint.tracking_number, "13800000000").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_a_look_up_writes_no_session_row_and_its_access_cookie_cannot_be_altered(complaint, supervisor):
    from django.contrib.sessions.models import Session

    other = register(supervisor, phone="13800001111")
    client = Client()
    response = look_up(client, complaint.tracking_number, "13912345678")
    assert response.status_code == 302
    assert Session.objects.count() == 0
    grant = client.cookies["portal_track"]
    assert grant["httponly"] and grant["samesite"] == "Lax" and int(grant["max-age"]) == 30 * 60
    assert complaint.tracking_number in client.get("/complaints/track/status/").text
    assert grant.value.startswith(complaint.tracking_number + ":")  # the number typed, never the row's id
    # Another complaint's number under the same signature, or any other change, is refused.
    _value, signature = grant.value.split(":", 1)
    for forged in (
        f"{other.tracking_number}:{signature}",
        grant.value[:-1] + ("A" if grant.value[-1] != "A" else "B"),
        "x",
    ):
        client.cookies["portal_track"] = forged
        assert client.get("/complaints/track/status/")["Location"] == "/complaints/track/"
