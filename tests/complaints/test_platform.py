"""Cases transferred by the national complaint platform (金融消费者保护服务平台): the platform's reference (required,
unique, searchable), its reply date under the one rule of the forwarded sources, and the report-back to it."""

from datetime import date

import pytest
from django.test import Client

from complaints import queue, services
from complaints.models import Complaint, RuleVersion
from complaints.services import WorkflowError
from complaints.workflow.core import A
from portal import roles

from .factories import frozen_at, register, shanghai

pytestmark = pytest.mark.django_db

_frozen = frozen_at(shanghai(2026, 11, 20, 9), language="en")
LIST = "/en/admin/complaints/complaint/"


def transferred(actor=None, ref="PT2026112000017", **overrides):
    values = {"source": "platform", "platform_ref": ref, "received_at": shanghai(2026, 11, 20, 9)}
    return register(actor, **(values | overrides))


def test_a_platform_case_needs_the_platforms_reference_and_keeps_it_without_a_regulators(handler):
    with pytest.raises(WorkflowError, match="platform's reference"):
        register(handler, source="platform")
    complaint = transferred(handler, ref="  PT2026112000017 ", regulator_ref="京金监投〔2026〕1号")
    assert complaint.platform_ref == "PT2026112000017"
    assert register(handler, platform_ref="PT-ignored").platform_ref == ""  # a direct complaint has none


def test_the_platforms_reply_date_is_the_date_to_meet_when_it_is_earlier_than_the_regulations(handler):
    complaint = transferred(handler, platform_deadline=date(2026, 11, 30))
    assert complaint.statutory_due_date == date(2026, 12, 5)
    assert complaint.due_date == complaint.report_back_due == date(2026, 11, 30)
    assert complaint.regulator_date_rules


def test_the_regulations_limit_is_the_date_to_meet_when_the_platforms_reply_date_is_later(handler):
    complaint = transferred(handler, platform_deadline=date(2026, 12, 20))
    assert complaint.due_date == date(2026, 12, 5)
    assert complaint.report_back_due == date(2026, 12, 20) and not complaint.regulator_date_rules


def test_without_a_reply_date_the_platforms_default_limit_of_the_rules_in_force_counts(handler):
    RuleVersion.objects.filter(effective_from=date(2020, 3, 1)).update(platform_default_days=7)
    complaint = transferred(handler)
    assert complaint.report_back_due == date(2026, 11, 27) == complaint.due_date


def test_a_reply_date_before_receipt_is_refused_with_nothing_saved(handler):
    with pytest.raises(WorkflowError, match="reply date cannot be before"):
        transferred(handler, platform_deadline=date(2026, 11, 19))
    assert not Complaint.objects.exists()


def test_a_platform_reference_is_registered_once_and_only_whoever_may_open_the_first_is_told_its_number(
    handler, supervisor, make_user
):
    first = transferred(supervisor)
    services.complaint_assign(complaint=first, actor=supervisor, handler=handler)
    with pytest.raises(WorkflowError) as told:
        transferred(supervisor, ref="PT2026112000017")
    assert first.tracking_number in str(told.value)
    colleague = make_user("colleague", groups=[roles.COMPLAINT_HANDLER])
    with pytest.raises(WorkflowError) as refused:
        transferred(colleague, ref="PT2026112000017", phone="13900001111")
    assert first.tracking_number not in str(refused.value) and "cannot open" in str(refused.value)
    assert Complaint.objects.count() == 1


def test_the_registration_form_asks_for_the_platforms_reference_and_registers_the_case(supervisor):
    client = Client()
    client.force_login(supervisor)
    form = {
        "channel": "phone",
        "received_at": "2026-11-20T09:00",
        "source": "platform",
        "name": "李四",
        "phone": "13700001234",
        "capacity": "self",
        "language": "zh-hans",
        "category": "claims",
        "description": "平台转来：理赔未答复。",
        "platform_deadline": "2026-11-28",
    }
    refused = client.post(f"{LIST}register/", form)
    assert refused.status_code == 200 and "Give the platform&#x27;s reference" in refused.text
    client.post(f"{LIST}register/", form | {"platform_ref": "PT2026112000099"})
    complaint = Complaint.objects.get(platform_ref="PT2026112000099")
    assert (complaint.source, complaint.due_date) == ("platform", date(2026, 11, 28))


def test_the_report_back_to_the_platform_is_its_own_step_late_after_the_platforms_date(supervisor, time_machine):
    complaint = transferred(supervisor, platform_deadline=date(2026, 11, 25))
    assert services.action_label(complaint, A.REPORT_BACK) == "Report back to the platform"
    time_machine.move_to(shanghai(2026, 11, 26, 10), tick=False)
    complaint = services.complaint_report_back(complaint=complaint, actor=supervisor, reference="答复〔2026〕9号")
    event = complaint.events.get(action=A.REPORT_BACK)
    assert complaint.reported_back_on == date(2026, 11, 26) and event.data["on_time"] is False
    with pytest.raises(WorkflowError):
        services.complaint_report_back(complaint=complaint, actor=supervisor, reference="again")
    direct = register(supervisor, phone="13900002222")
    assert A.REPORT_BACK not in services.allowed_actions(direct)


def test_a_paused_platform_case_is_late_once_the_platforms_date_has_passed(supervisor, time_machine):
    complaint = transferred(supervisor, platform_deadline=date(2026, 11, 24))
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_start(complaint=complaint, actor=supervisor)
    services.complaint_pause(complaint=complaint, actor=supervisor, reason="伤残鉴定")
    time_machine.move_to(shanghai(2026, 11, 26, 10), tick=False)
    services.mark_late_complaints()
    assert Complaint.objects.get(pk=complaint.pk).late_since == date(2026, 11, 25)


@pytest.mark.parametrize("group", (roles.SUPERVISOR, roles.COMPLIANCE_OFFICER))
def test_staff_search_finds_a_complaint_by_the_platforms_reference_like_the_regulators(make_user, group):
    complaint = transferred()
    transferred(ref="PT2026112000018", phone="13900003333")
    client = Client()
    client.force_login(make_user("searcher", groups=[group]))
    page = client.get(LIST, {"q": "PT2026112000017"})
    assert complaint.tracking_number in page.text and page.text.count("field-tracking_number") == 1


def test_the_teams_reply_due_queue_lists_a_platform_case_until_it_is_reported_back(supervisor, time_machine):
    complaint = transferred(supervisor, platform_deadline=date(2026, 11, 22))
    transferred(supervisor, ref="PT2026112000018", phone="13900004444", platform_deadline=date(2026, 11, 30))

    def due_soon():
        row = next(row for row in queue.rows_for(supervisor)["team"] if row.queue.key == "regulator_due_soon")
        return row.count, row.days_left

    assert due_soon() == (1, 2)
    services.complaint_report_back(complaint=complaint, actor=supervisor, reference="答复〔2026〕10号")
    assert due_soon() == (0, None)
