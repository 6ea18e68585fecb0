"""Never drop a complaint: a one-time token that was used already, arriving with other answers, is a new
complaint; with the same answers, the first receipt. The case that makes this matter is a complaint committed
while its session could not be saved (the database restarting): the browser keeps offering the used token."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client

from complaints import services
from complaints.models import Complaint

from .test_intake import form_token, valid_data

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r'id="tracking-number">([^<]+)<')


@pytest.fixture
def client(demo):
    return Client()


def step(client, slug, **fields):
    page = client.get(f"/complaints/new/?step={slug}").text
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return client.post("/complaints/new/", {"step": slug, "token": token, "website": "", **fields})


def fill_in(client, description):
    step(client, "who", name="王五", phone="13912345678", capacity="self")
    step(client, "what", category="claims", description=description)
    step(client, "want", desired_outcome="")
    step(client, "documents")


@pytest.fixture
def lost_session_save(monkeypatch):
    """Send a filled-in complaint while the session cannot be saved, as while PostgreSQL restarts (an
    OperationalError under Django's session store, which the session middleware turns into SessionInterrupted):
    the complaint is committed, the answer is the 503 page, and the session keeps the used token and the
    answers. Returns that answer."""
    armed = []
    original = Session.save

    def save(self, *args, **kwargs):
        if armed:
            armed.clear()
            raise OperationalError("server closed the connection unexpectedly")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", save)

    def send(client, description):
        fill_in(client, description)
        armed.append(True)
        return step(client, "check", consent="on")

    return send


def receipt_number(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return NUMBER.search(client.get(response["Location"]).text).group(1).strip()


def test_a_complaint_committed_while_the_session_cannot_be_saved_is_kept_and_answered_with_a_503(
    client, lost_session_save
):
    assert lost_session_save(client, "理赔申请提交三个月仍无答复。").status_code == 503
    assert Complaint.objects.get().description == "理赔申请提交三个月仍无答复。"
    # The session still holds the used token and the answers typed.
    assert "理赔申请提交三个月仍无答复。" in client.get("/complaints/new/?step=check").text


def test_after_a_lost_session_save_a_different_complaint_with_the_used_token_is_stored_and_receipted(
    client, lost_session_save
):
    lost_session_save(client, "理赔申请提交三个月仍无答复。")
    first = Complaint.objects.get()
    # The form still carries the first complaint's token; the complainant writes about something else.
    step(client, "what", category="sales", description="销售人员承诺保本保息。")
    number = receipt_number(client, step(client, "check", consent="on"))
    second = Complaint.objects.get(tracking_number=number)
    assert second.pk != first.pk and Complaint.objects.count() == 2
    assert (second.category, second.description) == ("sales", "销售人员承诺保本保息。")
    assert Complaint.objects.get(pk=first.pk).description == "理赔申请提交三个月仍无答复。"


def test_after_a_lost_session_save_the_same_complaint_sent_again_shows_the_first_receipt(client, lost_session_save):
    lost_session_save(client, "理赔申请提交三个月仍无答复。")
    first = Complaint.objects.get()
    assert receipt_number(client, step(client, "check", consent="on")) == first.tracking_number
    assert Complaint.objects.count() == 1


def test_a_used_token_sent_with_other_answers_is_a_new_complaint_and_the_first_answers_again_the_first_receipt(
    client,
):
    token = form_token(client)
    first = receipt_number(client, client.post("/complaints/new/", valid_data(token)))
    # The same token (a form kept open in another tab of the same browser) with another complaint in it.
    other = client.post("/complaints/new/", valid_data(token, description="退保款两个月未到账。"))
    second = receipt_number(client, other)
    assert second != first
    assert Complaint.objects.get(tracking_number=second).description == "退保款两个月未到账。"
    # The first answers once more: the first receipt, nothing new.
    assert receipt_number(client, client.post("/complaints/new/", valid_data(token))) == first
    assert Complaint.objects.count() == 2


def test_the_submission_key_is_the_token_and_the_answers_as_stored():
    answers = {"name": " 王五 ", "phone": "+8613912345678", "description": "理赔迟迟没有结果。"}
    key = services.submission_key("t" * 32, answers)
    assert len(key) == 64
    assert key == services.submission_key("t" * 32, {**answers, "name": "王五"})
    assert key != services.submission_key("t" * 32, {**answers, "description": "理赔迟迟没有结果"})
    assert key != services.submission_key("u" * 32, answers)
