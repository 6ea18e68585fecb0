"""Vulnerable complainants and the one-time list of materials: flags derived, asked and set by staff; a flagged
complaint keeps every deadline and right; a call back asked for is queued; the decision's two data points; the
list sent once at acceptance and shown on the status page; further requests recorded and counted."""

import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from complaints import services
from complaints.account.requests import callback_record
from complaints.compliance import disclosure
from complaints.compliance.rating.figures import rating_figures
from complaints.compliance.reports import Period, complaint_report
from complaints.identity import birth_date, is_elderly
from complaints.models import Callback, CallbackStatus, ComplaintEvent, EventAction, MaterialsList
from complaints.workflow import care
from portal.actors import system_actor
from portal.messaging.models import Message

from .factories import extend, register, shanghai

pytestmark = pytest.mark.django_db

BORN_1950 = "110101195003071234"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(shanghai(2026, 12, 7), tick=False):
        yield


def _accepted(supervisor, handler, **fields):
    complaint = register(supervisor, **fields)
    services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
    return services.complaint_accept(complaint=complaint, actor=handler)


def _claims_list(**overrides):
    values = {
        "category": "claims",
        "items_zh": "理赔申请书\n被保险人身份证明\n医疗费用发票",
        "items_en": "The claim form\nThe insured's identity document\nThe medical bills",
    }
    values.update(overrides)
    return services.materials_list_save(actor=system_actor(), materials=MaterialsList(**values))


# Flags derived from the record.


def test_a_resident_id_number_with_a_1950_birth_date_flags_the_complaint_elderly(supervisor):
    assert birth_date(BORN_1950) == date(1950, 3, 7)
    complaint = register(supervisor, id_type="resident", id_number=BORN_1950)
    assert complaint.vulnerabilities == ["elderly"]
    young = register(supervisor, id_type="resident", id_number="110101199003071234", phone="13912345678")
    assert young.vulnerabilities == []


def test_the_sixtieth_birthday_is_the_first_day_a_complainant_counts_as_elderly():
    assert is_elderly("110101196612071234", date(2026, 12, 7))  # 60 today
    assert not is_elderly("110101196612081234", date(2026, 12, 7))  # 60 tomorrow
    assert is_elderly("110101661207123", date(2026, 12, 7))  # the old 15-digit number
    assert not is_elderly("110101196602301234", date(2026, 12, 7))  # 30 February: no birth date
    assert not is_elderly("E12345678", date(2026, 12, 7))


def test_a_passport_suggests_a_foreign_national_and_an_heir_a_bereaved_complainant(supervisor):
    complaint = register(supervisor, id_type="passport", id_number="E12345678", capacity="heir", principal_name="王五")
    assert complaint.vulnerabilities == ["foreign_national", "bereaved"]


# A flag changes no deadline and no right.


def test_a_flagged_complaint_keeps_every_deadline_and_every_action(supervisor, handler, senior):
    plain = _accepted(supervisor, handler)
    flagged = _accepted(supervisor, handler, phone="13912345678", id_type="resident", id_number=BORN_1950)
    flagged = services.complaint_set_care(
        complaint=flagged, actor=handler, vulnerabilities=["elderly", "disability"], needs=["large_print"]
    )
    assert flagged.needs_care and not plain.needs_care
    for complaint in (plain, flagged):
        complaint.refresh_from_db()
    assert (flagged.due_date, flagged.statutory_due_date) == (plain.due_date, plain.statutory_due_date)
    assert services.allowed_actions(flagged) == services.allowed_actions(plain)
    assert all(
        services.can_act(handler, flagged, action) == services.can_act(handler, plain, action)
        for action in services.TRANSITIONS
    )
    plain = extend(plain, requester=handler, approver=supervisor)
    flagged = extend(flagged, requester=handler, approver=supervisor)
    assert flagged.due_date == plain.due_date and flagged.extensions == plain.extensions == 1


# Asked on the form, set by staff.


def test_the_public_form_asks_gently_for_circumstances_and_help_in_both_languages(demo):
    client = Client()
    english = client.get("/en/complaints/new/?step=want").text
    chinese = client.get("/complaints/new/?step=want").text
    assert "<legend>Would some help make this easier? (optional)</legend>" in english
    assert 'value="call_back"' in english and 'type="checkbox"' in english
    assert "Does any of this apply to you? (optional)" in english
    with translation.override("zh-hans"):
        assert f"<legend>{translation.gettext('Would some help make this easier? (optional)')}</legend>" in chinese


def test_a_call_back_asked_on_the_form_waits_in_the_call_back_queue_linked_to_the_complaint(demo, handler):
    client = Client()
    page = client.get("/complaints/new/").text
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    data = {
        "name": "李四",
        "phone": "138 1234 5678",
        "capacity": "self",
        "category": "claims",
        "description": "理赔申请提交三个月仍无答复。",
        "vulnerabilities": ["elderly"],
        "needs": ["call_back", "large_print"],
        "consent": "on",
        "token": token,
        "website": "",
    }
    assert client.post("/complaints/new/", data).status_code == 302
    callback = Callback.objects.get()
    complaint = callback.complaint
    assert complaint.vulnerabilities == ["elderly"] and complaint.needs == ["large_print", "call_back"]
    assert callback.status == CallbackStatus.WAITING and callback.phone == complaint.phone
    assert callback.topic == complaint.tracking_number
    callback_record(callback=callback, actor=handler, outcome="answered", note="已回电，说明理赔进度")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE and callback.answered_by == handler


def test_staff_record_circumstances_with_an_event_and_without_the_permission_are_refused(
    supervisor, handler, compliance
):
    complaint = _accepted(supervisor, handler)
    with pytest.raises(PermissionDenied):
        services.complaint_set_care(complaint=complaint, actor=compliance, vulnerabilities=["disability"], needs=[])
    complaint = services.complaint_set_care(
        complaint=complaint, actor=handler, vulnerabilities=["disability"], needs=["call_back"], note="来电时提到"
    )
    event = complaint.events.get(action=EventAction.CARE)
    assert not event.public and event.data["vulnerabilities"] == ["disability"]
    assert event.data["before"] == {"vulnerabilities": [], "needs": []}
    assert complaint.callbacks.filter(status=CallbackStatus.WAITING).count() == 1
    with pytest.raises(ValidationError) as unchanged:
        services.complaint_set_care(
            complaint=complaint, actor=handler, vulnerabilities=["disability"], needs=["call_back"]
        )
    assert unchanged.value.code == "unchanged"
    with pytest.raises(ValidationError):
        services.complaint_set_care(complaint=complaint, actor=handler, vulnerabilities=["rich"], needs=[])


def test_the_care_page_and_the_list_show_the_badge_and_filter_flagged_complaints(supervisor, handler):
    plain = _accepted(supervisor, handler)
    flagged = _accepted(supervisor, handler, phone="13912345678", id_type="resident", id_number=BORN_1950)
    client = Client()
    client.force_login(supervisor)
    form = client.get(f"/en/admin/complaints/complaint/{plain.pk}/do/care/")
    assert form.status_code == 200 and 'value="interpreter"' in form.text
    posted = client.post(f"/en/admin/complaints/complaint/{plain.pk}/do/care/", {"needs": ["interpreter"], "note": ""})
    assert posted.status_code == 302
    listing = client.get("/en/admin/complaints/complaint/?care=elderly").text
    assert flagged.tracking_number in listing and plain.tracking_number not in listing
    assert 'class="cp-badge cp-care"' in listing
    helped = client.get("/en/admin/complaints/complaint/?care=any").text
    assert plain.tracking_number in helped and flagged.tracking_number in helped


# The decision's two data points.


def test_the_decision_records_the_two_data_points_and_a_cause_needs_a_vulnerable_complainant(supervisor, handler):
    complaint = _accepted(supervisor, handler, id_type="resident", id_number=BORN_1950)
    decide = {
        "actor": handler,
        "decision": "经核查，予以赔付。",
        "outcome": "upheld",
        "remedies": ["review"],
        "reliefs": ["claim_paid"],
    }
    with pytest.raises(ValidationError):
        services.complaint_decide(complaint=complaint, vulnerable=False, vulnerability_cause=True, **decide)
    complaint = services.complaint_decide(complaint=complaint, vulnerable=True, vulnerability_cause=False, **decide)
    complaint.refresh_from_db()
    assert complaint.vulnerable_at_decision is True and complaint.vulnerability_cause is False


def test_the_decide_form_offers_the_data_points_only_for_a_flagged_complaint(supervisor, handler):
    plain = _accepted(supervisor, handler)
    flagged = _accepted(supervisor, handler, phone="13912345678", id_type="resident", id_number=BORN_1950)
    client = Client()
    client.force_login(handler)
    assert 'name="vulnerable"' not in client.get(f"/en/admin/complaints/complaint/{plain.pk}/do/decide/").text
    page = client.get(f"/en/admin/complaints/complaint/{flagged.pk}/do/decide/").text
    assert 'name="vulnerable"' in page and 'name="vulnerability_cause"' in page


# The one-time list of materials.


def test_the_list_of_materials_is_sent_once_at_acceptance_and_shown_on_the_status_page(supervisor, handler):
    _claims_list()
    complaint = _accepted(supervisor, handler, phone="13912345678")
    sent = complaint.events.get(action=EventAction.MATERIALS)
    assert sent.public and sent.data["zh-hans"][0] == "理赔申请书"
    assert Message.objects.filter(template="complaint.materials", reference=complaint.tracking_number).exists()
    # Once: asked to send it again, nothing more goes.
    assert care.materials_send(complaint, actor=handler) is False
    assert complaint.events.filter(action=EventAction.MATERIALS).count() == 1
    assert Message.objects.filter(template="complaint.materials", reference=complaint.tracking_number).count() == 1
    client = Client()
    client.post("/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": "13912345678"})
    page = client.get("/complaints/track/status/").text
    assert 'id="materials"' in page and "被保险人身份证明" in page


def test_a_product_lines_own_list_comes_before_the_categorys_general_one(supervisor):
    _claims_list()
    _claims_list(product_line="health", items_zh="理赔申请书\n病历", items_en="The claim form\nThe medical record")
    assert services.materials_for("claims", "health").items("en") == ["The claim form", "The medical record"]
    assert services.materials_for("claims", "life").product_line == ""
    assert services.materials_for("sales") is None


def test_only_a_supervisor_keeps_the_lists_and_both_languages_must_list_the_same_items(handler, supervisor):
    with pytest.raises(PermissionDenied):
        services.materials_list_save(
            actor=handler, materials=MaterialsList(category="sales", items_zh="保单", items_en="The policy")
        )
    with pytest.raises(ValidationError) as uneven:
        services.materials_list_save(
            actor=supervisor, materials=MaterialsList(category="sales", items_zh="保单\n身份证", items_en="The policy")
        )
    with translation.override("en"):
        assert "(2 and 1 lines now)" in uneven.value.messages[0]
    kept = services.materials_list_save(
        actor=supervisor, materials=MaterialsList(category="sales", items_zh=" 保单\n\n", items_en="The policy ")
    )
    assert kept.items_zh == "保单" and kept.updated_by == supervisor and kept.history.count() == 1


def test_the_lists_page_refuses_uneven_languages_with_the_reason_and_keeps_what_was_typed(supervisor):
    client = Client()
    client.force_login(supervisor)
    typed = {"category": "sales", "product_line": "", "items_zh": "保单\n身份证", "items_en": "The policy"}
    page = client.post("/en/admin/complaints/materialslist/add/", typed)
    assert page.status_code == 200 and "(2 and 1 lines now)" in page.text and "身份证" in page.text
    assert not MaterialsList.objects.exists()
    typed["items_en"] = "The policy\nThe identity document"
    assert client.post("/en/admin/complaints/materialslist/add/", typed).status_code == 302
    assert MaterialsList.objects.get().updated_by == supervisor


def test_a_further_request_is_recorded_with_its_reason_told_to_the_complainant_and_counted(supervisor, handler):
    _claims_list()
    complaint = _accepted(supervisor, handler)
    with pytest.raises(ValidationError):
        services.complaint_request_further(complaint=complaint, actor=handler, what="住院病历", reason="")
    services.complaint_request_further(
        complaint=complaint, actor=handler, what="住院病历", reason="投诉人补充提到住院，清单未含"
    )
    event = complaint.events.get(action=EventAction.FURTHER_REQUEST)
    assert event.public and event.public_note == "住院病历" and event.data["reason"].startswith("投诉人")
    assert Message.objects.filter(template="complaint.further", reference=complaint.tracking_number).exists()
    report = complaint_report(period=Period(2026))
    assert report["further_requests"] == 1


# The figures.


def test_the_report_the_disclosure_and_the_rating_count_complaints_per_group(supervisor, handler):
    register(supervisor, id_type="resident", id_number=BORN_1950)
    register(supervisor, phone="13912345678", capacity="heir", principal_name="王五", id_type="passport")
    helped = register(supervisor, phone="13712345678")
    services.complaint_set_care(
        complaint=helped, actor=supervisor, vulnerabilities=["new_citizen"], needs=["call_back"]
    )
    report = complaint_report(period=Period(2026))
    assert report["vulnerable"] == {
        "elderly": 1,
        "disability": 0,
        "foreign_national": 1,
        "new_citizen": 1,
        "bereaved": 1,
        "needs_help": 1,
    }
    assert report["further_requests"] == 0
    section = disclosure.complaint_section(2026)
    assert "### 特殊群体投诉" in section["zh_hans"] and "老年人1件" in section["zh_hans"]
    assert "1 from older people (60 and over)" in section["en"]
    service = next(element for element in rating_figures(2026)["elements"] if element["key"] == "service")
    figures = {figure["key"]: figure["value"] for figure in service["figures"]}
    assert figures["complaints_vulnerable"] == 3 and figures["further_requests"] == 0


def test_a_year_without_flags_gets_no_special_groups_paragraph(supervisor):
    register(supervisor)
    assert "特殊群体" not in disclosure.complaint_section(2026)["zh_hans"]
    assert ComplaintEvent.objects.filter(action=EventAction.CARE).count() == 0
