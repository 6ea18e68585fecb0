"""The rating's figures (the `rating_report` JSON contract), the weights with their floors and second approver, the
consumer-protection review register with its import, and the self-assessment draft with its PDF."""

import json
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from complaints import services
from complaints.compliance import review_register
from complaints.compliance.disclosure import disclosure_draft
from complaints.compliance.importer import complaint_import
from complaints.compliance.models import ReviewItem
from complaints.compliance.rating import assessment, weights
from complaints.compliance.rating.figures import rating_figures
from complaints.compliance.reports import Period, complaint_report
from complaints.models import Complaint
from notices import services as notice_services
from portal import roles
from portal.tabular import ImportRefused
from tests.complaints.factories import frozen_at

from .files import csv_bytes, seed_year_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
KEYS = ["governance", "suitability", "sales_conduct", "dispute_resolution", "education", "service"]
KEYS.append("personal_information")
REVIEW_HEADER = ["编号", "类型", "审查事项", "提出部门", "审查人", "审查日期", "审查意见", "是否采纳", "关联投诉"]

_frozen = frozen_at(NOW)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(make_user):
    return make_user("officer", groups=[roles.COMPLIANCE_OFFICER])


@pytest.fixture
def second(make_user):
    return make_user("second", groups=[roles.COMPLIANCE_OFFICER])


@pytest.fixture
def year_2023():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")


def figures_of(report: dict, element: str) -> dict:
    return {figure["key"]: figure for figure in next(e for e in report["elements"] if e["key"] == element)["figures"]}


def record(actor, reference, kind="product", reviewed_on=date(2023, 4, 1), opinions=(("删除“保本”字样", True),)):
    return review_register.review_record(
        actor=actor,
        reference=reference,
        kind=kind,
        title="金福年金保险条款",
        requester="产品部",
        reviewer="消保部 王审",
        reviewed_on=reviewed_on,
        opinions=opinions,
    )


def test_rating_report_json_for_the_demo_year_has_the_seven_elements_with_weights_and_figures_or_reasons():
    from tests.demo_snapshot import load_demo

    load_demo()
    out = StringIO()
    call_command("rating_report", "--year", "2025", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["year"] == 2025
    assert [element["key"] for element in report["elements"]] == KEYS
    assert [element["weight"] for element in report["elements"]] == [10, 10, 30, 30, 10, 5, 5]
    assert report["elements"][3]["name"] == "纠纷化解"
    for element in report["elements"]:
        assert set(element) == {"key", "name", "weight", "figures"}
        for figure in element["figures"]:
            assert set(figure) == {"key", "value", "unit", "source", "reason"}
            assert (figure["value"] is None) == bool(figure["reason"]), figure
    dispute = figures_of(report, "dispute_resolution")
    assert dispute["complaints"]["value"] == complaint_report(period=Period(2025))["total"] == 64
    assert dispute["mediation"]["value"] == complaint_report(period=Period(2025))["mediation"]["requested"] > 0
    assert dispute["on_time_rate_platform"]["value"] is None
    # The demo year's complaints name sales agents and partners from the lists (it had none before).
    sales = figures_of(report, "sales_conduct")
    assert sales["sales_complaints_per_agent"]["value"] > 0 and sales["complaints_naming_sellers"]["value"] > 0


def test_the_figures_come_from_the_years_records_with_links_to_the_evidence(year_2023, officer):
    record(officer, "XB-2023-001")
    record(officer, "XB-2023-002", kind="marketing", opinions=(("补充风险提示", True), ("改用通俗表述", False)))
    report = rating_figures(2023)
    dispute = figures_of(report, "dispute_resolution")
    assert dispute["complaints"]["value"] == 15
    assert dispute["on_time_rate_regulator"]["value"] == 100.0
    assert dispute["complaints_per_100m_premium"]["value"] is None
    assert dispute["complaints_per_100m_premium"]["reason"] == (
        "No business volume (premium and policies) is entered for 2023."
    )
    sales = figures_of(report, "sales_conduct")
    assert sales["sales_complaints"]["value"] == 7  # 2 forwarded, 5 received directly
    assert sales["sales_complaints_share"]["value"] == round(7 * 100 / 15, 1)
    assert sales["sales_complaints"]["source"].endswith("?received_at__year=2023&category__exact=sales")
    governance = figures_of(report, "governance")
    assert governance["reviews"]["value"] == 2
    assert governance["reviews_product"]["value"] == 1 and governance["reviews_marketing"]["value"] == 1
    assert governance["review_opinions_adopted"]["value"] == round(2 * 100 / 3, 1)


def test_weights_below_a_floor_or_not_summing_to_100_are_refused(officer):
    below = dict(weights.DEFAULTS, sales_conduct=20, dispute_resolution=40)
    with pytest.raises(ValidationError) as floor:
        weights.weights_enter(actor=officer, values=below)
    assert floor.value.message_dict["sales_conduct"] == ["At least 25: the rating's floor for this element."]
    with pytest.raises(ValidationError) as total:
        weights.weights_enter(actor=officer, values=dict(weights.DEFAULTS, governance=15))
    assert total.value.message_dict["__all__"] == ["The weights must sum to 100 (they sum to 105)."]
    assert weights.current_weights() == weights.DEFAULTS


def test_weights_count_once_a_second_member_of_compliance_approves_them(officer, second, make_user):
    values = dict(weights.DEFAULTS, governance=15, sales_conduct=25)
    row = weights.weights_enter(actor=officer, values=values, note="2026年度")
    assert weights.current_weights() == weights.DEFAULTS
    with pytest.raises(ValidationError):
        weights.weights_decide(row=row, actor=officer, approve=True)
    with pytest.raises(PermissionDenied):
        weights.weights_decide(row=row, actor=make_user("h", groups=[roles.COMPLAINT_HANDLER]), approve=True)
    weights.weights_decide(row=row, actor=second, approve=True)
    assert weights.current_weights() == values
    assert [e["weight"] for e in rating_figures(2023)["elements"]][:3] == [15, 10, 25]


def test_a_review_import_names_every_bad_row_and_records_nothing(officer):
    rows = [
        ["XB-1", "产品", "条款A", "产品部", "王审", "2023-03-01", "删除“保本”", "是", ""],
        ["XB-1", "产品", "条款A", "产品部", "王审", "2023-03-01", "补充免责说明", "否", ""],
        ["XB-2", "海报", "宣传海报", "市场部", "王审", "2023-13-01", "", "", ""],
        ["XB-3", "合同", "投保单", "运营部", "", "2023-03-05", "字号过小", "也许", "TS-NOPE"],
    ]
    with pytest.raises(ImportRefused) as refused:
        review_register.review_import(actor=officer, data=csv_bytes(rows, REVIEW_HEADER), name="r.csv")
    messages = [str(problem) for problem in refused.value.problems]
    assert (
        "Row 4, kind: Not a kind of review: product, marketing material, contract, service rule or other." in messages
    )
    assert "Row 4, reviewed on: Not a date (YYYY-MM-DD)." in messages
    assert "Row 5, reviewed by: This column is empty." in messages
    assert "Row 5, adopted: Say whether the opinion was adopted: yes or no." in messages
    assert refused.value.bad_rows == [4, 5]
    assert ReviewItem.objects.count() == 0


def test_a_review_import_groups_the_opinions_of_one_reference_and_is_not_repeated(officer, year_2023):
    rows = [
        ["XB-1", "产品", "条款A", "产品部", "王审", "2023-03-01", "删除“保本”", "是", ""],
        ["XB-1", "产品", "条款A", "产品部", "王审", "2023-03-01", "补充免责说明", "否", ""],
        ["XB-2", "服务规则", "退保服务规则", "运营部", "李审", "2023-06-01", "", "", ""],
    ]
    items = review_register.review_import(actor=officer, data=csv_bytes(rows, REVIEW_HEADER), name="r.csv")
    assert [(item.reference, item.kind, item.opinions.count()) for item in items] == [
        ("XB-1", "product", 2),
        ("XB-2", "service_rule", 0),
    ]
    assert review_register.review_counts(2023) == {
        "total": 2,
        "by_kind": {"product": 1, "marketing": 0, "contract": 0, "service_rule": 1, "other": 0},
        "opinions": 2,
        "adopted": 1,
    }
    with pytest.raises(ImportRefused) as again:
        review_register.review_import(actor=officer, data=csv_bytes(rows, REVIEW_HEADER), name="r.csv")
    assert "Row 2, reference: This review is already in the register." in [str(p) for p in again.value.problems]


def test_a_review_is_recorded_only_by_compliance_with_the_complaints_that_prompted_it(officer, year_2023, make_user):
    with pytest.raises(PermissionDenied):
        record(make_user("h", groups=[roles.COMPLAINT_HANDLER]), "XB-9")
    complaint = Complaint.objects.order_by("id").first()
    with pytest.raises(ValidationError) as unknown:
        review_register.review_record(
            actor=officer, reference="XB-9", kind="other", title="x", requester="y", reviewer="z",
            reviewed_on=date(2023, 5, 1), complaints=["TS-NONE"],
        )  # fmt: skip
    assert unknown.value.message_dict["complaints"] == ["No complaint TS-NONE."]
    item = review_register.review_record(
        actor=officer, reference="XB-9", kind="other", title="x", requester="y", reviewer="z",
        reviewed_on=date(2023, 5, 1), complaints=[complaint.tracking_number],
    )  # fmt: skip
    assert list(item.complaints.all()) == [complaint]
    assert figures_of(rating_figures(2023), "governance")["reviews_prompted_by_complaints"]["value"] == 1


def test_the_disclosure_draft_states_the_reviews_by_kind(officer, year_2023):
    record(officer, "XB-1")
    record(officer, "XB-2", kind="service_rule", opinions=())
    record(officer, "XB-3", kind="service_rule", opinions=(("明确时限", True),))
    notice, _created = disclosure_draft(year=2023)
    assert "## 消费者权益保护审查" in notice.body_zh_hans
    assert (
        "公司共开展消费者权益保护审查3件，其中产品1件、服务规则2件；提出审查意见2条，已采纳2条。" in notice.body_zh_hans
    )
    assert "3 consumer-protection reviews: 1 of products and 2 of service rules" in notice.body_en
    assert "消费投诉情况" in notice.body_zh_hans


def test_the_self_assessment_is_a_chinese_draft_with_its_pdf_and_keeps_what_compliance_wrote(officer, year_2023):
    notice, created = assessment.assessment_draft(year=2023, actor=officer)
    assert created and notice.status == "draft" and notice.category == "announcements"
    body = notice.body_zh_hans
    assert body.startswith("# 2023年度消费者权益保护监管评价自评报告（草稿）")
    assert "## 纠纷化解（权重30%）" in body and "- 受理投诉：15" in body
    assert "暂无数据（" in body
    pdf = notice.attachments.get()
    assert pdf.language == "zh-hans" and pdf.file.read(5) == b"%PDF-"
    notice_services.notice_update(
        notice=notice,
        actor=None,
        body_zh_hans=body.replace(
            assessment.EDITOR_MARK, assessment.EDITOR_MARK + "\n\n公司建立了投诉处理三级复核机制。", 4
        ),
    )
    again, created = assessment.assessment_draft(year=2023, actor=officer)
    assert not created and again.pk == notice.pk
    assert "公司建立了投诉处理三级复核机制。" in again.body_zh_hans
    assert again.attachments.count() == 1


def test_a_handler_may_not_draft_the_self_assessment(make_user, year_2023):
    with pytest.raises(PermissionDenied):
        assessment.assessment_draft(year=2023, actor=make_user("h", groups=[roles.COMPLAINT_HANDLER]))


def test_a_web_complaint_records_whether_it_was_filed_in_the_elderly_friendly_mode():
    plain = services.complaint_submit(name="张三", phone="13812345678", description="理赔慢。")
    elderly = services.complaint_submit(
        name="李四", phone="13812345679", description="理赔慢。", elderly_mode=True, language="en"
    )
    assert (plain.filed_in_elderly_mode, elderly.filed_in_elderly_mode) == (False, True)
    service = figures_of(rating_figures(2026), "service")
    assert service["complaints_elderly_mode"]["value"] == 1
    assert service["complaints_english"]["value"] == 1


def test_rating_report_writes_a_workbook_and_refuses_a_workbook_without_a_file(year_2023, tmp_path):
    from django.core.management.base import CommandError
    from openpyxl import load_workbook

    target = tmp_path / "rating.xlsx"
    call_command("rating_report", "--year", "2023", "--format", "xlsx", "--output", str(target), stderr=StringIO())
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("评价要素", "权重（%）", "指标", "数值", "单位", "佐证", "无数据原因")
    assert rows[next(i for i, r in enumerate(rows) if r[2] == "受理投诉")][:4] == ("纠纷化解", 30, "受理投诉", 15)
    with pytest.raises(CommandError):
        call_command("rating_report", "--year", "2023", "--format", "xlsx")
    with pytest.raises(CommandError):
        call_command("rating_report", "--year", "1999")


def test_the_complaint_form_records_the_elderly_friendly_mode_its_sender_had_on(demo, client):
    from tests.complaints.test_intake import form_token, valid_data

    client.post("/complaints/new/", valid_data(form_token(client)))
    client.cookies["display_mode"] = "elderly"
    client.post("/complaints/new/", valid_data(form_token(client), name="王五", phone="138 1234 5679"))
    recorded = dict(Complaint.objects.values_list("name", "filed_in_elderly_mode"))
    assert recorded == {"李四": False, "王五": True}


def test_satisfaction_call_backs_and_personal_data_requests_are_figures_once_the_portal_records_them(make_user):
    """The 消费者服务 and 个人信息保护 elements read the satisfaction answers, the call backs and the data requests."""
    from complaints.account import requests as account
    from tests.complaints.factories import register

    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER, roles.SUPERVISOR])
    complaint = register(handler, phone="13812345678")
    services.complaint_accept(complaint=complaint, actor=handler)
    services.complaint_decide(
        complaint=complaint, actor=handler, decision="经核查，理赔款已支付。", outcome="upheld",
        remedies=["review"], reliefs=["claim_paid"],
    )  # fmt: skip
    services.complaint_record_feedback(complaint=complaint, actor=handler, score=4)
    answered = account.callback_create(name="王五", phone="13812345678", preferred_time="morning", language="zh-hans")
    account.callback_create(name="赵六", phone="13900001111", preferred_time="morning", language="zh-hans")
    account.callback_record(callback=answered, actor=handler, outcome="answered", note="已解答")
    request = account.data_request_create(phone="13812345678", kind="explain", details="", language="zh-hans")
    account.data_request_answer(request=request, actor=handler, answer="我们依照隐私政策处理您的信息。")

    report = rating_figures(timezone.localdate().year)
    service = figures_of(report, "service")
    assert (service["satisfaction"]["value"], service["satisfaction"]["unit"]) == (4.0, "score")
    assert service["satisfaction_responses"]["value"] == 1
    assert (service["call_backs_answered"]["value"], service["call_backs_waiting"]["value"]) == (1, 1)
    personal = figures_of(report, "personal_information")
    assert personal["personal_data_requests"]["value"] == 1
    assert personal["personal_data_requests_on_time"]["value"] == 100.0
    for element in report["elements"]:
        for figure in element["figures"]:
            assert "issue)" not in (figure["reason"] or ""), figure
