"""The complainant is told, after the commit and in their own language, of receipt, acceptance, extension,
pause and decision; by email when they gave an address, by SMS always."""

import pytest
from django.core import mail
from django.utils import translation

from complaints import services

from .factories import extend, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []


def test_each_step_the_complainant_must_know_of_sends_a_message_in_their_language(
    supervisor, senior, sms_outbox, locmem_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        complaint = register(supervisor, language="en", email="tom@example.com")
        services.complaint_accept(complaint=complaint, actor=supervisor)
        services.complaint_start(complaint=complaint, actor=supervisor)
        extend(complaint, requester=supervisor, approver=senior, reason="we need the call recording")
        services.complaint_pause(complaint=complaint, actor=supervisor, reason="a medical appraisal")
        services.complaint_resume(complaint=complaint, actor=supervisor)
        services.complaint_decide(
            complaint=complaint, actor=supervisor, decision="Upheld.", outcome="upheld", remedies=["review"]
        )
    subjects = [message.subject for message in mail.outbox]
    number = complaint.tracking_number
    assert subjects == [
        f"Complaint {number} received",
        f"Complaint {number} accepted",
        f"Complaint {number}: more time needed",
        f"Complaint {number}: waiting for an appraisal",
        f"Complaint {number}: our decision",
    ]
    assert "Reason: we need the call recording." in mail.outbox[2].body
    assert len(sms_outbox) == 5 and all(phone == "+8613812345678" for phone, _text in sms_outbox)
    assert "we need the call recording" in sms_outbox[2][1]


def test_no_email_without_an_address_and_nothing_before_the_commit(
    supervisor, sms_outbox, locmem_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaint = register(supervisor, language="zh-hans")
        services.complaint_accept(complaint=complaint, actor=supervisor)
    assert sms_outbox == [] and mail.outbox == []
    for callback in callbacks:
        callback()
    assert mail.outbox == []
    assert [text.split("】")[-1][:4] for _phone, text in sms_outbox] == ["我们已于", "您的投诉"]


def test_a_failing_mail_relay_does_not_undo_the_change(
    supervisor, sms_outbox, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        complaint = register(supervisor, email="a@example.com")
    complaint.refresh_from_db()
    assert complaint.status == "received" and len(sms_outbox) == 1
