"""The pages of agents and partners, early-warning dispositions and systemic issues: compliance acts, others
read or are refused, every page in both languages; the registration form names the agent; the workbook and
the report carry the figures."""

import io
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.compliance import alerts
from complaints.compliance.reports import Period, complaint_report
from complaints.compliance.workbook import report_xlsx
from complaints.models import Complaint, Partner, SalesAgent, SystemicIssue, WarningDisposition
from portal import roles
from tests.complaints.factories import register, shanghai

pytestmark = pytest.mark.django_db

NOW = shanghai(2026, 6, 30, 10)
BASE = "/en/admin/complaints/compliancedashboard/"
BASE_ZH = "/admin/complaints/compliancedashboard/"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer(make_user, client):
    user = make_user("officer", groups=[roles.COMPLIANCE_OFFICER])
    client.force_login(user)
    return user


@pytest.fixture
def warned(officer, make_user):
    """Three complaints naming one agent, named by a supervisor, and the stored warning."""
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    agent = SalesAgent.objects.create(code="A2001", name="周敏", unit="银保一部")
    for index in range(3):
        complaint = register(received_at=NOW - timedelta(hours=index), phone=f"1371234{index:04d}")
        services.complaint_name_seller(complaint=complaint, actor=supervisor, sales_agent=agent)
    alerts.alerts_run(as_of=NOW.date(), notify=False)
    return agent


def test_an_officer_opens_an_issue_from_a_warning_and_its_complaints_are_linked(officer, client, warned):
    page = client.get(f"{BASE_ZH}warnings/").content.decode()
    assert "A2001 周敏" in page and "尚无" in page and "营销员" in page
    row = alerts.OversightWarning.objects.get(kind="seller")
    response = client.post(
        f"{BASE}warnings/", {"warning": row.pk, "outcome": "issue_opened", "title": "周敏销售误导", "reason": ""}
    )
    issue = SystemicIssue.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"issues/{issue.pk}/")
    assert issue.complaints.count() == 3
    assert WarningDisposition.objects.get().issue == issue
    assert "Issue opened" in client.get(f"{BASE}warnings/").content.decode()


def test_dismissing_a_warning_without_a_reason_shows_the_error_and_records_nothing(officer, client, warned):
    row = alerts.OversightWarning.objects.get(kind="seller")
    response = client.post(f"{BASE}warnings/", {"warning": row.pk, "outcome": "dismissed"})
    assert response.status_code == 400
    assert "Say why the warning is dismissed." in response.content.decode()
    assert not WarningDisposition.objects.exists()


def test_an_issue_is_followed_on_its_page_to_its_close_in_chinese(officer, client):
    client.post(f"{BASE}issues/", {"title": "犹豫期退保被拒", "description": "柜面错误拒绝。"})
    issue = SystemicIssue.objects.get()
    url = f"{BASE_ZH}issues/{issue.pk}/"
    client.post(
        url, {"do": "customer", "name": "赵一", "phone": "13800001111", "policy_number": "P-1", "remedy": "pending"}
    )
    customer = issue.affected.get()
    refused = client.post(url, {"do": "close", "note": "", "reason": ""})
    assert refused.status_code == 400 and "尚有 1 位受影响客户未解决" in refused.content.decode()
    client.post(url, {"do": "customer_update", "customer": customer.pk, "remedy": "settled", "amount": "500"})
    page = client.get(url).content.decode()
    assert "138****1111" in page and "13800001111" not in page and "已解决" in page
    assert client.post(url, {"do": "close", "note": "已退费。", "reason": ""}).status_code == 302
    assert SystemicIssue.objects.get().status == "closed"


def test_a_handler_is_refused_the_issues_and_the_agents_pages(make_user, client):
    client.force_login(make_user("h", groups=[roles.COMPLAINT_HANDLER]))
    assert client.get(f"{BASE}issues/").status_code == 403
    assert client.get(f"{BASE}sellers/").status_code == 403


def test_a_supervisor_reads_the_issues_but_may_not_open_one(make_user, client):
    client.force_login(make_user("s", groups=[roles.SUPERVISOR]))
    page = client.get(f"{BASE}issues/")
    assert page.status_code == 200 and 'id="issue-form"' not in page.content.decode()
    assert client.post(f"{BASE}issues/", {"title": "x", "description": "y"}).status_code == 403


def test_a_bad_agents_file_is_refused_on_the_page_naming_its_rows(officer, client):
    upload = SimpleUploadedFile("a.csv", "工号,姓名\nA1,\nA2,李四\nA2,王五\n".encode())
    response = client.post(f"{BASE}sellers/", {"kind": "agents", "file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and "Row 2, name" in page and "Row 4, code" in page
    assert not SalesAgent.objects.exists()
    good = SimpleUploadedFile("p.csv", "编码,名称,类型\nB1,工行某支行,银行网点\n".encode())
    assert client.post(f"{BASE}sellers/", {"kind": "partners", "file": good}).status_code == 302
    assert Partner.objects.get().kind == "bank_outlet"
    assert "工行某支行" in client.get(f"{BASE_ZH}sellers/").content.decode()


def test_the_registration_form_names_the_agent_and_partner(make_user, client):
    agent = SalesAgent.objects.create(code="A3001", name="陈晨")
    partner = Partner.objects.create(code="B3001", name="某银行网点", kind="bank_outlet")
    client.force_login(make_user("sup", groups=[roles.SUPERVISOR]))
    data = {
        "channel": "phone", "received_at": "2026-06-30T09:30", "source": "self", "name": "王五",
        "phone": "138 1234 5678", "capacity": "self", "language": "zh-hans", "category": "sales",
        "description": "营销员夸大收益。", "sales_agent": agent.pk, "partner": partner.pk,
    }  # fmt: skip
    response = client.post("/en/admin/complaints/complaint/register/", data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert (complaint.sales_agent, complaint.partner) == (agent, partner)
    record = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    assert "A3001 陈晨" in record and "销售人员及机构" in record


def test_the_report_and_its_workbook_carry_agents_and_issues(officer, warned):
    report = complaint_report(period=Period(2026))
    assert report["sellers"]["agents"][0]["code"] == "A2001"
    assert report["systemic_issues"]["opened"] == 0
    target = io.BytesIO()
    report_xlsx(report, [], target)
    workbook = openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    assert {"营销员及合作机构", "系统性问题"} <= set(workbook.sheetnames)
    assert ["A2001", "周敏", 3, 0, 0] in [list(row) for row in workbook["营销员及合作机构"].values]
