"""Satisfaction (回访): the link the day after the decision reached the complainant, valid 60 days, answered once;
a score taken on the telephone by staff; a low score alerts the supervisors and offers a review or mediation; the
figures per branch, per handler and in the report."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from complaints import services
from complaints.compliance.performance import performance
from complaints.compliance.reports import Period, complaint_report
from complaints.models import EventAction, Feedback
from portal import roles
from portal.messaging.models import Message, StaffAlert

from .factories import register, shanghai

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/(?:en/)?complaints/feedback/([A-Za-z0-9_-]+)/")


@pytest.fixture
def team(make_user):
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER]),
        "other": make_user("other", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "editor": make_user("editor", groups=[roles.CONTENT_EDITOR]),
    }


def _decided(team, *, on=date(2026, 11, 2), language="zh-hans", phone="13812345678"):
    """A complaint registered and decided by its handler on `on` (the day the complainant was told)."""
    with time_machine.travel(shanghai(on.year, on.month, on.day, 9), tick=False):
        complaint = register(team["supervisor"], phone=phone, language=language)
        services.complaint_assign(complaint=complaint, actor=team["supervisor"], handler=team["handler"])
        services.complaint_accept(complaint=complaint, actor=team["handler"])
        return services.complaint_decide(
            complaint=complaint,
            actor=team["handler"],
            decision="经核查，理赔款已于今日支付。",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["review", "mediation"],
        )


def _invite(day: date) -> int:
    with time_machine.travel(shanghai(day.year, day.month, day.day, 10), tick=False):
        return services.feedback_invitations_send()


def _next_steps(page) -> str:
    """The page's "what you can still do" section (the footer names the regulator's hotline on every page)."""
    text = page.text
    return text[text.index('id="next-steps"') : text.index("</section>", text.index('id="next-steps"'))]


def _token(complaint) -> str:
    text = Message.objects.about(complaint).get(template="complaint.feedback").text
    return LINK.search(text).group(1)


def test_the_link_is_texted_once_the_day_after_the_decision_reached_the_complainant(team):
    complaint = _decided(team)
    assert _invite(date(2026, 11, 2)) == 0  # the day of the decision: not yet
    assert _invite(date(2026, 11, 3)) == 1
    assert _invite(date(2026, 11, 4)) == 0  # once
    message = Message.objects.about(complaint).get(template="complaint.feedback")
    assert message.recipient == "+8613812345678" and message.channel == "sms"
    assert "2027年1月2日" in message.text  # valid 60 days from the day it was sent
    stored = Feedback.objects.get(complaint=complaint)
    assert stored.token_hash != _token(complaint) and _token(complaint) not in stored.token_hash


def test_a_decision_delivered_more_than_a_week_ago_is_not_asked_about_any_more(team):
    _decided(team)
    assert _invite(date(2026, 11, 11)) == 0
    assert not Feedback.objects.exists()


def test_an_english_complainant_gets_the_english_link(team):
    complaint = _decided(team, language="en")
    _invite(date(2026, 11, 3))
    text = Message.objects.about(complaint).get(template="complaint.feedback").text
    assert "/en/complaints/feedback/" in text and "Rate it from 1 to 5 by" in text


def test_the_link_takes_one_answer_within_60_days_and_then_says_thank_you(team):
    complaint = _decided(team)
    _invite(date(2026, 11, 3))
    token = _token(complaint)
    client = Client()
    with time_machine.travel(shanghai(2027, 1, 2, 20), tick=False):  # the last day
        page = client.get(f"/complaints/feedback/{token}/")
        assert page.status_code == 200 and complaint.tracking_number in page.text
        assert "张三" not in page.text and "13812345678" not in page.text
        answer = client.post(f"/complaints/feedback/{token}/", {"score": "4", "comment": "处理及时"})
        assert answer.status_code == 302
        assert "已记录" in client.get(f"/complaints/feedback/{token}/").text
        again = client.post(f"/complaints/feedback/{token}/", {"score": "1"})
    assert again.status_code == 200
    stored = Feedback.objects.get(complaint=complaint)
    assert (stored.score, stored.comment, stored.channel) == (4, "处理及时", "link")
    event = complaint.events.get(action=EventAction.FEEDBACK)
    assert event.actor is None and event.data == {"score": 4, "asked": "link"}


def test_an_expired_link_answers_410_and_records_nothing(team):
    complaint = _decided(team)
    _invite(date(2026, 11, 3))
    token = _token(complaint)
    with time_machine.travel(shanghai(2027, 1, 3, 9), tick=False):
        client = Client()
        assert client.get(f"/complaints/feedback/{token}/").status_code == 410
        assert client.post(f"/complaints/feedback/{token}/", {"score": "5"}).status_code == 410
        with pytest.raises(services.WorkflowError, match=r"过期|expired"):
            services.feedback_answer(token=token, score=5)
    assert Feedback.objects.get(complaint=complaint).score is None


@pytest.mark.parametrize("score", ["0", "6", "", "abc", "9" * 400])
def test_a_score_outside_1_to_5_is_refused_with_a_translated_error(team, score):
    complaint = _decided(team)
    _invite(date(2026, 11, 3))
    with time_machine.travel(shanghai(2026, 11, 4), tick=False):
        page = Client().post(f"/complaints/feedback/{_token(complaint)}/", {"score": score, "comment": "留言保留"})
    assert page.status_code == 200 and "留言保留" in page.text
    assert Feedback.objects.get(complaint=complaint).score is None


def test_an_unknown_or_absurd_token_is_a_404(team):
    client = Client()
    assert client.get("/complaints/feedback/not-a-token/").status_code == 404
    assert client.get("/complaints/feedback/" + "a" * 500 + "/").status_code == 404


def test_a_low_score_alerts_the_supervisors_and_offers_a_review_while_its_30_days_run(team):
    complaint = _decided(team)
    _invite(date(2026, 11, 3))
    token = _token(complaint)
    with time_machine.travel(shanghai(2026, 11, 5), tick=False):
        Client().post(f"/complaints/feedback/{token}/", {"score": "2", "comment": "不满意"})
        page = Client().get(f"/complaints/feedback/{token}/")
    assert StaffAlert.objects.filter(user=team["supervisor"], template="low_score").count() == 1
    assert not StaffAlert.objects.filter(user=team["handler"], template="low_score").exists()
    steps = _next_steps(page)
    assert "申请核查" in steps and "2026年12月2日" in steps  # 30 days from 2 November
    assert "12378" not in steps


def test_a_low_score_after_the_review_window_offers_mediation_and_the_regulators_hotline(team):
    complaint = _decided(team)
    _invite(date(2026, 11, 3))
    token = _token(complaint)
    with time_machine.travel(shanghai(2026, 12, 10), tick=False):
        Client().post(f"/complaints/feedback/{token}/", {"score": "1"})
        page = Client().get(f"/complaints/feedback/{token}/")
    steps = _next_steps(page)
    assert "调解" in steps and "12378" in steps
    assert "申请核查" not in steps


def test_a_good_score_alerts_nobody(team):
    complaint = _decided(team)
    _invite(date(2026, 11, 3))
    with time_machine.travel(shanghai(2026, 11, 5), tick=False):
        services.feedback_answer(token=_token(complaint), score=3)
    assert not StaffAlert.objects.filter(template="low_score").exists()


def test_the_handler_records_a_score_given_on_the_telephone_and_nobody_else_may(team):
    complaint = _decided(team)
    with pytest.raises(PermissionDenied):
        services.complaint_record_feedback(complaint=complaint, actor=team["other"], score=5)
    with pytest.raises(PermissionDenied):
        services.complaint_record_feedback(complaint=complaint, actor=team["editor"], score=5)
    with time_machine.travel(shanghai(2026, 11, 6), tick=False):
        services.complaint_record_feedback(complaint=complaint, actor=team["handler"], score=1, comment="电话回访")
    stored = Feedback.objects.get(complaint=complaint)
    assert (stored.score, stored.channel, stored.recorded_by) == (1, "phone", team["handler"])
    assert StaffAlert.objects.filter(user=team["supervisor"], template="low_score").exists()
    with pytest.raises(services.WorkflowError):
        services.complaint_record_feedback(complaint=complaint, actor=team["handler"], score=5)
    # Asked on the telephone already: the job sends no link.
    assert _invite(date(2026, 11, 7)) == 0


def test_a_complaint_still_open_cannot_be_rated_by_staff(team):
    complaint = register(team["supervisor"])
    with pytest.raises(services.WorkflowError):
        services.complaint_record_feedback(complaint=complaint, actor=team["supervisor"], score=5)


def test_the_workbench_form_records_the_call(team):
    complaint = _decided(team)
    client = Client()
    client.force_login(team["handler"])
    url = f"/admin/complaints/complaint/{complaint.pk}/do/feedback/"
    assert client.get(url).status_code == 200
    client.post(url, {"score": "5", "comment": "满意"})
    assert Feedback.objects.get(complaint=complaint).score == 5
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert "已记录满意度回访" in page.text and "评分（1至5分）" in page.text and "工作人员电话回访" in page.text


def test_the_report_and_the_performance_rows_count_answers_and_their_average(team):
    first, second = _decided(team), _decided(team, phone="13900001111")
    _invite(date(2026, 11, 3))
    with time_machine.travel(shanghai(2026, 11, 5), tick=False):
        services.feedback_answer(token=_token(first), score=5)
        services.complaint_record_feedback(complaint=second, actor=team["handler"], score=2)
        today = timezone.localdate()
    report = complaint_report(period=Period(2026), today=today)
    assert report["satisfaction"] == {"responses": 2, "average": 3.5}
    rows = performance(period=Period(2026), today=today)
    handler_row = next(row for row in rows["handlers"] if row["handled"] == 2)
    assert (handler_row["satisfaction_responses"], handler_row["satisfaction_average"]) == (2, 3.5)
    assert rows["company"]["satisfaction_average"] == 3.5
    empty = complaint_report(period=Period(2025), today=today)
    assert empty["satisfaction"] == {"responses": 0, "average": None}


def test_the_answer_window_is_60_days(team):
    complaint = _decided(team)
    _invite(date(2026, 11, 3))
    assert Feedback.objects.get(complaint=complaint).valid_until == date(2026, 11, 3) + timedelta(days=60)


def _signed_in(phone="13812345678"):
    """A browser signed in to the complainant's account with the code texted to `phone`."""
    client = Client()
    client.post("/account/", {"phone": phone})
    code = Message.objects.filter(template="account.code").latest("created_at", "id").params["code"]
    assert client.post("/account/", {"code": code}).status_code == 302
    return client


def test_a_signed_in_complainant_rates_a_decided_complaint_from_the_account_once(team, demo):
    complaint = _decided(team)
    with time_machine.travel(shanghai(2026, 11, 10), tick=False):
        client = _signed_in()
        home = client.get("/account/mine/").text
        assert f"/account/rate/{complaint.tracking_number}/" in home
        assert client.get(f"/account/rate/{complaint.tracking_number}/").status_code == 200
        answer = client.post(f"/account/rate/{complaint.tracking_number}/", {"score": "1", "comment": "太慢"})
        assert answer.status_code == 302
        page = client.get(f"/account/rate/{complaint.tracking_number}/").text
        assert "已记录" in page and 'value="review"' in page  # a review offered through the account
        assert f"/account/rate/{complaint.tracking_number}/" not in client.get("/account/mine/").text
    stored = Feedback.objects.get(complaint=complaint)
    assert (stored.score, stored.comment, stored.channel) == (1, "太慢", "account")
    assert StaffAlert.objects.filter(user=team["supervisor"], template="low_score").exists()
    # The link texted afterwards finds the answer already given.
    assert _invite(date(2026, 11, 3)) == 0


def test_the_account_offers_no_rating_for_an_open_complaint_another_phones_or_after_60_days(team, demo):
    decided = _decided(team)
    open_one = register(team["supervisor"], phone="13812345678")
    other = _decided(team, phone="13900001111")
    with time_machine.travel(shanghai(2026, 11, 10), tick=False):
        client = _signed_in()
        assert client.get(f"/account/rate/{open_one.tracking_number}/").status_code == 404
        assert client.get(f"/account/rate/{other.tracking_number}/").status_code == 404
        assert client.get("/account/rate/not-a-number/").status_code == 404
    with time_machine.travel(shanghai(2027, 1, 1, 9), tick=False):
        client = _signed_in()
        assert client.get(f"/account/rate/{decided.tracking_number}/").status_code == 200  # 60 days after delivery
    with time_machine.travel(shanghai(2027, 1, 2, 9), tick=False):
        client = _signed_in()
        assert client.get(f"/account/rate/{decided.tracking_number}/").status_code == 410
        assert client.post(f"/account/rate/{decided.tracking_number}/", {"score": "5"}).status_code == 410
    assert not Feedback.objects.filter(score__isnull=False).exists()
