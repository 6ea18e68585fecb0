"""The complaint rules as dated data: each complaint is judged by the version in force when it was received; a
back-dated version records a rule already in force and changes only the open complaints that are not late; the
what-if lists exactly those. Time is frozen at 2026-11-20, 10:00 Beijing time."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from complaints import services
from complaints.models import Complaint, ComplaintEvent, RuleVersion
from complaints.services import WorkflowError

from .factories import register, shanghai

pytestmark = pytest.mark.django_db

TODAY = (2026, 11, 20)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(shanghai(*TODAY), tick=False)
    with translation.override("en"):
        yield


@pytest.fixture
def second(make_user):
    from portal import roles

    return make_user("second", groups=[roles.COMPLIANCE_OFFICER])


def version_values(**overrides):
    values = {
        "title": "银行业保险业消费投诉处理管理办法（修订）",
        "effective_from": date(2026, 11, 10),
        "base_days": 10,
        "first_extension_limit": 30,
        "second_extension_limit": 60,
        "second_extension_max_days": 30,
        "review_days": None,
        "first_extension_approvals": 1,
        "second_extension_approvals": 2,
        "regulator_default_days": 10,
        "platform_default_days": 10,
    }
    values.update(overrides)
    return values


def enter(actor, reason="新办法已于11月10日施行，此前未录入。", **overrides):
    return services.rule_version_enter(actor=actor, reason=reason, **version_values(**overrides))


def received(supervisor, day, **fields):
    complaint = register(supervisor, received_at=shanghai(*day, 9), **fields)
    return Complaint.objects.get(pk=complaint.pk)


def test_the_first_version_is_the_2020_measures_with_the_review_limit_from_the_setting(settings):
    first = RuleVersion.objects.in_force(date(2026, 11, 20))
    assert (first.base_days, first.first_extension_limit, first.second_extension_limit) == (15, 30, 60)
    assert first.effective_from == date(2020, 3, 1)
    settings.PORTAL_REVIEW_LIMIT_DAYS = 25
    assert first.review_limit == 25


def test_a_back_dated_version_gives_a_complaint_received_since_its_new_limit_and_leaves_older_and_late_ones_alone(
    supervisor, compliance, second
):
    five_days_ago = received(supervisor, (2026, 11, 15))
    twenty_days_ago = received(supervisor, (2026, 10, 31))
    late = received(
        supervisor,
        (2026, 11, 12),
        source="regulator",
        regulator_ref="京金监投〔2026〕0777号",
        regulator_deadline=date(2026, 11, 14),
    )
    services.mark_late_complaints()
    late.refresh_from_db()
    assert late.late_since == date(2026, 11, 15)
    assert five_days_ago.due_date == date(2026, 11, 30)

    version = enter(compliance)
    services.rule_version_approve(version=version, actor=second)

    five_days_ago.refresh_from_db()
    twenty_days_ago.refresh_from_db()
    late.refresh_from_db()
    assert five_days_ago.due_date == date(2026, 11, 25)  # 10 days
    assert twenty_days_ago.due_date == date(2026, 11, 15)  # the old 15 days
    assert late.late_since == date(2026, 11, 15)  # late stays late
    assert late.due_date == date(2026, 11, 14)
    event = ComplaintEvent.objects.filter(complaint=five_days_ago, action="correct").get()
    assert event.data["due_before"] == "2026-11-30" and event.data["due_after"] == "2026-11-25"
    version.refresh_from_db()
    assert version.applied_to == [five_days_ago.pk]


def test_a_longer_back_dated_limit_never_makes_a_late_complaint_on_time(supervisor, compliance, second):
    late = received(
        supervisor,
        (2026, 11, 12),
        source="regulator",
        regulator_ref="京金监投〔2026〕0778号",
        regulator_deadline=date(2026, 11, 14),
    )
    services.mark_late_complaints()
    version = enter(compliance, base_days=20, first_extension_limit=40, second_extension_limit=70)
    assert services.rule_version_changes(version) == []
    services.rule_version_approve(version=version, actor=second)
    late.refresh_from_db()
    assert late.late_since == date(2026, 11, 15)


def test_a_back_dated_shorter_limit_never_makes_a_complaint_decided_on_time_late(
    supervisor, handler, compliance, second
):
    decided = received(supervisor, (2026, 11, 12))
    services.complaint_assign(complaint=decided, actor=supervisor, handler=handler)
    services.complaint_accept(complaint=decided, actor=handler)
    services.complaint_decide(
        complaint=decided,
        actor=handler,
        decision="予以赔付",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review"],
    )
    version = enter(compliance, base_days=5)
    services.rule_version_approve(version=version, actor=second)
    row = Complaint.objects.with_timeliness().get(pk=decided.pk)
    assert row.due_date == date(2026, 11, 27)
    assert row.late_since is None


def test_the_what_if_lists_exactly_the_open_complaints_a_back_dated_version_changes(supervisor, compliance, second):
    changed = received(supervisor, (2026, 11, 15))
    also_changed = received(supervisor, (2026, 11, 10))
    received(supervisor, (2026, 11, 9))  # received before the version's day
    paused_earlier = received(
        supervisor,
        (2026, 11, 16),
        source="regulator",
        regulator_ref="京金监投〔2026〕0779号",
        regulator_deadline=date(2026, 11, 24),
    )  # the regulator's earlier date stands under either rule
    version = enter(compliance)
    changes = services.rule_version_changes(version)
    assert [(change.complaint.pk, change.due_before, change.due_after) for change in changes] == [
        (also_changed.pk, date(2026, 11, 25), date(2026, 11, 20)),
        (changed.pk, date(2026, 11, 30), date(2026, 11, 25)),
    ]
    assert paused_earlier.pk not in [change.complaint.pk for change in changes]
    services.rule_version_approve(version=version, actor=second)
    version.refresh_from_db()
    assert sorted(version.applied_to) == sorted([changed.pk, also_changed.pk])


def test_a_future_version_changes_no_complaint_now_and_judges_those_received_from_its_day(
    supervisor, compliance, second, time_machine
):
    open_now = received(supervisor, (2026, 11, 19))
    version = services.rule_version_enter(actor=compliance, **version_values(effective_from=date(2026, 12, 1)))
    assert services.rule_version_changes(version) == []
    services.rule_version_approve(version=version, actor=second)
    open_now.refresh_from_db()
    assert open_now.due_date == date(2026, 12, 4)
    time_machine.move_to(shanghai(2026, 12, 1), tick=False)
    later = received(supervisor, (2026, 12, 1))
    assert later.due_date == date(2026, 12, 11)
    assert services.rule_version_in_force().pk == version.pk


def test_a_version_is_approved_only_by_a_second_member_of_compliance(compliance, handler, second):
    with pytest.raises(PermissionDenied):
        enter(handler)
    version = enter(compliance)
    with pytest.raises(WorkflowError) as refused:
        services.rule_version_approve(version=version, actor=compliance)
    assert refused.value.code == "same_person"
    with pytest.raises(PermissionDenied):
        services.rule_version_approve(version=version, actor=handler)
    services.rule_version_approve(version=version, actor=second)
    with pytest.raises(WorkflowError) as again:
        services.rule_version_approve(version=version, actor=second)
    assert again.value.code == "decided"


def test_a_pending_or_refused_version_judges_no_complaint(supervisor, compliance, second):
    version = enter(compliance)
    complaint = received(supervisor, (2026, 11, 15))
    assert complaint.due_date == date(2026, 11, 30)
    services.rule_version_refuse(version=version, actor=second)
    later = received(supervisor, (2026, 11, 18))
    assert later.due_date == date(2026, 12, 3)


def test_a_back_dated_version_without_a_reason_or_with_limits_that_do_not_grow_is_refused_with_a_message(compliance):
    with pytest.raises(ValidationError) as no_reason:
        enter(compliance, reason="")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as shrinking:
        enter(compliance, base_days=30, first_extension_limit=20)
    assert shrinking.value.message_dict["first_extension_limit"] == [
        "The limits must grow: the base limit, then the limit after each extension."
    ]
    assert not RuleVersion.objects.filter(status="pending").exists()


def test_the_public_texts_state_the_limits_of_the_version_in_force_from_its_day(
    client, demo, compliance, second, time_machine
):
    assert "We decide within 15 days" in client.get("/en/").content.decode()
    version = services.rule_version_enter(
        actor=compliance,
        **version_values(
            effective_from=date(2026, 12, 1), base_days=12, first_extension_limit=25, second_extension_limit=45
        ),
    )
    services.rule_version_approve(version=version, actor=second)
    assert "We decide within 15 days" in client.get("/en/").content.decode()  # not in force yet
    time_machine.move_to(shanghai(2026, 12, 1, 0, 5), tick=False)
    home = client.get("/en/").content.decode()
    assert "We decide within 12 days" in home
    assert "Complex cases up to 25 days, especially complex ones up to 45" in home
    assert "normally 12 days" in client.get("/en/contact/").content.decode()
    assert "within 12 days" in client.get("/en/complaints/new/").content.decode()
    with translation.override("zh-hans"):
        assert "12日内作出处理决定" in client.get("/").content.decode()


def test_the_what_if_gives_the_last_twelve_months_on_time_as_recorded_and_as_the_version_would_judge_it(
    supervisor, handler, compliance, time_machine
):
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    quick, slow = received(supervisor, (2026, 11, 2)), received(supervisor, (2026, 11, 2), phone="13812345679")
    for complaint, day in ((quick, 10), (slow, 14)):
        time_machine.move_to(shanghai(2026, 11, day), tick=False)
        services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
        services.complaint_accept(complaint=complaint, actor=handler)
        services.complaint_decide(
            complaint=complaint,
            actor=handler,
            decision="予以赔付",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["review"],
        )
    time_machine.move_to(shanghai(*TODAY), tick=False)
    rates = services.on_time_rate_under(enter(compliance))  # 10 days instead of 15
    assert (rates["total"], rates["recorded"], rates["would_be"]) == (2, 2, 1)
    assert rates["would_be_rate"] == 0.5
