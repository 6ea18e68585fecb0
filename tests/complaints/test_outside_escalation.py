"""Outside escalation (越级投诉): a complaint forwarded by the regulator or the platform after a direct complaint
of the same person or policy within 12 months is suggested, confirmed or rejected by staff, and only confirmed
links count in the escalation rate; comparisons are made like for like."""

import io
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints import services
from complaints.compliance import comparison
from complaints.compliance.rating.figures import rating_figures
from complaints.compliance.reports import Period, complaint_report
from complaints.models import ComplaintEvent, EscalationLink, EscalationLinkStatus, ProductLine
from complaints.workflow.escalations import months_before
from portal import roles
from portal.models import Branch

from .factories import frozen_at, register

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
_frozen = frozen_at(NOW)


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour, 0))


def forwarded(received_at, *, source="regulator", ref="粤银保监投诉〔2026〕1号", **fields):
    values = {"phone": "13812345678", **fields}
    if source == "regulator":
        values["regulator_ref"] = ref
    else:
        values["platform_ref"] = f"PT{received_at:%Y%m%d%H%M}"
    return register(received_at=received_at, source=source, **values)


def test_a_direct_complaint_on_the_same_day_twelve_months_before_is_suggested_and_one_a_day_earlier_is_not():
    inside = register(received_at=at(2025, 6, 15, 9), phone="13812345678")
    register(received_at=at(2025, 6, 14, 23), phone="13812345678")
    complaint = forwarded(at(2026, 6, 15, 9))
    links = list(complaint.escalation_links.all())
    assert [link.earlier for link in links] == [inside]
    assert links[0].status == EscalationLinkStatus.SUGGESTED and links[0].matched_on == ["phone"]


def test_an_id_number_and_a_policy_typed_differently_find_the_earlier_direct_complaints():
    by_id = register(
        received_at=at(2026, 3, 1), phone="13900000001", id_type="resident", id_number="110101195001010011x"
    )
    by_policy = register(received_at=at(2026, 4, 1), phone="13900000002", policy_number="p-2023-0001")
    complaint = forwarded(
        at(2026, 9, 1), phone="13700000000", id_type="resident", id_number="１１０１０１１９５００１０１００１１Ｘ",
        policy_number="Ｐ-２０２３-０００１",
    )  # fmt: skip
    matched = {link.earlier_id: link.matched_on for link in complaint.escalation_links.all()}
    assert matched == {by_id.pk: ["id_number"], by_policy.pk: ["policy_number"]}


def test_a_platform_transfer_is_linked_too_but_never_to_a_later_or_a_forwarded_complaint():
    earlier = register(received_at=at(2026, 5, 1), phone="13812345678")
    forwarded(at(2026, 5, 10))  # forwarded earlier: not a direct complaint
    complaint = forwarded(at(2026, 6, 1), source="platform")
    register(received_at=at(2026, 7, 1), phone="13812345678")  # after it
    assert [link.earlier for link in complaint.escalation_links.all()] == [earlier]
    direct = register(received_at=at(2026, 8, 1), phone="13812345678")
    assert not direct.escalation_links.exists()


def test_twelve_months_before_a_leap_day_is_the_last_day_of_february():
    assert months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_confirming_records_who_confirmed_and_leaves_an_event_on_the_forwarded_complaint(supervisor):
    register(received_at=at(2026, 5, 1))
    complaint = forwarded(at(2026, 6, 1))
    link = services.escalation_confirm(link=complaint.escalation_links.get(), actor=supervisor, note="同一保单")
    assert link.status == EscalationLinkStatus.CONFIRMED and link.decided_by == supervisor
    event = ComplaintEvent.objects.get(complaint=complaint, action="outside_escalation")
    assert event.actor == supervisor and event.data == {"earlier": link.earlier.tracking_number}
    assert not event.public
    with pytest.raises(services.WorkflowError):
        services.escalation_reject(link=link, actor=supervisor, note="不是")


def test_a_rejection_needs_a_reason_and_staff_who_may_not_work_the_complaint_are_refused(supervisor, compliance):
    register(received_at=at(2026, 5, 1))
    link = forwarded(at(2026, 6, 1)).escalation_links.get()
    with pytest.raises(services.WorkflowError):
        services.escalation_reject(link=link, actor=supervisor, note="  ")
    with pytest.raises(PermissionDenied):
        services.escalation_confirm(link=link, actor=compliance)
    link.refresh_from_db()
    assert link.status == EscalationLinkStatus.SUGGESTED
    services.escalation_reject(link=link, actor=supervisor, note="同号不同人")
    assert ComplaintEvent.objects.filter(action="not_outside_escalation", note="同号不同人").exists()


def test_only_confirmed_links_count_in_the_escalation_rate(supervisor):
    assert complaint_report(period=Period(2026))["escalation_rate"] is None
    for index, phone in enumerate(("13811110001", "13811110002", "13811110003")):
        register(received_at=at(2026, 3, 1 + index), phone=phone)
    confirmed, suggested, rejected = (
        forwarded(at(2026, 4, 1), phone="13811110001", ref="R-1"),
        forwarded(at(2026, 4, 2), phone="13811110002", ref="R-2"),
        forwarded(at(2026, 4, 3), phone="13811110003", ref="R-3"),
    )
    forwarded(at(2026, 4, 4), phone="13811110009", ref="R-4")  # nobody complained to us first
    services.escalation_confirm(link=confirmed.escalation_links.get(), actor=supervisor)
    services.escalation_reject(link=rejected.escalation_links.get(), actor=supervisor, note="另一事项")
    assert suggested.escalation_links.get().status == EscalationLinkStatus.SUGGESTED
    assert complaint_report(period=Period(2026))["escalation_rate"] == 0.25


def test_the_rate_is_given_per_branch_and_product_line_and_in_the_rating_figures(supervisor, demo):
    branch = Branch.objects.order_by("pk").first()
    register(received_at=at(2026, 3, 1))
    complaint = forwarded(at(2026, 4, 1), branch=branch, product_line="health")
    forwarded(at(2026, 4, 2), phone="13811110009", ref="R-2", product_line="life")
    services.escalation_confirm(link=complaint.escalation_links.get(), actor=supervisor)
    figures = comparison.escalation_by(Period(2026))
    assert {row["label"]: row["rate"] for row in figures["branches"]}[branch.name] == 1.0
    lines = {row["label"]: (row["forwarded"], row["escalated"]) for row in figures["product_lines"]}
    assert lines == {str(ProductLine.HEALTH.label): (1, 1), str(ProductLine.LIFE.label): (1, 0)}
    dispute = next(e for e in rating_figures(2026)["elements"] if e["key"] == "dispute_resolution")
    assert next(f for f in dispute["figures"] if f["key"] == "escalation_rate")["value"] == 50.0


def test_on_7_december_the_year_is_set_against_1_january_to_7_december_of_the_year_before():
    compared = comparison.like_for_like(Period(2026), date(2026, 12, 7))
    assert (compared.previous.start, compared.previous.end) == (date(2025, 1, 1), date(2025, 12, 8))
    assert compared.current.end == date(2026, 12, 8)
    quarter = comparison.like_for_like(Period(2026, 4), date(2026, 12, 7))
    assert (quarter.previous.start, quarter.previous.end) == (date(2026, 7, 1), date(2026, 9, 7))  # 68 days each
    second = comparison.like_for_like(Period(2026, 2), date(2026, 6, 30))  # day 91 of Q2, Q1 has 90
    assert second.previous.end == date(2026, 4, 1)


def test_on_31_december_and_for_a_closed_year_the_whole_year_before_is_compared():
    for today in (date(2026, 12, 31), date(2027, 3, 1)):
        compared = comparison.like_for_like(Period(2026), today)
        assert (compared.previous.start, compared.previous.end) == (date(2025, 1, 1), date(2026, 1, 1))
        assert not compared.previous.partial


def test_the_dashboard_counts_the_same_days_a_year_before_and_says_which(client, make_user):
    client.force_login(make_user("officer", groups=[roles.COMPLIANCE_OFFICER]))
    register(received_at=at(2025, 3, 1), phone="13800000001")
    register(received_at=at(2025, 12, 20), phone="13800000002")  # after 7 December: not like for like
    register(received_at=at(2026, 3, 1), phone="13800000003")
    response = client.get("/en/admin/complaints/compliancedashboard/?year=2026")
    page = response.content.decode()
    assert "Compared like for like: 2026-01-01 to 2026-12-07 with 2025-01-01 to 2025-12-07." in page
    total = response.context["summary"][0]
    assert (total["current"], total["previous"], total["change"]) == (1, 1, 0)
    assert 'id="outside-escalation"' in page
    chinese = client.get("/admin/complaints/compliancedashboard/?year=2026").content.decode()
    assert "同口径比较：2026-01-01至2026-12-07与2025-01-01至2025-12-07。" in chinese and "越级投诉" in chinese


def test_the_workbook_compares_year_on_year_and_quarter_on_quarter_like_for_like(client, make_user):
    client.force_login(make_user("boss", superuser=True))
    register(received_at=at(2025, 11, 1), phone="13800000001")
    register(received_at=at(2025, 12, 20), phone="13800000002")  # not in the same days
    register(received_at=at(2026, 8, 1), phone="13800000003")
    register(received_at=at(2026, 11, 1), phone="13800000004")
    register(received_at=at(2026, 11, 2), phone="13800000005")
    response = client.get(reverse("admin:complaints_compliance_report", args=["xlsx"]) + "?year=2026")
    sheet = load_workbook(io.BytesIO(response.content))["同比环比"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][1] == "本期（2026-01-01至2026-12-07）" and rows[0][2] == "上年同期（2025-01-01至2025-12-07）"
    assert rows[0][5] == "本季（2026-10-01至2026-12-07）" and rows[0][6] == "上季同期（2026-07-01至2026-09-06）"
    total = rows[1]
    assert total[0] == "投诉总量" and total[1:5] == [3, 1, 2, 2] and total[5:9] == [2, 1, 1, 1]
    assert "越级投诉" in load_workbook(io.BytesIO(response.content)).sheetnames


def test_a_compliance_officer_without_full_data_sees_the_suggestion_masked(client, compliance):
    register(received_at=at(2026, 5, 1), name="李四", id_type="resident", id_number="110101195001010011X")
    complaint = forwarded(at(2026, 6, 1), id_type="resident", id_number="110101195001010011X")
    client.force_login(compliance)
    page = client.get(f"/en/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    assert 'id="outside-escalation"' in page and 'data-escalation="suggested"' in page
    assert "138****5678" in page
    for full in ("13812345678", "138 1234 5678", "110101195001010011X", "李四"):
        assert full not in page
    assert "data-decide-escalation" not in page  # a compliance officer does not work complaints
    link = complaint.escalation_links.get()
    url = reverse("admin:complaints_complaint_outside_escalation", args=[complaint.pk, link.pk])
    assert client.post(url, {"decision": "confirm"}).status_code == 403


def test_a_supervisor_confirms_on_the_record_and_a_rejection_without_reason_keeps_the_form(client, supervisor):
    register(received_at=at(2026, 5, 1))
    complaint = forwarded(at(2026, 6, 1))
    link = complaint.escalation_links.get()
    client.force_login(supervisor)
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    assert f'data-decide-escalation="{link.pk}"' in page and "越级投诉" in page
    url = reverse("admin:complaints_complaint_outside_escalation", args=[complaint.pk, link.pk])
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 200 and "请说明为何不属于越级投诉" in response.content.decode()
    assert client.post(url, {"decision": "confirm", "note": "客户确认"}).status_code == 302
    link.refresh_from_db()
    assert link.status == EscalationLinkStatus.CONFIRMED and link.note == "客户确认"
    assert EscalationLink.objects.count() == 1


def test_the_demo_holds_a_year_of_transfers_some_after_a_direct_complaint_confirmed_some_waiting():
    from tests.demo_snapshot import load_demo

    load_demo()
    statuses = set(EscalationLink.objects.values_list("status", flat=True))
    assert statuses == {"suggested", "confirmed", "rejected"}
    days = [link.complaint.received_at for link in EscalationLink.objects.select_related("complaint")]
    assert (max(days) - min(days)).days > 250
    assert EscalationLink.objects.filter(matched_on=["id_number"]).exists()
    assert 0 < complaint_report(period=Period(2026))["escalation_rate"] < 1


def test_a_corrected_phone_on_a_forwarded_complaint_suggests_the_earlier_direct_one():
    earlier = register(received_at=at(2026, 5, 1), phone="13812345678")
    complaint = forwarded(at(2026, 6, 1), phone="13900000000")
    assert not complaint.escalation_links.exists()
    services.complaint_correct(complaint=complaint, actor=None, changes={"phone": "138 1234 5678"}, note="监管更正")
    assert [link.earlier for link in complaint.escalation_links.all()] == [earlier]


def test_a_handler_sees_an_earlier_complaint_they_may_not_open_without_its_number_or_its_complainant(client, handler):
    earlier = register(received_at=at(2026, 5, 1), name="李四", policy_number="P-2024-0009", phone="13700000001")
    complaint = forwarded(at(2026, 6, 1), policy_number="P-2024-0009", actor=handler)
    client.force_login(handler)
    page = client.get(f"/en/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    panel = page[page.index('id="outside-escalation"') :]
    assert "A complaint not assigned to you: ask a supervisor" in panel and "same policy" in panel
    for secret in (earlier.tracking_number, "李四", "P-2024-0009"):
        assert secret not in panel.split("</table>")[0]
    assert 'data-decide-escalation="' in panel  # the forwarded complaint is theirs to work
