"""The complainant is told of every step that changes what they should expect, in their own language: each step
queues its messages in the outbox with the change, and the worker delivers them once."""

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import translation

from complaints import services
from complaints.models import Complaint
from portal import roles
from portal.messaging.models import Message, MessageStatus

from .factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []


def _templates(complaint) -> list[str]:
    return list(
        Message.objects.about(complaint).filter(channel="sms").order_by("id").values_list("template", flat=True)
    )


def _last_text(complaint) -> str:
    return Message.objects.about(complaint).filter(channel="sms").order_by("id").last().text


def _decide(complaint, actor, **extra):
    return services.complaint_decide(
        complaint=complaint,
        actor=actor,
        decision="Upheld.",
        outcome="upheld",
        remedies=["review", "mediation"],
        **{"reliefs": ["claim_paid"], **extra},
    )


@time_machine.travel("2026-11-02 10:00 +08:00", tick=False)
def test_every_step_of_the_workflow_queues_its_message_in_the_complainants_language(
    supervisor, senior, sms_outbox, settings
):
    settings.PORTAL_SMS_SIGN_NAME = "示例人寿"
    with translation.override("zh-hans"):
        complaint = register(supervisor, language="en", email="tom@example.com")
        services.complaint_accept(complaint=complaint, actor=supervisor)
        services.complaint_start(complaint=complaint, actor=supervisor)
        # Asking for more time changes nothing for the complainant yet: they are told when it is granted.
        request = services.complaint_request_extension(
            complaint=complaint, actor=supervisor, reason="we need the call recording"
        )
        assert _templates(complaint)[-1] == "complaint.accepted"
        services.extension_grant(request=request, actor=senior)
        assert "Reason: we need the call recording. New date: 2 December 2026." in _last_text(complaint)
        services.complaint_pause(complaint=complaint, actor=supervisor, reason="a medical appraisal")
        assert "waits for an outside appraisal: a medical appraisal" in _last_text(complaint)
        # The appraisal is back four days later; the later steps are dated that day (a step is never dated before
        # the clock's previous one).
        with time_machine.travel("2026-11-06 10:00 +08:00", tick=False):
            services.complaint_resume(complaint=complaint, actor=supervisor)
            assert "the clock runs again. New date: 6 December 2026." in _last_text(complaint)
            services.complaint_restart(complaint=complaint, actor=supervisor, note="a new letter from the bank")
            assert "by 21 November 2026." in _last_text(complaint)
            _decide(complaint, supervisor)
            decided = _last_text(complaint)
            services.complaint_reopen(complaint=complaint, actor=supervisor, reason="the decision missed a claim")
            assert "Reason: the decision missed a claim." in _last_text(complaint)
    assert _templates(complaint) == [
        "complaint.received",
        "complaint.accepted",
        "complaint.extended",
        "complaint.paused",
        "complaint.resumed",
        "complaint.restarted",
        "complaint.decided",
        "complaint.reopened",
    ]
    # The decision names where to read it, the remedies (with the review's last day) and the regulator's route.
    assert "Upheld" in decided and "Track a complaint" in decided
    assert "Review by the superior unit (ask by 6 December 2026), Mediation" in decided and "12378" in decided
    assert all(
        text.startswith("【示例人寿】") for text in Message.objects.filter(channel="sms").values_list("text", flat=True)
    )
    # The same steps by email (an address was given), nothing by SMS or email yet: the worker sends them.
    assert Message.objects.about(complaint).filter(channel="email").count() == 8
    assert sms_outbox == [] and set(Message.objects.values_list("status", flat=True)) == {MessageStatus.QUEUED}


def test_rejection_merge_and_withdrawal_each_tell_the_complainant_in_chinese(supervisor, sms_outbox):
    with translation.override("en"):
        rejected = register(supervisor, language="zh-hans")
        services.complaint_reject(complaint=rejected, actor=supervisor, reason="这是咨询，不是投诉")
        original = register(supervisor)
        repeat = register(supervisor)
        # Its receipt went (a receipt still in the outbox is held instead: tests/complaints/test_true_messages.py).
        Message.objects.about(repeat).update(status=MessageStatus.SENT)
        services.complaint_merge(complaint=repeat, into=original, actor=supervisor)
        withdrawn = register(supervisor)
        services.complaint_withdraw(complaint=withdrawn)
    assert _templates(rejected)[-1] == "complaint.rejected" and "原因：这是咨询，不是投诉" in _last_text(rejected)
    assert _templates(repeat)[-1] == "complaint.merged" and original.tracking_number in _last_text(repeat)
    assert _templates(withdrawn)[-1] == "complaint.withdrawn" and "撤回" in _last_text(withdrawn)


def test_a_review_is_told_when_it_is_opened_and_when_it_is_decided(supervisor, make_user, sms_outbox):
    # Whoever decided the complaint takes no step on its review.
    reviewer = make_user("reviewer", groups=[roles.SUPERVISOR])
    complaint = register(supervisor, language="en")
    services.complaint_accept(complaint=complaint, actor=supervisor)
    _decide(complaint, supervisor)
    review = services.complaint_request_review(complaint=complaint, reason="I disagree")
    assert _templates(review) == ["complaint.review_opened"]
    assert f"review of {complaint.tracking_number}. Its tracking number is {review.tracking_number}" in _last_text(
        review
    )
    services.complaint_accept(complaint=review, actor=reviewer)
    services.complaint_decide(
        complaint=review,
        actor=reviewer,
        decision="Confirmed.",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["arbitration"],
    )
    assert _templates(review)[-1] == "complaint.review_decided"
    assert "Not upheld" in _last_text(review) and "Arbitration" in _last_text(review) and "12378" in _last_text(review)


def test_the_worker_delivers_each_message_once_after_the_commit(supervisor, sms_outbox, locmem_mail, run_worker):
    complaint = register(supervisor, language="zh-hans", email="li@example.com")
    services.complaint_accept(complaint=complaint, actor=supervisor)
    assert sms_outbox == [] and mail.outbox == []
    run_worker()
    run_worker()  # nothing left: a second run sends nothing again
    assert [text.split("】")[-1][:4] for _phone, text in sms_outbox] == ["我们已于", "您的投诉"]
    assert [message.subject for message in mail.outbox] == [
        f"投诉{complaint.tracking_number}已收到",
        f"投诉{complaint.tracking_number}已受理",
    ]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<")
    sent = Message.objects.about(complaint)
    assert {message.status for message in sent} == {MessageStatus.SENT}
    assert all(message.attempts == 1 and message.sent_at and message.provider_id for message in sent)


def test_a_change_that_rolls_back_leaves_no_message(supervisor, sms_outbox):
    complaint = register(supervisor)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.complaint_accept(complaint=complaint, actor=supervisor)
        raise RuntimeError("the request failed after the change")
    assert _templates(Complaint.objects.get(pk=complaint.pk)) == ["complaint.received"]


def test_demo_and_imported_history_are_not_told(supervisor, sms_outbox):
    from complaints import notifications

    with notifications.muted():
        register(supervisor)
    assert Message.objects.count() == 0
