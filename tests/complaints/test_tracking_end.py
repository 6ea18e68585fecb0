"""Ending a look-up ("完成查询并退出") ends its access on the server, for every copy of the cookie and every
worker; other look-ups go on."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from complaints import tracking
from complaints.models import Complaint, Status, TrackingRevocation

from .factories import register
from .test_tracking import look_up

pytestmark = pytest.mark.django_db

PAGES = ("/complaints/track/status/", "/complaints/track/add/", "/complaints/track/withdraw/")


@pytest.fixture
def complaint(demo, supervisor):
    return register(supervisor, phone="13912345678", description="理赔迟迟没有结果。")


def copy_of(client) -> Client:
    """Another browser holding the same cookie (kept by a shared computer's browser, or taken from it)."""
    other = Client()
    other.cookies["portal_track"] = client.cookies["portal_track"].value
    return other


def test_after_ending_the_look_up_a_copy_of_its_cookie_opens_neither_status_nor_add_nor_withdraw(complaint):
    client = Client()
    assert look_up(client, complaint.tracking_number, "13912345678").status_code == 302
    kept = copy_of(client)
    assert all(kept.get(page).status_code == 200 for page in PAGES)
    client.post("/complaints/track/end/")
    for page in PAGES:
        assert kept.get(page)["Location"] == "/complaints/track/", page
    refused = kept.post("/complaints/track/withdraw/", {"confirm": "on", "reason": ""})
    assert refused["Location"] == "/complaints/track/"
    assert Complaint.objects.get(pk=complaint.pk).status != Status.WITHDRAWN


def test_ending_one_look_up_leaves_another_look_up_of_the_same_complaint_open(complaint):
    here, elsewhere = Client(), Client()
    look_up(here, complaint.tracking_number, "13912345678")
    look_up(elsewhere, complaint.tracking_number, "13912345678")
    here.post("/complaints/track/end/")
    assert elsewhere.get("/complaints/track/status/").status_code == 200
    assert here.get("/complaints/track/status/")["Location"] == "/complaints/track/"


def test_a_new_look_up_after_ending_one_opens_the_complaint_again(complaint):
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678")
    client.post("/complaints/track/end/")
    look_up(client, complaint.tracking_number, "13912345678")
    assert client.get("/complaints/track/status/").status_code == 200


def test_the_revocation_is_kept_in_the_database_until_the_cookie_would_have_expired_and_then_swept(complaint):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        look_up(client, complaint.tracking_number, "13912345678")
        client.post("/complaints/track/end/")
        client.post("/complaints/track/end/")  # ending twice is harmless
        revocation = TrackingRevocation.objects.get()
        assert revocation.expires_at == start + timedelta(minutes=30)
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        tracking.grant_revoke(tracking.new_grant(), seconds=60)
        assert not TrackingRevocation.objects.filter(pk=revocation.pk).exists()


def test_ending_a_look_up_without_a_cookie_or_with_a_forged_one_changes_nothing(complaint):
    client = Client()
    assert client.post("/complaints/track/end/")["Location"] == "/complaints/track/"
    client.cookies["portal_track"] = "TS-20261121-7KQ2M9XD:AAAAAAAAAAAAAAAAAAAAAA:forged:signature"
    assert client.post("/complaints/track/end/")["Location"] == "/complaints/track/"
    assert not TrackingRevocation.objects.exists()
