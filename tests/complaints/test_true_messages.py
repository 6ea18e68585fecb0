"""Messages that are true: no past date is ever promised, a merged repeat is one message with one number, and every
date a message states is the date on the record and on the status page (complaints.workflow.timing.decision_date)."""

from datetime import date

import pytest
from django.test import Client
from django.utils import formats, translation

from complaints import services
from complaints.models import Complaint
from portal.messaging.models import HeldReason, Message, MessageChannel, MessageStatus

from .factories import extend, register, shanghai

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def messages(complaint, template=None):
    found = Message.objects.about(complaint).order_by("id")
    return found.filter(template=template) if template else found


def sms(complaint, template):
    return messages(complaint, template).get(channel=MessageChannel.SMS)


def status_page(complaint, prefix=""):
    client = Client()
    response = client.post(
        f"{prefix}/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": PHONE}
    )
    assert response.status_code == 302
    return client.get(f"{prefix}/complaints/track/status/").text


def day(value, language="zh-hans"):
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


def late_letter(supervisor, **overrides):
    """A letter received on 15 November and registered on 8 December: its limit, 30 November, has passed."""
    return register(
        supervisor,
        channel="letter",
        received_at=shanghai(2026, 11, 15),
        phone=PHONE,
        email="li@example.com",
        **overrides,
    )


@pytest.fixture
def december_8(time_machine):
    time_machine.move_to(shanghai(2026, 12, 8, 10), tick=False)


# (a) A complaint registered after its limit: no past date, in both languages, by SMS and email alike.


def test_a_letter_registered_after_its_limit_is_acknowledged_without_the_past_date_in_chinese(
    demo, supervisor, december_8
):
    complaint = late_letter(supervisor)
    assert complaint.due_date == date(2026, 11, 30) and complaint.late_since == date(2026, 12, 1)
    sent = messages(complaint)
    assert {message.template for message in sent} == {"complaint.received_late"}
    assert {message.channel for message in sent} == {MessageChannel.SMS, MessageChannel.EMAIL}
    for message in sent:
        assert "我们已于2026年11月15日收到您的投诉" in message.text
        assert "已超过处理时限，我们将优先处理，尽快作出处理决定并告知您" in message.text
        assert "2026年11月30日" not in message.text and "前作出处理决定" not in message.text
    page = status_page(complaint)
    assert "处理时限已过：我们将优先处理您的投诉，尽快作出处理决定并告知您。" in page
    assert 'id="due-date"' not in page and "2026年11月30日" not in page
    next_step = page[page.index('id="next-step"') :]
    next_step = next_step[: next_step.index("</li>")]
    assert "处理时限已过" in next_step and "下一步" in next_step


def test_a_letter_registered_after_its_limit_is_acknowledged_without_the_past_date_in_english(
    demo, supervisor, december_8
):
    complaint = late_letter(supervisor, language="en")
    for message in messages(complaint):
        assert message.template == "complaint.received_late"
        assert "We received your complaint on" in message.text and "Its time limit has passed" in message.text
        assert (
            day(complaint.due_date, "en") not in message.text and "We will decide and tell you by" not in message.text
        )
    page = status_page(complaint, "/en")
    assert "The time limit has passed: we handle your complaint with priority" in page
    assert day(complaint.due_date, "en") not in page and "Next, by" not in page


def test_accepting_a_complaint_past_its_limit_promises_no_date_either(demo, supervisor, december_8):
    complaint = late_letter(supervisor)
    services.complaint_accept(complaint=complaint, actor=supervisor)
    accepted = sms(complaint, "complaint.accepted_late")
    assert "已受理" in accepted.text and "优先处理" in accepted.text and "2026年11月30日" not in accepted.text
    assert not messages(complaint, "complaint.accepted").exists()


def test_an_appraisal_back_after_the_limit_passed_promises_no_past_date(demo, supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 29, 10), tick=False)
    complaint = register(supervisor, received_at=shanghai(2026, 11, 15), phone=PHONE)
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_pause(complaint=complaint, actor=supervisor, reason="伤残鉴定")
    time_machine.move_to(shanghai(2026, 12, 10, 10), tick=False)
    complaint = services.complaint_resume(complaint=complaint, actor=supervisor, ended_on=date(2026, 12, 7))
    assert complaint.due_date == date(2026, 12, 8) and complaint.late_since is not None
    resumed = sms(complaint, "complaint.resumed_late")
    assert "2026年12月8日" not in resumed.text and "优先处理" in resumed.text


def test_a_complaint_registered_in_time_is_still_promised_its_date(demo, supervisor, december_8):
    complaint = register(supervisor, channel="letter", received_at=shanghai(2026, 12, 1), phone=PHONE)
    received = sms(complaint, "complaint.received")
    assert f"我们将在{day(date(2026, 12, 16))}前作出处理决定" in received.text


# (b) A repeat caller registered anyway, then merged: one message, one tracking number.


def test_a_repeat_merged_while_its_receipt_waits_in_the_outbox_gets_one_message_naming_only_the_original(
    demo, supervisor, time_machine
):
    time_machine.move_to(shanghai(2026, 11, 20, 10), tick=False)
    original = register(supervisor, phone=PHONE)
    time_machine.move_to(shanghai(2026, 11, 23, 15), tick=False)
    repeat = register(supervisor, phone=PHONE, email="li@example.com")
    services.complaint_accept(complaint=repeat, actor=supervisor)
    before = messages(original).count()
    services.complaint_merge(complaint=repeat, into=original, actor=supervisor)
    held = messages(repeat).filter(status=MessageStatus.HELD)
    assert {message.template for message in held} == {"complaint.received", "complaint.accepted"}
    assert {message.held_reason for message in held} == {HeldReason.MERGED}
    assert not held.filter(next_attempt_at__isnull=False).exists()
    told = messages(repeat).exclude(status=MessageStatus.HELD)
    assert {message.template for message in told} == {"complaint.repeat_merged"}
    text = told.get(channel=MessageChannel.SMS).text
    assert original.tracking_number in text and repeat.tracking_number not in text
    assert "2026年11月23日" in text
    # No second acknowledgement for the original.
    assert messages(original).count() == before
    # Staff see the held receipt on the repeat's record, with why it never went.
    staff = Client()
    staff.force_login(supervisor)
    record = staff.get(f"/en/admin/complaints/complaint/{repeat.pk}/change/").text
    assert "Cancelled: the complaint was merged into the original, whose message replaces it" in record
    # The repeat's page (for anyone who knows its number) tells no message that never went.
    page = status_page(repeat)
    assert "收到您的投诉" not in page


def test_a_repeat_whose_receipt_already_went_gets_the_merge_notice_naming_both_numbers(demo, supervisor):
    original = register(supervisor, phone=PHONE)
    repeat = register(supervisor, phone=PHONE)
    messages(repeat).update(status=MessageStatus.SENT)
    services.complaint_merge(complaint=repeat, into=original, actor=supervisor)
    assert not messages(repeat).filter(status=MessageStatus.HELD).exists()
    notice = sms(repeat, "complaint.merged")
    assert repeat.tracking_number in notice.text and original.tracking_number in notice.text
    assert not messages(repeat, "complaint.repeat_merged").exists()


def test_a_message_held_by_a_merge_is_never_delivered(demo, supervisor, sms_outbox):
    from portal.messaging.outbox import message_deliver, messages_sweep

    original = register(supervisor, phone=PHONE)
    repeat = register(supervisor, phone=PHONE)
    services.complaint_merge(complaint=repeat, into=original, actor=supervisor)
    receipt = sms(repeat, "complaint.received")
    assert message_deliver(message_id=receipt.pk) is None
    messages_sweep()
    receipt.refresh_from_db()
    assert receipt.status == MessageStatus.HELD and receipt.attempts == 0


# (c) Every message's date is the record's date and the status page's, for every message that states one.


def test_the_withdrawal_message_states_the_day_handling_ended_as_the_record_does(demo, supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 20, 10), tick=False)
    complaint = register(supervisor, phone=PHONE, received_at=shanghai(2026, 11, 16))
    complaint = services.complaint_withdraw(complaint=complaint, note="已协商解决", received_on=date(2026, 11, 19))
    assert complaint.ended_on == date(2026, 11, 19)
    assert sms(complaint, "complaint.withdrawn").params["day"] == day(complaint.ended_on)


def assert_same_date(complaint, template, *, language="zh-hans"):
    complaint = Complaint.objects.get(pk=complaint.pk)
    shown = day(complaint.due_date, language)
    message = sms(complaint, template)
    assert message.params["due"] == shown, (template, message.params, complaint.due_date)
    assert shown in message.text
    page = status_page(complaint, "" if language == "zh-hans" else "/en")
    assert f'<strong id="due-date">{shown}</strong>' in page
    return complaint


def forwarded(supervisor, regulator_deadline):
    return register(
        supervisor,
        source="regulator",
        regulator_ref="京金监投〔2026〕9号",
        regulator_deadline=regulator_deadline,
        phone=PHONE,
    )


def decided(supervisor):
    complaint = register(supervisor, phone=PHONE)
    services.complaint_accept(complaint=complaint, actor=supervisor)
    return services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision="经核查，不予支持。",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["review"],
    )


@pytest.fixture
def november_2(time_machine):
    time_machine.move_to(shanghai(2026, 11, 2, 10), tick=False)


def test_the_receipt_of_a_forwarded_complaint_states_the_regulators_earlier_date_as_the_record_does(
    demo, supervisor, november_2
):
    complaint = forwarded(supervisor, date(2026, 11, 10))
    assert complaint.due_date == date(2026, 11, 10) and complaint.statutory_due_date == date(2026, 11, 17)
    assert_same_date(complaint, "complaint.received")


def test_the_acceptance_states_the_records_date(demo, supervisor, november_2):
    complaint = register(supervisor, phone=PHONE, language="en")
    services.complaint_accept(complaint=complaint, actor=supervisor)
    assert_same_date(complaint, "complaint.accepted", language="en")


def test_an_extension_message_states_the_new_date_of_the_record(demo, supervisor, senior, november_2):
    complaint = forwarded(supervisor, date(2026, 11, 30))
    services.complaint_accept(complaint=complaint, actor=supervisor)
    extend(complaint, requester=supervisor, approver=senior, days=10)
    complaint = assert_same_date(complaint, "complaint.extended")
    # The regulator's date (30 November) is later than the extended limit (27 November): the earlier one stands.
    assert complaint.due_date == date(2026, 11, 27)


def test_the_resumption_and_the_restart_state_the_records_new_date(demo, supervisor, time_machine, november_2):
    complaint = register(supervisor, phone=PHONE)
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_pause(complaint=complaint, actor=supervisor, reason="伤残鉴定")
    time_machine.move_to(shanghai(2026, 11, 9, 10), tick=False)
    services.complaint_resume(complaint=complaint, actor=supervisor)
    complaint = assert_same_date(complaint, "complaint.resumed")
    assert complaint.due_date == date(2026, 11, 24)
    time_machine.move_to(shanghai(2026, 11, 12, 10), tick=False)
    services.complaint_restart(complaint=complaint, actor=supervisor, note="投诉人提供了新的体检报告")
    complaint = assert_same_date(complaint, "complaint.restarted")
    assert complaint.due_date == date(2026, 11, 27)


def test_a_reviews_receipt_states_the_reviews_date_as_its_record_and_page_do(demo, supervisor, november_2):
    complaint = decided(supervisor)
    review = services.complaint_request_review(complaint=complaint, reason="不认可处理结果")
    assert_same_date(review, "complaint.review_opened")


def test_the_decision_message_states_the_last_day_for_a_review_the_status_page_shows(demo, supervisor, november_2):
    complaint = decided(supervisor)
    until = services.review_window_ends(complaint)
    assert until == date(2026, 12, 2)
    message = sms(complaint, "complaint.decided")
    assert day(until) in message.params["remedies"]
    assert day(until) in status_page(complaint)


def test_every_complaint_message_that_states_a_date_has_a_wording_for_a_limit_already_passed():
    from complaints import notifications
    from portal.messaging import catalogue

    dated = {
        key.removeprefix("complaint.")
        for key, template in catalogue.TEMPLATES.items()
        if key.startswith("complaint.") and "due" in template.params
    }
    # An extension is refused once the limit has passed, and a restart starts a new period: both carry a date ahead.
    assert dated - set(notifications.PAST_LIMIT) == {notifications.EXTENDED, notifications.RESTARTED}
    for kind, late in notifications.PAST_LIMIT.items():
        assert "due" not in catalogue.TEMPLATES[f"complaint.{late}"].params, late
        assert set(catalogue.TEMPLATES[f"complaint.{late}"].params) <= set(
            catalogue.TEMPLATES[f"complaint.{kind}"].params
        )
