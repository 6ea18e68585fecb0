"""No personal data in the application's logs or console output: a whole complaint journey (web form with a
file, receipt, look-up, more information, staff registration, the workflow with its notifications, an export,
a failed look-up and a server-side error page) leaves no full phone number, ID number, email or name behind."""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from complaints import services
from complaints.models import Complaint
from portal import roles
from tests.complaints.files import pdf

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
EMAIL = "li.xiuying.private@example.com"
ID_NUMBER = "110101199003071234"
NAME = "李秀英"
SECRETS = [PHONE, "139 1234 5678", "+8613912345678", EMAIL, ID_NUMBER, NAME]


@pytest.fixture
def everything_logged(caplog, settings):
    settings.PORTAL_SMS_BACKEND = "console"
    settings.PORTAL_RATE_LIMITS = False
    caplog.set_level(logging.DEBUG)  # every logger, every level, including the database's queries
    return caplog


def test_a_whole_complaint_journey_leaves_no_personal_data_in_the_logs(
    everything_logged, capfd, make_user, django_capture_on_commit_callbacks, run_worker
):
    public = Client()
    # The one-time token of the form this browser received (a token is bound to its session).
    token = re.search(r'name="token" value="([^"]+)"', public.get("/complaints/new/").text).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = public.post(
            "/complaints/new/",
            {
                "name": NAME,
                "phone": PHONE,
                "email": EMAIL,
                "capacity": "self",
                "category": "claims",
                "description": f"我是{NAME},电话{PHONE},身份证{ID_NUMBER}。",
                "consent": "on",
                "token": token,
                "attachments": pdf(),
            },
        )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert public.get(response["Location"]).status_code == 200
    assert public.post("/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": "13900000000"})
    response = public.post("/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": PHONE})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        public.post("/complaints/track/add/", {"text": f"补充:邮箱 {EMAIL}"})

    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER])
    staff = Client()
    staff.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
        services.complaint_accept(complaint=complaint, actor=supervisor)
        services.complaint_decide(
            complaint=complaint,
            actor=supervisor,
            decision="赔付。",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["mediation"],
        )
        services.complaint_register(
            actor=supervisor,
            channel="phone",
            received_at=complaint.received_at,
            name=NAME,
            phone=PHONE,
            email=EMAIL,
            id_type="resident",
            id_number=ID_NUMBER,
            description="电话投诉。",
        )
    assert staff.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).status_code == 200
    export = staff.post(
        reverse("admin:complaints_complaint_changelist"),
        {"action": "export_masked_csv", "_selected_action": [complaint.pk]},
    )
    b"".join(export.streaming_content)
    staff.get(reverse("admin:complaints_complaint_attachment", args=[complaint.attachments.get().pk]))
    run_worker()  # the worker sends the queued texts and emails
    # A request that fails in the middle: the error log must not carry the form's data either.
    public.post("/complaints/new/", {"name": NAME, "phone": PHONE, "email": EMAIL, "token": "x" * 64 + "\x00"})

    logged = "\n".join(record.getMessage() for record in everything_logged.records)
    printed = "".join(capfd.readouterr())
    assert everything_logged.records, "nothing was logged: the test would prove nothing"
    assert "SMS to 139****5678" in printed  # the console SMS backend ran, with the number masked
    for secret in SECRETS:
        assert secret not in logged, secret
        assert secret not in printed, secret
