"""Agents and partners (lists, import, naming them on a complaint, warnings, figures) and systemic issues
(warning dispositions, affected customers, closing only when everyone is settled)."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from complaints import services
from complaints.compliance import alerts, sellers, systemic
from complaints.compliance.reports import Period, received_in
from complaints.models import (
    AffectedCustomer,
    ComplaintEvent,
    EventAction,
    Partner,
    RemediationItem,
    SalesAgent,
    SystemicEvent,
    SystemicIssue,
)
from portal import roles
from portal.tabular import ImportRefused
from tests.complaints.factories import register, shanghai

pytestmark = pytest.mark.django_db

NOW = shanghai(2026, 6, 30, 10)
AGENTS_CSV = "工号,姓名,团队,在职\nA1001,王芳,一部,是\nA1002,李强,二部,是\n".encode()


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def second_officer(make_user):
    return make_user("compliance2", groups=[roles.COMPLIANCE_OFFICER])


@pytest.fixture
def agent(compliance):
    sellers.sellers_import(actor=compliance, data=AGENTS_CSV, name="agents.csv", kind="agents")
    return SalesAgent.objects.get(code="A1001")


def _named_complaints(actor, agent, count, *, days_ago=0):
    complaints = []
    for index in range(count):
        complaint = register(received_at=NOW - timedelta(days=days_ago, hours=index), phone=f"1391234{index:04d}")
        complaints.append(services.complaint_name_seller(complaint=complaint, actor=actor, sales_agent=agent))
    return complaints


def _warning_for(code):
    return next(w for w in alerts.warnings_for(NOW.date()) if w.kind == "seller" and w.value == code)


def test_an_agents_file_is_imported_and_a_second_import_updates_the_same_codes(compliance):
    assert sellers.sellers_import(actor=compliance, data=AGENTS_CSV, name="a.csv", kind="agents") == (2, 0)
    again = "工号,姓名,团队,在职\nA1001,王芳,三部,否\n".encode()
    assert sellers.sellers_import(actor=compliance, data=again, name="a.csv", kind="agents") == (0, 1)
    agent = SalesAgent.objects.get(code="A1001")
    assert (agent.unit, agent.is_active) == ("三部", False)


def test_a_file_with_bad_rows_is_refused_whole_naming_each_row(compliance):
    bad = "编码,名称,类型,机构\nP1,某银行网点,银行网点,\nP2,,中介,\nP1,重复,中介,\nP3,某代理公司,保险公司,\nP4,x,中介,火星分公司\n"
    with pytest.raises(ImportRefused) as refused:
        sellers.sellers_import(actor=compliance, data=bad.encode(), name="p.csv", kind="partners")
    problems = [(problem.row, problem.column) for problem in refused.value.problems]
    assert problems == [(3, "name"), (4, "code"), (5, "kind"), (6, "branch")]
    with translation.override("zh-hans"):
        assert str(refused.value.problems[0]).startswith("第 3 行")
    assert Partner.objects.count() == 0


def test_a_handler_may_not_import_the_agents_list(handler):
    with pytest.raises(PermissionDenied):
        sellers.sellers_import(actor=handler, data=AGENTS_CSV, name="a.csv", kind="agents")


def test_naming_an_agent_on_a_complaint_leaves_an_event_with_the_codes(supervisor, agent):
    complaint = services.complaint_name_seller(complaint=register(), actor=supervisor, sales_agent=agent)
    event = ComplaintEvent.objects.filter(complaint=complaint, action=EventAction.RECLASSIFY).get()
    assert event.data["changes"] == {"sales_agent": ["", "A1001"]}
    assert complaint.sales_agent == agent


def test_an_inactive_agent_cannot_be_newly_named(supervisor, agent):
    agent.is_active = False
    agent.save()
    with pytest.raises(ValidationError):
        services.complaint_name_seller(complaint=register(), actor=supervisor, sales_agent=agent)


def test_three_complaints_naming_one_agent_within_thirty_days_raise_an_agent_warning(supervisor, agent):
    _named_complaints(supervisor, agent, 2, days_ago=1)
    assert not [w for w in alerts.warnings_for(NOW.date()) if w.kind == "seller"]
    _named_complaints(supervisor, agent, 1)
    warning = _warning_for("A1001")
    assert (warning.dimension, warning.count, warning.period) == ("agent", 3, "30d")
    assert alerts.value_label("agent", "A1001") == "A1001 王芳"


def test_complaints_named_more_than_thirty_days_ago_do_not_count_for_the_agent_warning(supervisor, agent):
    _named_complaints(supervisor, agent, 2, days_ago=31)
    _named_complaints(supervisor, agent, 2)
    assert not [w for w in alerts.warnings_for(NOW.date()) if w.kind == "seller"]


def test_the_figures_count_complaints_per_agent_in_the_period(supervisor, agent):
    _named_complaints(supervisor, agent, 3)
    register(received_at=NOW)
    figures = sellers.seller_figures(received_in(Period(2026)))
    assert figures["naming_agent"] == 3
    assert figures["agents"] == [{"code": "A1001", "name": "王芳", "complaints": 3, "sales": 0, "upheld": 0}]


def test_a_dismissed_warning_needs_a_reason_and_shows_in_the_json(compliance, supervisor, agent):
    _named_complaints(supervisor, agent, 3)
    warning = _warning_for("A1001")
    with pytest.raises(ValidationError):
        systemic.warning_dispose(warning=warning, actor=compliance, outcome="dismissed")
    systemic.warning_dispose(warning=warning, actor=compliance, outcome="dismissed", reason="同一保单的重复来电")
    out = StringIO()
    call_command("complaint_alerts", "--as-of", NOW.date().isoformat(), stdout=out)
    row = next(row for row in json.loads(out.getvalue()) if row["kind"] == "seller")
    assert row["disposition"]["outcome"] == "dismissed"
    assert row["disposition"]["reason"] == "同一保单的重复来电"
    assert {"kind", "dimension", "value", "period", "count", "baseline", "score", "label"} <= set(row)
    assert SystemicEvent.objects.filter(warning_key=warning.key, action="dispose").exists()


def test_a_warning_without_a_disposition_has_a_null_disposition_in_the_json(supervisor, agent):
    _named_complaints(supervisor, agent, 3)
    out = StringIO()
    call_command("complaint_alerts", "--as-of", NOW.date().isoformat(), stdout=out)
    assert [row["disposition"] for row in json.loads(out.getvalue())] == [None]


def test_a_supervisor_may_not_dispose_of_a_warning(supervisor, agent):
    _named_complaints(supervisor, agent, 3)
    with pytest.raises(PermissionDenied):
        systemic.warning_dispose(warning=_warning_for("A1001"), actor=supervisor, outcome="looked_into")


def test_opening_an_issue_from_a_warning_links_its_complaints(compliance, supervisor, agent):
    complaints = _named_complaints(supervisor, agent, 3)
    disposition = systemic.warning_dispose(
        warning=_warning_for("A1001"), actor=compliance, outcome="issue_opened", title="王芳销售误导"
    )
    issue = disposition.issue
    assert issue.reference == "SI-2026-001"
    assert set(issue.complaints.all()) == set(complaints)


def _issue_with_three_customers(actor):
    issue = systemic.issue_open(actor=actor, title="犹豫期退保被拒", description="柜面错误拒绝犹豫期内退保。")
    for index in range(3):
        systemic.affected_add(issue=issue, actor=actor, name=f"客户{index}", policy_number=f"P-00{index}")
    return issue


def test_an_issue_with_three_affected_customers_closes_only_when_all_three_are_settled(compliance):
    issue = _issue_with_three_customers(compliance)
    customers = list(issue.affected.all())
    for customer in customers[:2]:
        systemic.affected_update(customer=customer, actor=compliance, remedy="settled", amount="1200")
        with pytest.raises(ValidationError):
            systemic.issue_close(issue=issue, actor=compliance)
        assert SystemicIssue.objects.get(pk=issue.pk).status == "open"
    systemic.affected_update(customer=customers[2], actor=compliance, remedy="settled", amount="800")
    closed = systemic.issue_close(issue=issue, actor=compliance, note="三位客户均已退还保费。")
    assert closed.status == "closed"
    assert SystemicEvent.objects.filter(issue=issue, action="close").exists()


def test_an_issue_with_an_unreachable_customer_closes_only_when_a_second_officer_confirms_the_reason(
    compliance, second_officer
):
    issue = _issue_with_three_customers(compliance)
    first, second, third = issue.affected.all()
    for customer in (first, second):
        systemic.affected_update(customer=customer, actor=compliance, remedy="settled", amount="0")
    systemic.affected_update(customer=third, actor=compliance, remedy="not_reachable")
    asked = systemic.issue_close(issue=issue, actor=compliance, reason="三次挂号信均被退回。")
    assert asked.status == "open"
    with pytest.raises(ValidationError):
        systemic.issue_close(issue=issue, actor=compliance)
    assert systemic.issue_close(issue=issue, actor=second_officer).status == "closed"


def test_an_issue_with_an_open_remediation_item_does_not_close(compliance):
    issue = systemic.issue_open(actor=compliance, title="话术缺陷", description="电话销售话术未提示等待期。")
    item = systemic.issue_item_add(
        issue=issue, actor=compliance, action="修订话术", owner=compliance, due_date=date(2026, 7, 31)
    )
    with pytest.raises(ValidationError):
        systemic.issue_close(issue=issue, actor=compliance)
    systemic.issue_item_update(item=item, actor=compliance, status="done", closing_note="新话术已上线。")
    assert RemediationItem.objects.get(pk=item.pk).issue == issue
    assert systemic.issue_close(issue=issue, actor=compliance).status == "closed"


def test_affected_customers_are_imported_all_or_none_naming_each_bad_row(compliance):
    issue = systemic.issue_open(actor=compliance, title="费率错误", description="部分保单多收保费。")
    bad = "姓名,电话,保单号,状态,金额\n赵一,13800001111,P-1,已补偿,300\n钱二,123,P-2,,\n孙三,,P-1,,\n李四,,P-4,不知道,abc\n"
    with pytest.raises(ImportRefused) as refused:
        systemic.affected_import(issue=issue, actor=compliance, data=bad.encode(), name="c.csv")
    assert sorted({problem.row for problem in refused.value.problems}) == [3, 4, 5]
    assert AffectedCustomer.objects.count() == 0
    good = "姓名,电话,保单号,状态,金额\n赵一,13800001111,P-1,已补偿,300\n钱二,,P-2,,\n"
    created = systemic.affected_import(issue=issue, actor=compliance, data=good.encode(), name="c.csv")
    assert [(c.remedy, c.phone) for c in created] == [("settled", "+8613800001111"), ("pending", "")]


def test_a_supervisor_may_not_open_an_issue(supervisor):
    with pytest.raises(PermissionDenied):
        systemic.issue_open(actor=supervisor, title="x", description="y")
