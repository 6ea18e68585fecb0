"""Deadline integrity: a late complaint stays late, extensions are acts of their approvers, the regulator's date
counts, steps carry the day they happened, reviews go to the superior unit, and nobody acts on a complaint
about themselves. Time is frozen in every test (received 2026-11-02: due 2026-11-17)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from complaints import services
from complaints.compliance import exports
from complaints.compliance.importer import complaint_import
from complaints.compliance.reports import Period, complaint_report
from complaints.models import Complaint, ComplaintEvent, ExtensionRequest
from complaints.services import WorkflowError
from portal.actors import is_system_actor
from portal.messaging.models import Message
from portal.models import Branch

from .compliance.files import csv_bytes, row
from .factories import extend, register, shanghai

pytestmark = pytest.mark.django_db

RECEIVED = (2026, 11, 2)
DUE = date(2026, 11, 17)
FORWARDED = {"source": "regulator", "regulator_ref": "京金监投〔2026〕0456号"}


@pytest.fixture(autouse=True)
def _in_english():
    """The staff's messages below are read in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def at(time_machine):
    """at(2026, 11, 20) moves the frozen clock to that day, 10:00 Beijing time."""

    def move(*day, hour=10):
        time_machine.move_to(shanghai(*day, hour), tick=False)

    move(*RECEIVED)
    return move


@pytest.fixture
def working(at, handler, supervisor):
    """A complaint received 2026-11-02, assigned to the handler and accepted."""

    def make(**fields):
        at(*RECEIVED)
        complaint = register(supervisor, **fields)
        services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
        return services.complaint_accept(complaint=complaint, actor=handler)

    return make


def decide(complaint, actor, **extra):
    return services.complaint_decide(
        complaint=complaint,
        actor=actor,
        decision="维持原处理",
        outcome="not_upheld",
        remedies=["review"],
        **{"reliefs": ["explanation"], **extra},
    )


def queued(complaint, template: str) -> list[str]:
    """The texts of the SMS messages `template` queued in the outbox for the complainant, oldest first."""
    messages = Message.objects.about(complaint).filter(channel="sms", template=template).order_by("id")
    return list(messages.values_list("text", flat=True))


def on_time(complaint) -> bool | None:
    return Complaint.objects.with_timeliness().values_list("on_time", flat=True).get(pk=complaint.pk)


# Late stays late.


def test_a_complaint_past_its_limit_is_recorded_late_once_by_the_daily_run(working, at):
    complaint = working()
    at(2026, 11, 17)
    assert services.mark_late_complaints() == []
    at(2026, 11, 18)
    assert services.mark_late_complaints() == [complaint.tracking_number]
    assert services.mark_late_complaints() == []
    complaint.refresh_from_db()
    assert complaint.late_since == date(2026, 11, 18)
    event = complaint.events.get(action="late")
    assert (event.happened_on, event.data["due"], is_system_actor(event.actor), event.public) == (
        date(2026, 11, 18),
        "2026-11-17",
        True,
        False,
    )


def test_an_extension_asked_for_after_the_limit_is_refused_naming_the_day_it_ended(working, at, handler):
    complaint = working()
    at(2026, 11, 20)
    with pytest.raises(WorkflowError) as refused:
        services.complaint_request_extension(complaint=complaint, actor=handler, reason="需要调取录音")
    assert refused.value.code == "limit_passed"
    assert refused.value.messages == ["The time limit ended on 2026-11-17; record the late decision instead."]
    assert not ExtensionRequest.objects.exists()


def test_an_extension_asked_for_in_time_but_not_granted_before_the_limit_lapses_and_the_complaint_is_late(
    working, at, handler, supervisor
):
    complaint = working()
    at(2026, 11, 15)
    request = services.complaint_request_extension(complaint=complaint, actor=handler, reason="需要调取录音")
    at(2026, 11, 18)
    with pytest.raises(WorkflowError) as refused:
        services.extension_grant(request=request, actor=supervisor)
    assert refused.value.code == "limit_passed"
    services.mark_late_complaints()
    request.refresh_from_db()
    complaint.refresh_from_db()
    assert request.status == "lapsed" and complaint.late_since == date(2026, 11, 18)
    assert (complaint.due_date, complaint.extensions) == (DUE, 0)
    decide(complaint, handler)
    assert on_time(complaint) is False


def test_a_pause_after_the_limit_is_refused_even_dated_back_before_it(working, at, handler, supervisor):
    complaint = working()
    at(2026, 11, 18)
    with pytest.raises(WorkflowError) as refused:
        services.complaint_pause(complaint=complaint, actor=handler, reason="伤残鉴定")
    assert refused.value.code == "limit_passed"
    with pytest.raises(WorkflowError) as backdated:
        services.complaint_pause(
            complaint=complaint, actor=supervisor, reason="伤残鉴定", started_on=date(2026, 11, 16)
        )
    assert backdated.value.code == "limit_passed"
    assert Complaint.objects.get(pk=complaint.pk).status == "accepted"


def test_new_facts_after_the_limit_give_a_new_date_but_the_complaint_stays_late(working, at, handler):
    complaint = working()
    at(2026, 11, 20)
    complaint = services.complaint_restart(complaint=complaint, actor=handler, note="提交了新的病历")
    assert complaint.due_date == date(2026, 12, 5) and complaint.late_since == date(2026, 11, 18)
    assert Complaint.objects.overdue(date(2026, 11, 21)).filter(pk=complaint.pk).exists()
    assert not Complaint.objects.due_soon(date(2026, 12, 3)).filter(pk=complaint.pk).exists()
    at(2026, 11, 25)
    decide(complaint, handler)
    assert on_time(complaint) is False


def test_new_facts_within_the_limit_restart_the_clock_and_a_decision_in_the_new_period_is_on_time(working, at, handler):
    complaint = working()
    at(2026, 11, 10)
    services.complaint_restart(complaint=complaint, actor=handler, note="提交了新的病历")
    at(2026, 11, 24)
    complaint = decide(complaint, handler)
    assert complaint.late_since is None and on_time(complaint) is True


def test_a_repeat_merged_after_its_limit_ends_late_and_the_original_keeps_its_clock_and_takes_its_lateness(
    working, at, handler, supervisor, senior
):
    original = working()
    at(2026, 11, 10)
    original = extend(original, requester=handler, approver=supervisor)
    repeat = register(supervisor, channel="email", received_at=shanghai(2026, 11, 3))
    at(2026, 11, 20)
    repeat = services.complaint_merge(complaint=repeat, into=original, actor=supervisor, note="同一事项")
    original.refresh_from_db()
    assert repeat.status == "merged" and repeat.late_since == date(2026, 11, 19) and on_time(repeat) is False
    # The surviving complaint keeps the lateness (issue 27: a merge never takes a late case off the ladder).
    assert original.late_since == date(2026, 11, 19) and original.due_date == date(2026, 12, 2)


def test_a_complaint_is_never_merged_into_a_later_one(working, at, supervisor):
    late = working()
    at(2026, 11, 20)
    fresh = register(supervisor, channel="email")
    with pytest.raises(WorkflowError) as refused:
        services.complaint_merge(complaint=late, into=fresh, actor=supervisor)
    assert refused.value.code == "merge_later"


def test_a_complaint_reopened_after_its_limit_is_late_from_the_day_it_was_reopened(working, at, handler):
    complaint = working()
    at(2026, 11, 10)
    complaint = decide(complaint, handler)
    assert on_time(complaint) is True
    at(2026, 11, 25)
    complaint = services.complaint_reopen(complaint=complaint, actor=handler, reason="决定有误")
    assert complaint.late_since == date(2026, 11, 25)
    at(2026, 11, 26)
    complaint = decide(complaint, handler)
    assert on_time(complaint) is False


def test_a_complaint_reopened_within_its_limit_keeps_its_clock(working, at, handler):
    complaint = working()
    at(2026, 11, 5)
    decide(complaint, handler)
    at(2026, 11, 10)
    complaint = services.complaint_reopen(complaint=complaint, actor=handler, reason="决定有误")
    assert complaint.late_since is None and complaint.due_date == DUE
    at(2026, 11, 16)
    assert on_time(decide(complaint, handler)) is True


def test_a_closed_complaint_imported_with_dates_past_its_limit_is_late_like_one_worked_in_the_portal(
    working, at, handler
):
    at(2026, 11, 30)
    complaint_import(
        data=csv_bytes(
            [
                row(received="2026-11-02 10:00", closed="2026-11-12", name="准时"),
                row(received="2026-11-02 10:00", closed="2026-11-22", name="逾期"),
            ]
        )
    )
    imported_on_time = Complaint.objects.get(name="准时")
    imported_late = Complaint.objects.get(name="逾期")
    worked = working(name="门户")
    at(2026, 11, 22)
    worked = decide(worked, handler)
    assert imported_late.late_since == worked.late_since == date(2026, 11, 18)
    assert imported_on_time.late_since is None
    assert (on_time(imported_on_time), on_time(imported_late), on_time(worked)) == (True, False, False)
    assert imported_late.events.filter(action="late").get().happened_on == date(2026, 11, 18)


def test_the_yearly_report_counts_late_on_time_extended_in_time_and_extended_too_late_complaints_right(
    make_user, time_machine, demo
):
    handler = make_user("h", groups=["Complaint handler"])
    supervisor = make_user("s", groups=["Supervisor"])

    def step(day, action):
        time_machine.move_to(shanghai(2025, 3, day), tick=False)
        return action()

    made = {}
    for name in ("on time", "late", "extended in time", "extended too late", "restarted late", "paused in time"):
        made[name] = step(1, lambda name=name: register(supervisor, received_at=shanghai(2025, 3, 1), name=name))
        services.complaint_assign(complaint=made[name], actor=supervisor, handler=handler)
        services.complaint_accept(complaint=made[name], actor=handler)
    step(12, lambda: decide(made["on time"], handler))
    step(20, lambda: decide(made["late"], handler))
    step(10, lambda: extend(made["extended in time"], requester=handler, approver=supervisor))
    step(25, lambda: decide(made["extended in time"], handler))  # day 24 of 30
    request = step(
        14, lambda: services.complaint_request_extension(complaint=made["extended too late"], actor=handler, reason="x")
    )
    with pytest.raises(WorkflowError):
        step(17, lambda: services.extension_grant(request=request, actor=supervisor))
    step(25, lambda: decide(made["extended too late"], handler))
    step(20, lambda: services.complaint_restart(complaint=made["restarted late"], actor=handler, note="新证据"))
    step(22, lambda: decide(made["restarted late"], handler))
    step(5, lambda: services.complaint_pause(complaint=made["paused in time"], actor=handler, reason="鉴定"))
    step(15, lambda: services.complaint_resume(complaint=made["paused in time"], actor=handler))
    step(22, lambda: decide(made["paused in time"], handler))  # due 03-26 after 10 days paused
    report = complaint_report(period=Period(2025), today=date(2026, 1, 10))
    assert (report["total"], report["closed"], report["closed_on_time"]) == (6, 6, 3)
    assert report["on_time_rate"] == 0.5
    assert report["open"] == 0 and report["overdue"] == 0
    timeliness = dict(Complaint.objects.with_timeliness().values_list("name", "on_time"))
    assert timeliness == {
        "on time": True,
        "late": False,
        "extended in time": True,
        "extended too late": False,
        "restarted late": False,
        "paused in time": True,
    }


def test_the_export_says_whether_each_complaint_was_closed_on_time(working, at, handler, tmp_path):
    late, fine, still_open = working(name="迟到"), working(name="准时"), working(name="在办")
    at(2026, 11, 10)
    decide(fine, handler)
    at(2026, 11, 20)
    decide(late, handler)
    rows = list(exports.export_rows(Complaint.objects.all(), masked=False))
    header = rows[0]
    by_name = {row[header.index("姓名")]: row for row in rows[1:]}
    # Days are date cells (text in CSV, rows.csv_cells), and nothing for none.
    assert (by_name["迟到"][header.index("按时办结")], by_name["迟到"][header.index("逾期日期")]) == (
        "否",
        date(2026, 11, 18),
    )
    assert (by_name["准时"][header.index("按时办结")], by_name["准时"][header.index("逾期日期")]) == ("是", None)
    assert by_name["在办"][header.index("按时办结")] == ""
    assert still_open.pk


# Approvals are acts of the approver.


def test_nothing_moves_until_the_grant_and_the_complainant_is_told_the_reason_after_it(
    working, at, handler, supervisor
):
    complaint = working()
    at(2026, 11, 10)
    request = services.complaint_request_extension(complaint=complaint, actor=handler, reason="需要调取双录录音")
    complaint.refresh_from_db()
    assert (complaint.due_date, complaint.extensions, queued(complaint, "complaint.extended")) == (DUE, 0, [])
    assert complaint.events.get(action="request_extension").public is False
    at(2026, 11, 12)
    complaint = services.extension_grant(request=request, actor=supervisor)
    assert (complaint.due_date, complaint.extensions) == (date(2026, 12, 2), 1)
    # Queued in the outbox with the grant, in the complainant's language: the reason and the new date.
    told = queued(complaint, "complaint.extended")
    assert len(told) == 1 and "需要调取双录录音" in told[0] and "2026年12月2日" in told[0]
    event = complaint.events.get(action="extend")
    assert (event.actor, event.data["requested_by"], event.data["approved_by"], event.public) == (
        supervisor,
        "handler",
        "supervisor",
        True,
    )
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("granted", supervisor)


def test_nobody_grants_an_extension_they_asked_for_and_a_handler_grants_none(working, at, handler, supervisor):
    complaint = working()
    services.complaint_assign(complaint=complaint, actor=supervisor, handler=supervisor)
    own = services.complaint_request_extension(complaint=complaint, actor=supervisor, reason="复杂")
    with pytest.raises(PermissionDenied):
        services.extension_grant(request=own, actor=supervisor)
    with pytest.raises(PermissionDenied):
        services.extension_grant(request=own, actor=handler)
    assert not services.can_decide_extension(supervisor, own) and not services.can_decide_extension(handler, own)
    assert Complaint.objects.get(pk=complaint.pk).extensions == 0


def test_the_second_extension_is_granted_by_a_senior_manager_only(working, at, handler, supervisor, senior):
    complaint = working()
    at(2026, 11, 10)
    complaint = extend(complaint, requester=handler, approver=supervisor)
    at(2026, 11, 28)
    second = services.complaint_request_extension(complaint=complaint, actor=handler, reason="情况特别复杂")
    assert second.number == 2
    with pytest.raises(PermissionDenied, match="senior manager"):
        services.extension_grant(request=second, actor=supervisor)
    complaint = services.extension_grant(request=second, actor=senior)
    assert (complaint.due_date, complaint.extensions) == (date(2027, 1, 1), 2)


def test_an_extension_adds_only_the_days_asked_for_and_never_more_than_the_rule_allows(
    working, at, handler, supervisor, senior
):
    complaint = working()
    at(2026, 11, 5)
    with pytest.raises(WorkflowError) as too_long:
        services.complaint_request_extension(complaint=complaint, actor=handler, reason="复杂", days=16)
    assert too_long.value.code == "extension_days"
    complaint = extend(complaint, requester=handler, approver=supervisor, days=10)
    assert complaint.due_date == date(2026, 11, 27)  # 25 days
    assert services.extension_days_available(complaint) == 30  # a further 30, and 55 < 60
    complaint = extend(complaint, requester=handler, approver=senior, days=30)
    assert complaint.due_date == date(2026, 12, 27) and services.extension_days_available(complaint) == 0


def test_a_refusal_says_why_and_leaves_the_limit_where_it_was(working, at, handler, supervisor):
    complaint = working()
    at(2026, 11, 10)
    request = services.complaint_request_extension(complaint=complaint, actor=handler, reason="复杂")
    with pytest.raises(WorkflowError):
        services.complaint_request_extension(complaint=complaint, actor=handler, reason="再次")
    with pytest.raises(WorkflowError):
        services.extension_refuse(request=request, actor=supervisor, note=" ")
    request = services.extension_refuse(request=request, actor=supervisor, note="材料已齐,不需延期")
    complaint.refresh_from_db()
    assert request.status == "refused" and complaint.due_date == DUE
    assert complaint.events.get(action="refuse_extension").note == "材料已齐,不需延期"
    with pytest.raises(WorkflowError):
        services.extension_grant(request=request, actor=supervisor)
    assert services.complaint_request_extension(complaint=complaint, actor=handler, reason="又有新情况").number == 1


def test_a_request_still_waiting_when_the_complaint_is_decided_lapses(working, at, handler):
    complaint = working()
    at(2026, 11, 10)
    request = services.complaint_request_extension(complaint=complaint, actor=handler, reason="复杂")
    decide(complaint, handler)
    request.refresh_from_db()
    assert request.status == "lapsed"


def test_the_approvers_list_shows_waiting_requests_with_a_decide_button_only_to_those_who_may(
    working, at, handler, supervisor, senior, demo
):
    complaint = working()
    at(2026, 11, 10)
    request = services.complaint_request_extension(complaint=complaint, actor=handler, reason="复杂")
    url = "/en/admin/complaints/extensionrequest/"
    for user, may in ((supervisor, True), (senior, True), (handler, False)):
        client = Client()
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and complaint.tracking_number in page.text
        assert (f'data-request="{request.pk}"' in page.text) is may, user
    client = Client()
    client.force_login(supervisor)
    refused = client.post(f"{url}{request.pk}/decide/", {"decision": "refuse", "note": ""})
    assert refused.status_code == 200 and "Say why the extension is refused." in refused.text
    at(2026, 11, 18)
    client.force_login(supervisor)  # a new day, a new sign-in
    too_late = client.post(f"{url}{request.pk}/decide/", {"decision": "grant", "note": ""})
    assert "The time limit ended on 2026-11-17; record the late decision instead." in too_late.text
    complaint.refresh_from_db()
    request.refresh_from_db()
    assert complaint.late_since == date(2026, 11, 18) and request.status == "lapsed"


# The earliest deadline rules.


def test_the_regulators_earlier_deadline_is_the_due_date_of_lists_filters_messages_and_reports(working, at, handler):
    complaint = working(**FORWARDED, regulator_deadline=date(2026, 11, 8))
    assert (complaint.due_date, complaint.statutory_due_date) == (date(2026, 11, 8), DUE)
    assert complaint.regulator_date_rules
    assert "2026年11月8日" in queued(complaint, "complaint.received")[0]
    assert "2026年11月8日" in queued(complaint, "complaint.accepted")[0]
    assert Complaint.objects.due_soon(date(2026, 11, 6)).filter(pk=complaint.pk).exists()
    assert Complaint.objects.overdue(date(2026, 11, 9)).filter(pk=complaint.pk).exists()
    at(2026, 11, 10)
    decide(complaint, handler)
    report = complaint_report(period=Period(2026), today=date(2026, 11, 30))
    assert report["closed_on_time"] == 0
    assert report["regulator_forwarded"]["closed"] == 1 and report["regulator_forwarded"]["on_time_rate"] == 0.0


def test_a_regulators_deadline_later_than_the_regulations_leaves_the_15_days(working):
    complaint = working(**FORWARDED, regulator_deadline=date(2026, 11, 30))
    assert complaint.due_date == DUE and not complaint.regulator_date_rules


def test_an_extension_moves_the_regulations_date_but_not_the_regulators(working, at, handler, supervisor):
    complaint = working(**FORWARDED, regulator_deadline=date(2026, 11, 20))
    at(2026, 11, 10)
    complaint = extend(complaint, requester=handler, approver=supervisor)
    assert (complaint.statutory_due_date, complaint.due_date) == (date(2026, 12, 2), date(2026, 11, 20))


def test_the_regulators_date_passes_even_while_the_clock_is_paused(working, at, handler):
    complaint = working(**FORWARDED, regulator_deadline=date(2026, 11, 12))
    at(2026, 11, 5)
    services.complaint_pause(complaint=complaint, actor=handler, reason="伤残鉴定")
    at(2026, 11, 13)
    assert Complaint.objects.overdue(date(2026, 11, 13)).filter(pk=complaint.pk).exists()
    assert services.mark_late_complaints() == [complaint.tracking_number]
    assert Complaint.objects.get(pk=complaint.pk).late_since == date(2026, 11, 13)


def test_the_report_back_to_the_regulator_is_due_by_its_date_and_counted_in_the_report(
    working, at, handler, supervisor
):
    prompt = working(**FORWARDED, regulator_deadline=date(2026, 11, 12))
    slow = working(**{**FORWARDED, "regulator_ref": "京金监投〔2026〕0457号"}, regulator_deadline=date(2026, 11, 12))
    own = working()
    at(2026, 11, 9)
    decide(prompt, handler)
    decide(slow, handler)
    prompt = services.complaint_report_back(complaint=prompt, actor=handler, reference="小康消保〔2026〕8号")
    assert (prompt.reported_back_on, prompt.report_back_ref) == (date(2026, 11, 9), "小康消保〔2026〕8号")
    at(2026, 11, 14)
    services.complaint_report_back(complaint=slow, actor=handler, reference="小康消保〔2026〕9号")
    with pytest.raises(WorkflowError) as twice:
        services.complaint_report_back(complaint=slow, actor=handler, reference="again")
    assert twice.value.code == "reported"
    with pytest.raises(WorkflowError) as not_forwarded:
        services.complaint_report_back(complaint=own, actor=handler, reference="x")
    assert not_forwarded.value.code == "not_forwarded"
    figures = complaint_report(period=Period(2026), today=date(2026, 11, 30))["regulator_forwarded"]
    assert figures == {
        "total": 2,
        "closed": 2,
        "closed_on_time": 2,
        "on_time_rate": 1.0,
        "reported_back": 2,
        "reported_back_on_time": 1,
    }


def test_the_record_shows_both_dates_and_the_report_back(working, demo, supervisor):
    complaint = working(**FORWARDED, regulator_deadline=date(2026, 11, 8))
    client = Client()
    client.force_login(supervisor)
    page = client.get(f"/en/admin/complaints/complaint/{complaint.pk}/change/").text
    assert 'id="due-effective">2026-11-08<' in page and 'id="due-statutory">2026-11-17' in page
    assert 'id="due-regulator">2026-11-08' in page and "Due by 2026-11-08" in page


# Steps carry the day they happened.


def test_a_pause_and_a_resumption_take_the_days_the_appraisal_began_and_ended(working, at, handler):
    complaint = working()
    at(2026, 11, 6)
    services.complaint_pause(complaint=complaint, actor=handler, reason="伤残鉴定", started_on=date(2026, 11, 4))
    at(2026, 11, 12)
    complaint = services.complaint_resume(complaint=complaint, actor=handler, ended_on=date(2026, 11, 10))
    assert complaint.due_date == date(2026, 11, 23)  # six days paused
    pause = complaint.events.get(action="pause")
    assert (pause.happened_on, pause.at.date(), pause.dated_earlier) == (date(2026, 11, 4), date(2026, 11, 6), True)


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2026, 11, 11), "date_future"),
        (date(2026, 11, 1), "date_before_receipt"),
        (date(2026, 11, 5), "date_before_previous"),
    ],
)
def test_a_step_is_never_dated_in_the_future_before_receipt_or_before_the_clocks_previous_step(
    working, at, supervisor, day, code
):
    complaint = working()
    at(2026, 11, 6)
    services.complaint_pause(complaint=complaint, actor=supervisor, reason="鉴定")
    at(2026, 11, 10)
    with pytest.raises(WorkflowError) as refused:
        services.complaint_resume(complaint=complaint, actor=supervisor, ended_on=day)
    assert refused.value.code == code


def test_a_date_more_than_3_days_back_needs_a_supervisor(working, at, handler, supervisor):
    complaint = working()
    at(2026, 11, 12)
    with pytest.raises(WorkflowError) as refused:
        services.complaint_withdraw(complaint=complaint, actor=handler, received_on=date(2026, 11, 8))
    assert refused.value.code == "date_needs_supervisor"
    assert refused.value.messages == ["A date more than 3 days back must be recorded by a supervisor."]
    complaint = services.complaint_withdraw(complaint=complaint, actor=supervisor, received_on=date(2026, 11, 8))
    assert complaint.ended_on == date(2026, 11, 8)
    event = complaint.events.get(action="withdraw")
    assert (event.happened_on, event.at.date()) == (date(2026, 11, 8), date(2026, 11, 12))


def test_a_handler_may_date_a_withdrawal_up_to_3_days_back(working, at, handler):
    complaint = working()
    at(2026, 11, 12)
    complaint = services.complaint_withdraw(complaint=complaint, actor=handler, received_on=date(2026, 11, 9))
    assert complaint.status == "withdrawn" and complaint.ended_on == date(2026, 11, 9)


def test_the_review_window_counts_from_the_day_the_complainant_received_the_decision(working, at, handler):
    complaint = working()
    at(2026, 11, 10)
    complaint = decide(complaint, handler)
    assert complaint.decision_delivered_on == date(2026, 11, 10)
    at(2026, 11, 14)
    complaint = services.complaint_record_delivery(complaint=complaint, actor=handler, delivered_on=date(2026, 11, 13))
    assert services.review_window_ends(complaint) == date(2026, 12, 13)
    at(2026, 12, 13, hour=20)
    review = services.complaint_request_review(complaint=complaint, reason="不同意")
    assert review.review_of == complaint


def test_a_delivery_is_never_dated_before_the_decision(working, at, handler):
    complaint = working()
    at(2026, 11, 10)
    complaint = decide(complaint, handler)
    with pytest.raises(WorkflowError) as refused:
        services.complaint_record_delivery(complaint=complaint, actor=handler, delivered_on=date(2026, 11, 9))
    assert refused.value.code == "date_before_previous"


# Review by the superior unit.


def test_a_review_goes_to_the_superior_unit_of_the_branch_that_decided(working, at, handler, demo):
    head_office = Branch.objects.get(slug="head-office")
    for slug, unit in (("beijing", head_office), ("head-office", head_office), (None, head_office)):
        complaint = working(branch=Branch.objects.get(slug=slug) if slug else None, phone="13700001111")
        at(2026, 11, 10)
        decide(complaint, handler)
        review = services.complaint_request_review(complaint=complaint, reason="不同意")
        assert review.branch == unit, slug


def test_the_review_has_its_own_limit_from_the_setting_and_is_not_extended(working, at, handler, supervisor, settings):
    settings.PORTAL_REVIEW_LIMIT_DAYS = 20
    complaint = working()
    at(2026, 11, 10)
    decide(complaint, handler)
    review = services.complaint_request_review(complaint=complaint, reason="不同意")
    assert review.due_date == date(2026, 11, 30)
    services.complaint_assign(complaint=review, actor=supervisor, handler=supervisor)
    services.complaint_accept(complaint=review, actor=supervisor)
    with pytest.raises(WorkflowError) as refused:
        services.complaint_request_extension(complaint=review, actor=supervisor, reason="x")
    assert refused.value.code == "review"


def test_whoever_decided_the_original_neither_gets_nor_takes_a_step_on_the_review(working, at, handler, supervisor):
    complaint = working()
    at(2026, 11, 10)
    decide(complaint, handler)
    review = services.complaint_request_review(complaint=complaint, reason="不同意")
    with pytest.raises(WorkflowError) as refused:
        services.complaint_assign(complaint=review, actor=supervisor, handler=handler)
    assert refused.value.code == "conflict"
    services.complaint_assign(complaint=review, actor=supervisor, handler=supervisor)
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=review, actor=handler)
    assert not services.can_act(handler, review, "accept")


# Conflict of interest at every step.


def test_a_staff_member_named_in_a_complaint_takes_no_step_on_it_or_its_reviews_whatever_their_role(
    working, at, handler, supervisor, make_user, demo
):
    root = make_user("root", superuser=True)
    complaint = working(named_employee=root)
    for action in services.allowed_actions(complaint):
        assert not services.can_act(root, complaint, action), action
    with pytest.raises(PermissionDenied):
        services.complaint_start(complaint=complaint, actor=root)
    at(2026, 11, 5)
    request = services.complaint_request_extension(complaint=complaint, actor=handler, reason="复杂")
    with pytest.raises(PermissionDenied):
        services.extension_grant(request=request, actor=root)
    services.extension_refuse(request=request, actor=supervisor, note="不需要")
    decide(complaint, handler)
    review = services.complaint_request_review(complaint=complaint, reason="不同意")
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=review, actor=root)
    client = Client()
    client.force_login(root)
    page = client.get(f"/en/admin/complaints/complaint/{review.pk}/change/").text
    assert 'id="conflict-note"' in page and "data-action=" not in page
    assert client.get(f"/en/admin/complaints/complaint/{review.pk}/do/accept/").status_code == 403
    assert not ComplaintEvent.objects.filter(actor=root).exists()


def test_nobody_registers_corrects_or_holds_a_complaint_about_themselves(working, supervisor, make_user):
    with pytest.raises(WorkflowError) as refused:
        register(supervisor, named_employee=supervisor)
    assert refused.value.code == "conflict"
    named = make_user("named", groups=["Supervisor", "Compliance officer"])
    complaint = working(named_employee=named)
    with pytest.raises(PermissionDenied):
        services.complaint_correct(complaint=complaint, actor=named, changes={"category": "sales"})
    with pytest.raises(PermissionDenied):
        services.complaint_set_legal_hold(complaint=complaint, actor=named, hold=True, reason="诉讼")
    assert Complaint.objects.get(pk=complaint.pk).legal_hold is False
