"""Mediation: a dispute goes to a mediation body; the company answers within its response limit; a settlement is
approved at the level its amount needs under the authority table compliance keeps with a second approver; the
outcome is recorded, may open a remediation item, and a court's referral ends in judicial confirmation."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from complaints import services
from complaints.compliance.mediation_remediation import mediation_end
from complaints.compliance.reports import Period, complaint_report
from complaints.models import EventAction, MediationOutcome, RemediationItem, StaffAuthority
from portal import roles
from portal.messaging.models import Message

from .factories import register, shanghai

pytestmark = pytest.mark.django_db

MONDAY = shanghai(2026, 3, 2)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False), translation.override("en"):
        yield


@pytest.fixture
def team(make_user):
    team = {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "branch_head": make_user("branch_head", groups=[roles.SUPERVISOR]),
        "head_office": make_user("head_office", groups=[roles.SENIOR_MANAGER]),
        "officer": make_user("officer", groups=[roles.COMPLIANCE_OFFICER]),
        "second_officer": make_user("second_officer", groups=[roles.COMPLIANCE_OFFICER]),
    }
    services.staff_authority_set(actor=team["supervisor"], user=team["branch_head"], level="branch")
    services.staff_authority_set(actor=team["supervisor"], user=team["head_office"], level="head_office")
    return team


@pytest.fixture
def table(team):
    entered = services.settlement_authority_enter(
        actor=team["officer"], effective_from=date(2026, 3, 2), branch_limit="20000", head_office_limit="500000",
        reason="2026年授权表",
    )  # fmt: skip
    return services.settlement_authority_decide(table=entered, actor=team["second_officer"], approve=True)


def _decided(team, **values):
    complaint = register(team["supervisor"], received_at=shanghai(2026, 2, 2), **values)
    services.complaint_assign(complaint=complaint, actor=team["supervisor"], handler=team["handler"])
    services.complaint_accept(complaint=complaint, actor=team["handler"])
    return services.complaint_decide(
        complaint=complaint,
        actor=team["handler"],
        decision="经核查，不予支持。",
        outcome="not_upheld",
        remedies=["review", "mediation"],
        reliefs=["explanation"],
    )


def _mediation(team, origin="complainant", invited_on=date(2026, 3, 2)):
    return services.mediation_open(
        complaint=_decided(team),
        actor=team["handler"],
        origin=origin,
        body_kind="committee",
        body="上海市保险合同纠纷人民调解委员会",
        requested_on=date(2026, 3, 2),
        invited_on=invited_on,
    )


def _answered(team, **kwargs):
    mediation = _mediation(team, **kwargs)
    return services.mediation_respond(mediation=mediation, actor=team["handler"], mediator="李调解员")


def test_a_decided_complaint_goes_to_mediation_with_its_answer_due_three_working_days_after_the_invitation(team):
    mediation = _mediation(team)
    assert mediation.response_due == date(2026, 3, 5)
    event = mediation.complaint.events.get(action=EventAction.MEDIATION_OPENED)
    assert event.actor == team["handler"] and event.data["mediation"] == mediation.pk and event.public


def test_the_response_limit_skips_the_weekend():
    assert services.response_due_on(date(2026, 3, 5)) == date(2026, 3, 10)


def test_an_answer_on_the_last_day_is_on_time_and_the_complainant_is_told(team):
    mediation = _mediation(team)
    with time_machine.travel(shanghai(2026, 3, 5, 17), tick=False):
        mediation = services.mediation_respond(mediation=mediation, actor=team["handler"])
    assert mediation.responded_on_time is True
    assert mediation.complaint.events.get(action=EventAction.MEDIATION_RESPONSE).data["answered_on_time"] is True
    message = Message.objects.about(mediation.complaint).filter(template="complaint.mediation_answered").first()
    assert message is not None and "上海市保险合同纠纷人民调解委员会" in message.text


def test_an_answer_the_day_after_the_limit_counts_as_late(team):
    mediation = _mediation(team)
    with time_machine.travel(shanghai(2026, 3, 6, 9), tick=False):
        mediation = services.mediation_respond(mediation=mediation, actor=team["handler"])
    assert mediation.responded_on_time is False


def test_a_second_mediation_is_refused_while_one_is_open(team):
    mediation = _mediation(team)
    with pytest.raises(services.WorkflowError, match="already under way"):
        services.mediation_open(
            complaint=mediation.complaint,
            actor=team["handler"],
            origin="regulator",
            body_kind="other",
            body="某调解中心",
        )


def test_a_settlement_above_the_branch_limit_is_refused_to_a_branch_approver_and_approved_by_the_head_office(
    team, table
):
    mediation = _answered(team)
    mediation = services.mediation_propose_settlement(mediation=mediation, actor=team["handler"], amount="35000")
    assert mediation.level_needed == "head_office"
    with pytest.raises(services.WorkflowError, match="needs the approval of the Head office"):
        services.mediation_approve_settlement(mediation=mediation, actor=team["branch_head"])
    mediation.refresh_from_db()
    assert mediation.approved_by is None
    mediation = services.mediation_approve_settlement(mediation=mediation, actor=team["head_office"])
    assert mediation.approved_by == team["head_office"]
    assert (
        mediation.complaint.events.get(action=EventAction.SETTLEMENT_APPROVED).data["authority_needed"] == "head_office"
    )


def test_a_settlement_within_the_branch_limit_is_approved_at_branch_level(team, table):
    mediation = services.mediation_propose_settlement(mediation=_answered(team), actor=team["handler"], amount="8000")
    assert mediation.level_needed == "branch"
    assert services.mediation_approve_settlement(mediation=mediation, actor=team["branch_head"]).approved_at


def test_nobody_approves_their_own_proposal_nor_without_a_level(team, table):
    mediation = services.mediation_propose_settlement(mediation=_answered(team), actor=team["handler"], amount="800")
    services.staff_authority_set(actor=team["supervisor"], user=team["handler"], level="head_office")
    with pytest.raises(services.WorkflowError, match="their own proposal"):
        services.mediation_approve_settlement(mediation=mediation, actor=team["handler"])
    with pytest.raises(services.WorkflowError, match="no settlement authority"):
        services.mediation_approve_settlement(mediation=mediation, actor=team["supervisor"])


def test_an_amount_beyond_the_head_office_limit_cannot_be_proposed(team, table):
    with pytest.raises(services.WorkflowError, match="beyond every level"):
        services.mediation_propose_settlement(mediation=_answered(team), actor=team["handler"], amount="600000")


def test_a_settlement_needs_an_approved_authority_table(team):
    with pytest.raises(services.WorkflowError, match="No settlement authority table"):
        services.mediation_propose_settlement(mediation=_answered(team), actor=team["handler"], amount="800")


def test_the_authority_table_counts_only_once_a_second_member_of_compliance_approved_it(team):
    entered = services.settlement_authority_enter(
        actor=team["officer"], effective_from=date(2026, 3, 2), branch_limit="10000", head_office_limit="300000"
    )
    assert services.authority_in_force() is None
    with pytest.raises(services.WorkflowError, match="second member"):
        services.settlement_authority_decide(table=entered, actor=team["officer"], approve=True)
    with pytest.raises(PermissionDenied):
        services.settlement_authority_decide(table=entered, actor=team["supervisor"], approve=True)
    services.settlement_authority_decide(table=entered, actor=team["second_officer"], approve=True)
    assert services.authority_in_force().branch_limit == Decimal("10000.00")


def test_a_table_whose_branch_limit_is_not_below_the_head_offices_is_refused(team):
    with pytest.raises(ValidationError) as refused:
        services.settlement_authority_enter(
            actor=team["officer"], effective_from=date(2026, 4, 1), branch_limit="50000", head_office_limit="50000"
        )
    assert "head_office_limit" in refused.value.message_dict


def test_a_supervisor_sets_a_level_each_change_kept_and_a_handler_may_not(team):
    services.staff_authority_set(actor=team["supervisor"], user=team["branch_head"], level="head_office")
    assert services.staff_level(team["branch_head"]) == "head_office"
    assert StaffAuthority.objects.filter(user=team["branch_head"]).count() == 2
    with pytest.raises(PermissionDenied):
        services.staff_authority_set(actor=team["handler"], user=team["branch_head"], level="")
    with pytest.raises(services.WorkflowError, match="their own"):
        services.staff_authority_set(actor=team["supervisor"], user=team["supervisor"], level="branch")


def test_a_settled_outcome_with_a_recommendation_opens_a_remediation_item_and_tells_the_complainant(team, table):
    mediation = services.mediation_propose_settlement(mediation=_answered(team), actor=team["handler"], amount="5000")
    services.mediation_approve_settlement(mediation=mediation, actor=team["branch_head"])
    mediation = mediation_end(
        mediation=mediation,
        actor=team["supervisor"],
        outcome="settled",
        settled_amount="4500",
        recommendations="理赔时效告知不清，建议修订理赔告知书。",
        remediation_owner=team["supervisor"],
        remediation_due=date(2026, 4, 30),
    )
    assert mediation.outcome == MediationOutcome.SETTLED and mediation.settled_amount == Decimal("4500.00")
    item = RemediationItem.objects.get(complaint=mediation.complaint)
    assert item.action == "理赔时效告知不清，建议修订理赔告知书。" and item.owner == team["supervisor"]
    assert Message.objects.about(mediation.complaint).filter(template="complaint.mediation_ended").exists()


def test_a_settlement_with_more_money_than_was_approved_is_refused(team, table):
    mediation = services.mediation_propose_settlement(mediation=_answered(team), actor=team["handler"], amount="5000")
    with pytest.raises(services.WorkflowError, match="approved settlement"):
        services.mediation_record_outcome(
            mediation=mediation, actor=team["handler"], outcome="settled", settled_amount="5000"
        )


def test_only_a_court_referred_settlement_is_judicially_confirmed_and_not_before_it_was_reached(team):
    mediation = _answered(team, origin="court")
    services.mediation_record_outcome(mediation=mediation, actor=team["handler"], outcome="settled")
    with time_machine.travel(shanghai(2026, 3, 4), tick=False):
        with pytest.raises(services.WorkflowError, match="before it was reached"):
            services.mediation_confirm_judicially(
                mediation=mediation, actor=team["handler"], confirmed_on=date(2026, 3, 1)
            )
        mediation = services.mediation_confirm_judicially(
            mediation=mediation, actor=team["handler"], confirmed_on=date(2026, 3, 3)
        )
    assert mediation.judicially_confirmed_on == date(2026, 3, 3)
    other = _answered(team)
    services.mediation_record_outcome(mediation=other, actor=team["handler"], outcome="settled")
    with pytest.raises(services.WorkflowError, match="referred by a court"):
        services.mediation_confirm_judicially(mediation=other, actor=team["handler"])


def test_a_member_of_staff_named_in_the_complaint_may_not_take_a_mediation_step(team, make_user):
    named = make_user("named", groups=[roles.SUPERVISOR])
    complaint = _decided(team)
    type(complaint).objects.filter(pk=complaint.pk).update(named_employee=named)
    with pytest.raises(PermissionDenied):
        services.mediation_open(
            complaint=complaint, actor=named, origin="complainant", body_kind="other", body="某调解中心"
        )


def test_the_report_counts_the_periods_mediations_answered_on_time_settled_and_the_amount(team, table):
    settled = services.mediation_propose_settlement(mediation=_answered(team), actor=team["handler"], amount="3000")
    services.mediation_approve_settlement(mediation=settled, actor=team["branch_head"])
    services.mediation_record_outcome(
        mediation=settled, actor=team["handler"], outcome="settled", settled_amount="2500.5"
    )
    late = _mediation(team)
    with time_machine.travel(shanghai(2026, 3, 9), tick=False):
        services.mediation_respond(mediation=late, actor=team["handler"])
        services.mediation_record_outcome(mediation=late, actor=team["handler"], outcome="not_settled")
    report = complaint_report(period=Period(2026), today=date(2026, 3, 9))
    assert report["mediation"] == {
        "requested": 2,
        "responded_on_time": 1,
        "settled": 1,
        "settled_amount": "2500.50",
    }
    assert complaint_report(period=Period(2025))["mediation"]["requested"] == 0


def test_the_record_page_takes_a_complaint_to_mediation_and_a_branch_approver_is_refused_above_the_limit(team, table):
    from django.test import Client

    complaint = _decided(team)
    handler = Client()
    handler.force_login(team["handler"])
    record = f"/admin/complaints/complaint/{complaint.pk}/change/"
    assert 'id="mediation-open"' in handler.get(record).text
    opened = handler.post(
        f"/admin/complaints/complaint/{complaint.pk}/mediation/",
        {"origin": "complainant", "body_kind": "committee", "body": "北京保险纠纷调解中心", "mediator": "",
         "requested_on": "2026-03-02", "invited_on": "2026-03-02"},
    )  # fmt: skip
    assert opened.status_code == 302
    mediation = complaint.mediations.get()
    step = f"/admin/complaints/complaint/mediation/{mediation.pk}"
    assert handler.post(f"{step}/respond/", {"responded_on": "2026-03-02", "mediator": "王调解员"}).status_code == 302
    assert handler.post(f"{step}/propose/", {"amount": "30000", "note": ""}).status_code == 302
    branch = Client()
    branch.force_login(team["branch_head"])
    refused = branch.post(f"{step}/approve/", {})
    assert refused.status_code == 409 and "须由总公司级审批" in refused.text
    head = Client()
    head.force_login(team["head_office"])
    assert head.post(f"{step}/approve/", {}).status_code == 302
    ended = handler.post(
        f"{step}/outcome/",
        {
            "outcome": "settled",
            "ended_on": "2026-03-02",
            "settled_amount": "28000",
            "recommendations": "修订理赔告知书",
        },
    )
    assert ended.status_code == 302
    page = handler.get(record).text
    assert "北京保险纠纷调解中心" in page and "30000.00元，须由总公司级审批" in page and "28000.00元" in page
    follow_up = re.search(r'id="mediation-remediation-\d+" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "修订理赔告知书" in handler.get(follow_up).text


def test_the_authority_pages_let_compliance_enter_and_a_second_officer_approve_and_refuse_a_handler(team):
    from django.test import Client

    officer, second, handler = Client(), Client(), Client()
    officer.force_login(team["officer"])
    second.force_login(team["second_officer"])
    handler.force_login(team["handler"])
    url = "/admin/complaints/compliancedashboard/settlement-authority/"
    entered = officer.post(
        url, {"effective_from": "2026-03-02", "branch_limit": "10000", "head_office_limit": "200000", "reason": ""}
    )
    assert entered.status_code == 302
    table = services.authority_in_force() or __import__("complaints.models").models.SettlementAuthority.objects.get()
    officer.post(f"{url}{table.pk}/", {"decision": "approve"})
    assert services.authority_in_force() is None
    second.post(f"{url}{table.pk}/", {"decision": "approve"})
    assert services.authority_in_force().head_office_limit == Decimal("200000.00")
    assert handler.get(url).status_code == 403
    levels = second.get(f"{url}staff/").text
    assert "branch_head" in levels and 'id="level-form"' not in levels


def test_the_workbook_sheet_gives_the_mediations_per_branch_with_a_total(team):
    from complaints.compliance.mediation_figures import mediation_by_branch, mediation_rows
    from portal.models import Branch

    branch = Branch.objects.create(name="湖南分公司", slug="hunan-test", province="湖南")
    complaint = _decided(team, branch=branch)
    services.mediation_respond(
        mediation=services.mediation_open(
            complaint=complaint, actor=team["handler"], origin="platform", body_kind="other", body="某调解中心"
        ),
        actor=team["handler"],
    )
    _answered(team)  # a complaint without a branch
    rows = mediation_rows(mediation_by_branch(Period(2026)))
    assert rows[0][0] == "分支机构" and rows[-1][:4] == ["合计", 2, 2, 0]
    assert {row[0] for row in rows[1:-1]} == {str(branch), "—"}


def test_an_answer_dated_more_than_three_days_back_is_recorded_only_by_a_supervisor(team):
    mediation = _mediation(team)
    with time_machine.travel(shanghai(2026, 3, 9), tick=False):
        with pytest.raises(services.WorkflowError, match="supervisor"):
            services.mediation_respond(mediation=mediation, actor=team["handler"], responded_on=date(2026, 3, 4))
        mediation = services.mediation_respond(
            mediation=mediation, actor=team["supervisor"], responded_on=date(2026, 3, 4)
        )
    assert mediation.responded_on_time is True
