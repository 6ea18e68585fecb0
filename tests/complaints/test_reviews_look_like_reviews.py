"""Reviews look like reviews (issue 27, item 6; issue 31, the review finding): the record names the original and
its decision, a review is never merged nor listed as a repeat of its original, the original's offer of a review ends
once one is asked, one review limit read by the request page, the acknowledgement and the status page, and one
term (核查) for the step."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone, translation

from complaints import letters, notifications, services
from complaints.compliance import alerts
from complaints.models import Complaint
from complaints.services import WorkflowError
from portal import roles
from portal.messaging.models import Message

from .factories import register, shanghai

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/complaints/complaint/"
ADMIN_ZH = "/admin/complaints/complaint/"
PHONE = "13912345678"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def look_up(client, complaint, prefix=""):
    client.post(f"{prefix}/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": PHONE})
    return client


def decided(supervisor, **overrides):
    """A complaint decided today, naming the review among its remedies."""
    complaint = register(supervisor, phone=PHONE, **overrides)
    services.complaint_accept(complaint=complaint, actor=supervisor)
    return services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision="经核实，不予支持。",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["review", "mediation"],
    )


@pytest.fixture
def people(make_user, demo):
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "reviewer": make_user("reviewer", groups=[roles.COMPLAINT_HANDLER]),
        # Who decided the original takes no step on its review: another supervisor does.
        "chief": make_user("chief", groups=[roles.SUPERVISOR]),
    }


@pytest.fixture
def case(people, time_machine):
    """An original decided on 2026-11-02 and its review asked on 2026-11-20 (the clock frozen there)."""
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    original = decided(people["supervisor"])
    time_machine.move_to(shanghai(2026, 11, 20), tick=False)
    review = services.complaint_request_review(complaint=original, reason="不认可扣减比例。")
    original.refresh_from_db()
    return original, review


# One review limit ---------------------------------------------------------------------------------------------


def test_the_review_limit_is_one_rule_read_from_the_setting(settings):
    settings.PORTAL_REVIEW_LIMIT_DAYS = 20
    assert services.review_limit_days() == 20
    assert services.review_due_on(date(2026, 12, 1)) == date(2026, 12, 21)


@pytest.mark.parametrize("limit", [30, 20])
def test_the_review_page_the_acknowledgement_and_the_status_page_give_the_same_limit_and_date(
    people, time_machine, settings, limit
):
    settings.PORTAL_REVIEW_LIMIT_DAYS = limit
    time_machine.move_to(shanghai(2026, 12, 1), tick=False)
    original = decided(people["supervisor"], email="zhang@example.com")
    client = look_up(Client(), original)
    due = date(2026, 12, 1) + timedelta(days=limit)
    shown = f"{due.year}年{due.month}月{due.day}日"

    page = client.get("/complaints/track/review/").text
    promise = page[page.index('id="review-limit"') :]
    promise = promise[: promise.index("</p>")]
    assert f"{limit}日内" in promise and shown in promise and "15日" not in promise

    client.post("/complaints/track/review/", {"reason": "不认可扣减比例。"})
    review = Complaint.objects.get(review_of=original)
    assert review.due_date == due
    for channel in ("sms", "email"):
        told = Message.objects.about(review).get(channel=channel, template="complaint.review_opened")
        assert f"我们将在{shown}前作出核查决定" in told.text

    status = client.get("/complaints/track/status/").text
    assert f'<span id="review-due">上级机构将在{shown}前作出核查决定。</span>' in status
    next_step = status[status.index('id="next-step"') :]
    assert shown in next_step and review.tracking_number in next_step

    own = look_up(Client(), review).get("/complaints/track/status/").text
    assert f'<strong id="due-date">{shown}</strong>' in own


def test_the_english_review_page_says_the_limit_and_the_date_in_english(people, time_machine):
    time_machine.move_to(shanghai(2026, 12, 1), tick=False)
    original = decided(people["supervisor"])
    page = look_up(Client(), original, "/en").get("/en/complaints/track/review/").text
    assert "It decides within 30 days of your request (asked today: by 31 December 2026)" in page


# The original's offer of a review ends once one is asked --------------------------------------------------------


def test_once_a_review_is_asked_the_status_page_no_longer_offers_one_and_names_the_review(case):
    original, review = case
    page = look_up(Client(), original).get("/complaints/track/status/").text
    assert "/complaints/track/review/" not in page and ">申请核查<" not in page
    assert "您可以在本页提出申请" not in page
    assert f"您已于2026年11月20日申请核查，查询编号为{review.tracking_number}。" in page
    assert (
        f"您的核查申请编号为{review.tracking_number}（已收到）。"
        '<span id="review-due">上级机构将在2026年12月20日前作出核查决定。</span>'
    ) in page


def test_once_a_review_is_asked_the_staff_page_of_the_original_offers_no_review(case, people):
    original, _review = case
    assert services.A.REQUEST_REVIEW not in services.allowed_actions(original)
    with translation.override("zh-hans"):
        assert services.why_not_now(original, services.A.REQUEST_REVIEW) == "已就该处理决定申请过核查。"
    page = client_for(people["supervisor"]).get(f"{ADMIN}{original.pk}/change/").text
    assert 'data-action="request_review"' not in page


def test_before_a_review_is_asked_the_staff_page_of_a_decided_complaint_offers_one(people, time_machine):
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    original = decided(people["supervisor"])
    page = client_for(people["supervisor"]).get(f"{ADMIN}{original.pk}/change/").text
    assert 'data-action="request_review"' in page


def test_a_withdrawn_review_lets_the_complainant_ask_again(case, people):
    original, review = case
    services.complaint_withdraw(complaint=review, note="已和解")
    assert services.A.REQUEST_REVIEW in services.allowed_actions(original)
    page = look_up(Client(), original).get("/complaints/track/status/").text
    assert "/complaints/track/review/" in page


def test_a_message_sent_after_a_review_is_asked_does_not_offer_one_again(case, people):
    original, _review = case
    with translation.override("zh-hans"):
        remedies = notifications.params(original, notifications.DECIDED)["remedies"]
    assert "核查" not in remedies and "调解" in remedies


def decided_review(case, people):
    """The review of `case`, decided by the reviewer (someone who took no part in the original)."""
    _original, review = case
    services.complaint_assign(complaint=review, actor=people["chief"], handler=people["reviewer"])
    services.complaint_accept(complaint=review, actor=people["reviewer"])
    return services.complaint_decide(
        complaint=review,
        actor=people["reviewer"],
        decision="经核查，维持原处理决定。",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["review", "mediation", "litigation"],
    )


def test_the_decision_on_a_review_offers_no_further_review_anywhere(case, people):
    review = decided_review(case, people)
    refusal = services.review_eligibility(review).refusal
    assert refusal is not None and refusal.code == "review_final"
    assert services.A.REQUEST_REVIEW not in services.allowed_actions(review)
    page = look_up(Client(), review).get("/complaints/track/status/").text
    assert "/complaints/track/review/" not in page and "向上级机构申请核查" not in page
    assert "调解" in page and "诉讼" in page
    with translation.override("zh-hans"):
        message = notifications.params(review, notifications.REVIEW_DECIDED)["remedies"]
        sentences = " ".join(letters.remedy_sentences(review))
    assert "核查" not in message and "调解" in message
    assert "核查" not in sentences and "人民法院" in sentences
    with pytest.raises(WorkflowError) as refused:
        services.complaint_request_review(complaint=review, reason="再核查一次")
    assert refused.value.code == "review_final"


def test_the_decide_form_of_a_review_does_not_offer_a_review_as_a_remedy(case, people):
    _original, review = case
    services.complaint_assign(complaint=review, actor=people["chief"], handler=people["reviewer"])
    services.complaint_accept(complaint=review, actor=people["reviewer"])
    form = client_for(people["reviewer"]).get(f"{ADMIN}{review.pk}/do/decide/").text
    assert 'name="remedies" value="review"' not in form and 'name="remedies" value="mediation"' in form
    fresh = register(people["handler"], phone="13700001111")
    services.complaint_accept(complaint=fresh, actor=people["handler"])
    form = client_for(people["handler"]).get(f"{ADMIN}{fresh.pk}/do/decide/").text
    assert 'name="remedies" value="review"' in form


# The record of a review names its original and its decision -------------------------------------------------------


def test_the_record_of_a_review_names_its_original_and_its_decision_instead_of_the_source(case, people):
    original, review = case
    page = client_for(people["supervisor"]).get(f"{ADMIN_ZH}{review.pk}/change/").text
    head = page[page.index('id="record-review-of"') :]
    head = head[: head.index("</span>\n")]
    assert "核查" in head and "原投诉" in head and "被核查的处理决定" in head
    assert f'href="{ADMIN_ZH}{original.pk}/change/">{original.tracking_number}</a>' in head
    assert "被核查的处理决定：投诉不成立（2026-11-02）" in head
    assert 'id="record-source"' not in page and "自收 · 电话" not in page


def test_a_fresh_complaints_record_still_shows_its_source_and_channel(people):
    fresh = register(people["supervisor"], phone=PHONE)
    page = client_for(people["supervisor"]).get(f"{ADMIN_ZH}{fresh.pk}/change/").text
    assert 'id="record-source"' in page and 'id="record-review-of"' not in page


def test_the_original_is_named_without_a_link_for_a_reviewer_who_may_not_open_it(case, people):
    original, review = case
    services.complaint_assign(complaint=review, actor=people["chief"], handler=people["reviewer"])
    assert not Complaint.objects.visible_to(people["reviewer"]).filter(pk=original.pk).exists()
    page = client_for(people["reviewer"]).get(f"{ADMIN}{review.pk}/change/").text
    head = page[page.index('id="record-review-of"') :]
    head = head[: head.index("</span>\n")]
    assert original.tracking_number in head and f"{original.pk}/change/" not in head


# No merge of a review and its original ----------------------------------------------------------------------------


def test_a_review_offers_no_merge(case, people):
    _original, review = case
    assert services.A.MERGE not in services.allowed_actions(review)
    page = client_for(people["chief"]).get(f"{ADMIN}{review.pk}/change/").text
    assert 'data-action="merge"' not in page and "data-merge-into" not in page


def test_the_merge_service_refuses_a_review_into_its_original_with_a_translated_reason(case, people):
    original, review = case
    with pytest.raises(WorkflowError) as refused:
        services.complaint_merge(complaint=review, into=original, actor=people["chief"])
    assert refused.value.code == "merge_review"
    with translation.override("zh-hans"):
        assert refused.value.messages == ["核查与其所核查的原投诉属于同一案件，不是重复投诉，不予合并。"]
    review.refresh_from_db()
    assert review.status == "received" and review.merged_into is None


def test_the_merge_service_refuses_an_original_into_its_review(case, people):
    original, review = case
    with pytest.raises(WorkflowError) as refused:
        services.complaint_merge(complaint=original, into=review, actor=people["supervisor"])
    assert refused.value.code == "merge_review"


def test_the_merge_service_refuses_a_review_into_any_other_complaint(case, people):
    _original, review = case
    other = register(people["chief"], phone=PHONE, received_at=shanghai(2026, 11, 19))
    with pytest.raises(WorkflowError) as refused:
        services.complaint_merge(complaint=review, into=other, actor=people["chief"])
    assert refused.value.code == "merge_review"


def test_the_merge_form_answers_a_review_with_the_reason_and_keeps_it(case, people):
    original, review = case
    client = client_for(people["chief"])
    answer = client.post(f"{ADMIN_ZH}{review.pk}/do/merge/", {"into": original.tracking_number})
    assert answer.status_code == 409
    assert "核查不是重复投诉：核查须单独作出核查决定，不并入其他投诉。" in answer.text
    assert original.tracking_number in answer.text  # what was typed is kept
    review.refresh_from_db()
    assert review.status == "received"


# Not each other's repeats ----------------------------------------------------------------------------------------


def test_a_review_and_its_original_are_not_each_others_repeats(case, people):
    original, review = case
    assert original not in services.possible_repeats(review)
    assert review not in services.possible_repeats(original)
    for complaint in (original, review):
        page = client_for(people["supervisor"]).get(f"{ADMIN}{complaint.pk}/change/").text
        assert 'id="possible-repeats"' not in page


def test_a_third_complaint_lists_both_with_the_review_marked_as_one(case, people, time_machine):
    original, review = case
    time_machine.move_to(shanghai(2026, 11, 25), tick=False)
    third = register(people["supervisor"], phone=PHONE)
    assert list(services.possible_repeats(third)) == [original, review]
    page = client_for(people["supervisor"]).get(f"{ADMIN}{third.pk}/change/").text
    rows = page[page.index('id="possible-repeats"') :]
    review_row = rows[rows.index(f'data-repeat="{review.tracking_number}"') :]
    review_row = review_row[: review_row.index("</tr>")]
    assert "A review of an earlier decision, not a new complaint" in review_row
    original_row = rows[rows.index(f'data-repeat="{original.tracking_number}"') :]
    assert "cp-review" not in original_row[: original_row.index("</tr>")]


def test_the_registration_warning_marks_a_review_as_a_review(case, people):
    original, review = case
    data = {
        "channel": "phone",
        "received_at": "2026-11-20T09:30",
        "source": "self",
        "name": "张三",
        "phone": PHONE,
        "capacity": "self",
        "language": "zh-hans",
        "category": "claims",
        "description": "电话投诉：理赔结果有误。",
    }
    warned = client_for(people["supervisor"]).post(f"{ADMIN}register/", data).text
    shown = warned[warned.index('id="repeat-warning"') :]
    assert original.tracking_number in shown and review.tracking_number in shown
    assert len(re.findall(r'class="cp-badge cp-review"', shown)) == 1


def test_complaint_alerts_count_a_review_with_its_original(case, people, time_machine):
    original, review = case
    as_of = timezone.localdate()
    assert [w for w in alerts.warnings_for(as_of) if w.kind == "repeat"] == []
    register(people["supervisor"], phone=PHONE)
    repeats = [w for w in alerts.warnings_for(as_of) if w.kind == "repeat"]
    assert repeats == []  # the original, its review and one more: two cases, not three
    third = register(people["supervisor"], phone=PHONE)
    repeats = [w for w in alerts.warnings_for(as_of) if w.kind == "repeat"]
    assert len(repeats) == 1 and repeats[0].count == 3
    assert (
        review.pk not in repeats[0].complaint_ids
        and original.pk in repeats[0].complaint_ids
        and third.pk in repeats[0].complaint_ids
    )


# One term --------------------------------------------------------------------------------------------------------


def test_the_chinese_texts_say_核查_for_the_review_and_never_复核():
    root = Path(django_settings.BASE_DIR)
    po = (root / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert "复核" not in po
    for template in (root / "templates").rglob("*.html"):
        assert "复核" not in template.read_text(encoding="utf-8"), template
    for doc in (root / "docs").glob("*.md"):
        assert "复核" not in doc.read_text(encoding="utf-8"), doc
