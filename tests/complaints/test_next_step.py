"""The status page's last timeline entry: what happens next, by when."""

import datetime

import pytest
from django.test import Client
from django.utils import formats, translation

from complaints import services

from .factories import register, shanghai
from .test_tracking import look_up

pytestmark = pytest.mark.django_db


def test_an_open_complaint_shows_its_decision_as_the_next_step_with_the_due_date(demo, supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 2, 10), tick=False)
    complaint = register(supervisor, phone="13912345678")
    services.complaint_accept(complaint=complaint, actor=supervisor)
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678", "/en")
    page = client.get("/en/complaints/track/status/").text
    with translation.override("en"):
        due = formats.date_format(complaint.due_date, "DATE_FORMAT")
    assert 'id="next-step"' in page and "Our decision, in writing" in page
    assert f"Next, by {due}" in page
    assert "All times are Beijing time (UTC+8)." in page


def test_a_decided_complaint_offers_the_review_by_its_last_day_and_names_the_regulator(demo, supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 2, 10), tick=False)
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
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678")
    page = client.get("/complaints/track/status/").text
    assert "如不认可处理决定，您可以申请核查" in page and "12378" in page and "国家金融监督管理总局" in page
    assert datetime.date(2026, 12, 2).strftime("%Y年%-m月%-d日") in page


def test_a_closed_complaint_has_no_next_step(demo, supervisor):
    complaint = register(supervisor, phone="13912345678")
    services.complaint_withdraw(complaint=complaint, note="已解决")
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678")
    assert 'id="next-step"' not in client.get("/complaints/track/status/").text
