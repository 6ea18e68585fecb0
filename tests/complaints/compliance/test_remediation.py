"""Remediation items and performance figures: who may add and end items, the rules of their fields, the
events they leave; per branch and per handler, the report's own on-time rule and the reviews overturned."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints import services
from complaints.compliance.performance import performance
from complaints.compliance.remediation import remediation_add, remediation_update
from complaints.compliance.reports import Period, complaint_report
from complaints.models import RemediationItem
from portal import roles
from portal.models import Branch
from tests.complaints.factories import frozen_at, register

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


_frozen = frozen_at(NOW)


@pytest.fixture
def people(make_user):
    return {
        "lead": make_user("lead", groups=[roles.SUPERVISOR]),
        "agent": make_user("agent", groups=[roles.COMPLAINT_HANDLER]),
        "other": make_user("other", groups=[roles.COMPLAINT_HANDLER]),
        "officer": make_user("officer", groups=[roles.COMPLIANCE_OFFICER]),
        "editor": make_user("editor", groups=[roles.CONTENT_EDITOR]),
    }


def _complaint(people):
    complaint = register(people["lead"])
    services.complaint_assign(complaint=complaint, actor=people["lead"], handler=people["agent"])
    return complaint


def test_an_item_is_added_by_whoever_works_or_oversees_the_complaint_and_leaves_an_event(people):
    complaint = _complaint(people)
    for who in ("agent", "lead", "officer"):
        remediation_add(
            complaint=complaint, actor=people[who], action="复训", owner=people["officer"], due_date=date(2026, 4, 1)
        )
    for who in ("other", "editor"):
        with pytest.raises(PermissionDenied):
            remediation_add(
                complaint=complaint,
                actor=people[who],
                action="复训",
                owner=people["officer"],
                due_date=date(2026, 4, 1),
            )
    assert complaint.events.filter(action="remediation").count() == 3


def test_an_item_needs_an_action_an_active_staff_owner_and_a_due_date_not_past(people):
    complaint = _complaint(people)
    people["other"].is_active = False
    people["other"].save()
    for action, owner, due in [
        (" ", people["officer"], date(2026, 4, 1)),
        ("复训", people["other"], date(2026, 4, 1)),
        ("复训", people["officer"], date(2026, 3, 9)),
    ]:
        with pytest.raises(ValidationError):
            remediation_add(complaint=complaint, actor=people["lead"], action=action, owner=owner, due_date=due)
    assert not RemediationItem.objects.exists()


def test_ending_an_item_needs_a_closing_note_and_an_ended_item_stays_ended(people):
    complaint = _complaint(people)
    item = remediation_add(
        complaint=complaint,
        actor=people["agent"],
        action="修改话术",
        owner=people["officer"],
        due_date=date(2026, 4, 1),
    )
    with pytest.raises(ValidationError):
        remediation_update(item=item, actor=people["agent"], status="done", closing_note=" ")
    item = remediation_update(item=item, actor=people["agent"], status="done", closing_note="话术已更新")
    assert item.status == "done" and item.closed_at is not None
    with pytest.raises(ValidationError):
        remediation_update(item=item, actor=people["agent"], status="open")
    assert RemediationItem.objects.unfinished().count() == 0


def test_performance_per_branch_and_handler_uses_the_report_on_time_rule_and_counts_overturned_reviews(people):
    branch = Branch.objects.create(name="测试分公司", slug="test-branch", province="北京")
    lead, agent = people["lead"], people["agent"]
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        first = register(lead, branch=branch)
        late = register(lead, branch=branch)
        for complaint in (first, late):
            services.complaint_assign(complaint=complaint, actor=lead, handler=agent)
            services.complaint_accept(complaint=complaint, actor=agent)
        services.complaint_decide(
            complaint=first,
            actor=agent,
            decision="不予支持",
            outcome="not_upheld",
            reliefs=["explanation"],
            remedies=["review"],
        )
        services.complaint_close(complaint=first, actor=agent, cause="service", root_cause="x", responsible_unit="y")
    with time_machine.travel(datetime(2026, 1, 20, 10, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        review = services.complaint_request_review(complaint=first, reason="不服")
        services.complaint_accept(complaint=review, actor=lead)
        services.complaint_decide(
            complaint=review,
            actor=lead,
            decision="改为支持",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["mediation"],
        )
    figures = performance(period=Period(2026, 1))
    row = next(row for row in figures["branches"] if row["label"] == "测试分公司")
    report = complaint_report(period=Period(2026, 1), branch=branch)
    assert (row["handled"], row["closed"], row["on_time"], row["on_time_rate"]) == (
        report["total"],
        report["closed"],
        report["closed_on_time"],
        report["on_time_rate"],
    )
    assert row["handled"] >= 2
    assert (row["reviews_requested"], row["reviews_overturned"]) == (1, 1)
    handler = next(row for row in figures["handlers"] if row["label"] == "agent")
    assert handler["handled"] >= 2 and handler["median_days"] is not None
    assert figures["company"]["handled"] >= 2 and figures["company"]["per_10k_policies"] is None
