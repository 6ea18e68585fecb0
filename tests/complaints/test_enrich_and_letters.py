"""Correcting and enriching a case while it is worked (reclassification, internal notes, call logs, staff
documents, sandboxed previews) and decision letters (templates kept by supervisors, the decide form starting
from one, the printable letter kept in the history)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation

from complaints import history, letters, placeholders, services
from complaints.models import (
    ComplaintAttachment,
    ComplaintEvent,
    EventAction,
    LetterTemplate,
    Status,
)
from portal.models import Branch, PersonalDataSeen
from tests.complaints.factories import frozen_at

from . import files
from .factories import register

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/complaints/complaint/"
NOW = "2026-11-20 10:00 +0800"


_frozen = frozen_at(NOW)


@pytest.fixture
def case(people):
    complaint = register(people["supervisor"], attachments=[files.pdf(), files.png(), files.docx()])
    complaint = services.complaint_assign(complaint=complaint, actor=people["supervisor"], handler=people["handler"])
    return services.complaint_accept(complaint=complaint, actor=people["handler"])


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _last(complaint, action):
    return complaint.events.filter(action=action).order_by("-id").first()


def test_a_reclassification_records_each_field_before_and_after_and_the_history_reads_labels(case, people):
    branch = Branch.objects.order_by("pk").first()
    complaint = services.complaint_reclassify(
        complaint=case,
        actor=people["handler"],
        changes={"category": "sales", "product_line": "health", "branch": branch, "business_channel": ""},
        note="电话核实后为销售误导",
    )
    complaint.refresh_from_db()
    assert (complaint.category, complaint.product_line, complaint.branch) == ("sales", "health", branch)
    assert complaint.status == Status.ACCEPTED
    event = _last(complaint, EventAction.RECLASSIFY)
    assert event.from_status == event.to_status == Status.ACCEPTED and not event.public
    assert event.data == {
        "changes": {"category": ["claims", "sales"], "branch": ["", branch.name], "product_line": ["", "health"]}
    }
    with translation.override("en"):
        assert "category: Claims → Sales" in event.detail_lines
        assert "product line: — → Health" in event.detail_lines
    with translation.override("zh-hans"):
        assert not any("claims" in line or "health" in line for line in event.detail_lines)


def test_the_timeline_reads_a_reclassification_and_a_call_in_words_not_their_stored_codes(case, people):
    branch = Branch.objects.order_by("pk").first()
    services.complaint_reclassify(
        complaint=case, actor=people["handler"], changes={"product_line": "health", "branch": branch}
    )
    services.complaint_log_call(
        complaint=case,
        actor=people["handler"],
        direction="in",
        outcome="reached",
        text="来电催办",
        happened_at=timezone.now(),
    )
    with translation.override("en"):
        details = {item["event"].action: item["details"] for item in history.timeline(case)}
    assert ("product line", "— → Health") in details[EventAction.RECLASSIFY]
    assert ("branch", f"— → {branch.name}") in details[EventAction.RECLASSIFY]
    assert set(details[EventAction.CALL]) == {
        ("Call", "Incoming call"),
        ("How the call went", "Reached the complainant"),
        ("Time of the call", "2026-11-20 10:00"),
    }


def test_a_reclassification_that_changes_nothing_or_gives_an_invalid_value_is_refused(case, people):
    handler = people["handler"]
    for changes, code in (
        ({"category": "claims"}, "unchanged"),
        ({"category": "bribery"}, "invalid"),
        ({"product_line": "car"}, "invalid"),
        ({"province": "Atlantis"}, "invalid"),
        ({"named_employee": handler}, "named_handler"),
        ({"phone": "13900000000"}, "field"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.complaint_reclassify(complaint=case, actor=handler, changes=changes)
        assert refused.value.code == code, changes
    assert not case.events.filter(action=EventAction.RECLASSIFY).exists()


def test_only_staff_who_may_act_on_the_complaint_reclassify_it(case, people):
    for who in ("other_handler", "compliance"):
        with pytest.raises(PermissionDenied):
            services.complaint_reclassify(complaint=case, actor=people[who], changes={"category": "sales"})
    response = client_for(people["other_handler"]).post(f"{ADMIN}{case.pk}/do/reclassify/", {"category": "sales"})
    assert response.status_code in (403, 404)
    services.complaint_reclassify(complaint=case, actor=people["supervisor"], changes={"category": "sales"})
    case.refresh_from_db()
    assert case.category == "sales"


def test_a_web_complaint_given_a_branch_is_counted_in_that_branchs_list(case, people):
    """Complaints are scoped by handler, not by branch; the branch is what reports, exports and the list's
    branch filter read, so a reclassified branch brings the complaint there."""
    branch = Branch.objects.order_by("-pk").first()
    client = client_for(people["supervisor"])
    url = f"{ADMIN}?branch__id__exact={branch.pk}"
    assert case.tracking_number not in client.get(url).text
    form = {
        "category": case.category,
        "branch": branch.pk,
        "province": branch.province,
        "business_channel": "",
        "product_line": "",
        "note": "",
    }
    response = client_for(people["handler"]).post(f"{ADMIN}{case.pk}/do/reclassify/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert case.tracking_number in client.get(url).text


def test_the_reclassify_form_starts_from_the_recorded_values_and_is_among_the_record_buttons(case, people):
    client = client_for(people["handler"])
    record = client.get(f"{ADMIN}{case.pk}/change/").text
    for action in ("reclassify", "note", "call", "attach"):
        assert f'data-action="{action}"' in record
    page = client.get(f"{ADMIN}{case.pk}/do/reclassify/").text
    assert '<option value="claims" selected>' in page


def test_a_note_and_a_call_log_are_events_without_a_status_change_and_never_public(case, people):
    client = client_for(people["handler"])
    response = client.post(f"{ADMIN}{case.pk}/do/note/", {"text": "分公司说下周一回复"})
    assert response.status_code == 302
    response = client.post(
        f"{ADMIN}{case.pk}/do/call/",
        {"direction": "out", "outcome": "call_back", "happened_at": "2026-11-20T09:15", "text": "客户请下午再打"},
    )
    assert response.status_code == 302
    note, call = _last(case, EventAction.NOTE), _last(case, EventAction.CALL)
    for event in (note, call):
        assert event.from_status == event.to_status == Status.ACCEPTED
        assert not event.public and event.public_note == ""
    assert note.note == "分公司说下周一回复"
    assert call.data == {"direction": "out", "outcome": "call_back", "at": "2026-11-20T09:15+08:00"}
    with translation.override("en"):
        assert call.detail_lines == ["Outgoing call: Asked to be called back"]
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    public = Client()
    public.post("/en/complaints/track/", {"tracking_number": case.tracking_number, "phone": "13812345678"})
    status_page = public.get("/en/complaints/track/status/").text
    assert case.tracking_number in status_page
    assert "分公司说下周一回复" not in status_page and "客户请下午再打" not in status_page


def test_a_call_in_the_future_an_unknown_outcome_or_an_empty_note_is_refused(case, people):
    handler = people["handler"]
    later = timezone.now() + timezone.timedelta(hours=2)
    for kwargs, code in (
        ({"direction": "out", "outcome": "reached", "happened_at": later}, "future"),
        ({"direction": "out", "outcome": "shouted"}, "outcome"),
        ({"direction": "sideways", "outcome": "reached"}, "direction"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.complaint_log_call(complaint=case, actor=handler, **kwargs)
        assert refused.value.code == code
    with pytest.raises(ValidationError):
        services.complaint_add_note(complaint=case, actor=handler, text="   ")
    assert not case.events.filter(action__in=[EventAction.CALL, EventAction.NOTE]).exists()


def test_a_staff_upload_rejects_a_disguised_file_and_accepts_a_pdf_recording_who_added_it(case, people):
    client = client_for(people["handler"])
    before = ComplaintAttachment.objects.count()
    refused = client.post(f"{ADMIN}{case.pk}/do/attach/", {"files": [files.executable_named_pdf()], "note": ""})
    assert refused.status_code == 200 and "errorlist" in refused.text
    assert ComplaintAttachment.objects.count() == before
    form_page = client.get(f"{ADMIN}{case.pk}/do/attach/").text
    assert 'enctype="multipart/form-data"' in form_page
    response = client.post(
        f"{ADMIN}{case.pk}/do/attach/", {"files": [files.pdf("branch-statement.pdf")], "note": "分公司说明"}
    )
    assert response.status_code == 302
    added = ComplaintAttachment.objects.get(complaint=case, original_name="branch-statement.pdf")
    assert added.uploaded_by == people["handler"] and not added.by_complainant
    event = _last(case, EventAction.ATTACH)
    assert event.data == {"files": ["branch-statement.pdf"]} and not event.public
    record = client.get(f"{ADMIN}{case.pk}/change/").text
    assert "added by handler" in record and 'id="add-documents"' in record


def test_the_preview_serves_an_image_inline_sandboxed_with_the_download_headers_and_is_logged(case, people):
    client = client_for(people["handler"])
    image = case.attachments.get(content_type="image/png")
    response = client.get(f"{ADMIN}attachment/{image.pk}/preview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"].startswith("private, no-store")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert (
        PersonalDataSeen.objects.about(case)
        .filter(user=people["handler"], where="admin:attachment-preview", fields=f"attachment:{image.pk}")
        .exists()
    )
    record = client.get(f"{ADMIN}{case.pk}/change/").text
    pdf = case.attachments.get(content_type="application/pdf")
    docx = case.attachments.exclude(content_type__in=["application/pdf", "image/png"]).get()
    assert f"attachment/{image.pk}/preview/" in record and f"attachment/{pdf.pk}/preview/" in record
    assert f"attachment/{docx.pk}/preview/" not in record


def test_the_preview_is_refused_without_the_full_data_permission_to_others_and_for_other_files(case, people):
    image = case.attachments.get(content_type="image/png")
    docx = case.attachments.exclude(content_type__in=["application/pdf", "image/png"]).get()
    for who in ("compliance", "other_handler"):
        response = client_for(people[who]).get(f"{ADMIN}attachment/{image.pk}/preview/")
        assert response.status_code in (403, 404), who
    assert client_for(people["handler"]).get(f"{ADMIN}attachment/{docx.pk}/preview/").status_code == 404
    assert not PersonalDataSeen.objects.filter(where="admin:attachment-preview").exclude(user=people["handler"])


def test_a_template_with_an_unknown_placeholder_is_refused_with_a_translated_error(people):
    client = client_for(people["supervisor"])
    form = {"name": "理赔", "language": "zh-hans", "outcome": "", "is_active": "on", "body": "尊敬的{名字}：{name}"}
    response = client.post("/admin/complaints/lettertemplate/add/", form)
    assert response.status_code == 200
    assert "未知的占位符：{名字}" in response.text
    for body in ("{tracking_number!r}", "{decision.__class__}", "未闭合的 {name"):
        with pytest.raises(ValidationError):
            placeholders.check_placeholders(body)
    response = client.post("/admin/complaints/lettertemplate/add/", {**form, "body": "{name}，您好"})
    assert response.status_code == 302
    template = LetterTemplate.objects.get(name="理赔")
    assert template.created_by == template.updated_by == people["supervisor"]
    handler = client_for(people["handler"])
    assert handler.get("/en/admin/complaints/lettertemplate/").status_code == 200
    assert handler.post("/en/admin/complaints/lettertemplate/add/", {**form, "name": "x"}).status_code == 403


def test_a_filled_template_gives_the_case_facts_in_chinese_and_in_english(people):
    body = "{name}：{tracking_number}，{received_date}收到，{due_date}前答复。{decision}\n{remedies}\n{regulator_route}"
    template = LetterTemplate(name="t", language="zh-hans", body=body)
    chinese = register(people["supervisor"], name="李四")
    text = letters.fill(template, chinese)
    assert text.startswith(f"李四：{chinese.tracking_number}，2026年11月20日收到，2026年12月5日前答复。")
    assert "申请核查" in text and "调解" in text and "仲裁" in text and "人民法院" in text
    assert "12378" in text and "国家金融监督管理总局" in text
    english = register(people["supervisor"], name="Daniel Weber", language="en")
    text = letters.fill(template, english)
    assert "Daniel Weber" in text and "20 November 2026" in text and "5 December 2026" in text
    assert "review" in text and "mediation" in text and "arbitration" in text and "court" in text
    assert "12378" in text and "National Financial Regulatory Administration" in text
    assert placeholders.substitute("{{literal}} {name}", {"name": "x"}) == "{literal} x"


def test_the_decide_form_starts_from_a_template_and_the_handler_decides(case, people):
    call_command_demo_templates()
    template = LetterTemplate.objects.get(language="zh-hans")
    english = LetterTemplate.objects.get(language="en")
    client = client_for(people["handler"])
    page = client.get(f"{ADMIN}{case.pk}/do/decide/").text
    assert 'id="template-choice"' in page
    # The complainant's language first.
    assert page.index(f'value="{template.pk}"') < page.index(f'value="{english.pk}"')
    page = client.get(f"{ADMIN}{case.pk}/do/decide/?template={template.pk}").text
    assert f"您于2026年11月20日提出的投诉（编号{case.tracking_number}）已收悉" in page
    assert '<option value="not_upheld" selected>' in page
    decision = letters.fill(template, case).replace("[[写明核查的事实与依据的合同条款]]", "理赔材料显示既往症未告知")
    response = client.post(
        f"{ADMIN}{case.pk}/do/decide/",
        {
            "decision": decision,
            "outcome": "not_upheld",
            "remedies": ["review", "mediation", "arbitration", "litigation"],
            "reliefs": ["explanation"],
            "delivered_on": "2026-11-20",
            "note": "",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DECIDED and "既往症未告知" in case.decision


def call_command_demo_templates():
    from complaints import demo

    demo._load_letter_templates()


def _decided(case, people, language="zh-hans"):
    case.language = language
    case.save(update_fields=["language"])
    return services.complaint_decide(
        complaint=case,
        actor=people["handler"],
        decision="经核查，您的理赔申请符合合同约定，我司将在五个工作日内支付理赔款。",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review", "mediation", "arbitration", "litigation"],
    )


def test_the_letter_page_renders_the_facts_and_recording_it_keeps_the_text_in_the_history(case, people):
    complaint = _decided(case, people)
    client = client_for(people["handler"])
    url = f"{ADMIN}{complaint.pk}/letter/"
    page = client.get(url).text
    assert f"投诉编号：{complaint.tracking_number}" in page and "尊敬的张三：" in page
    assert "2026年11月20日" in page and "五个工作日内支付理赔款" in page
    assert "申请核查" in page and "12378" in page and "letter.css" in page
    assert PersonalDataSeen.objects.about(complaint).filter(user=people["handler"], where="admin:letter").exists()
    assert 'data-action="letter"' in client.get(f"{ADMIN}{complaint.pk}/change/").text
    response = client.post(url)
    assert response.status_code == 302
    event = _last(complaint, EventAction.LETTER)
    assert event.actor == people["handler"] and not event.public
    assert event.from_status == event.to_status == Status.DECIDED
    assert complaint.tracking_number in event.note and "五个工作日内支付理赔款" in event.note and "12378" in event.note
    assert "Last recorded as issued by handler" in client.get(url).text


def test_the_letter_is_in_english_for_an_english_complainant_and_only_once_decided(case, people):
    client = client_for(people["handler"])
    assert client.get(f"{ADMIN}{case.pk}/letter/").status_code == 403
    with pytest.raises(ValidationError):
        services.complaint_issue_letter(complaint=case, actor=people["handler"])
    complaint = _decided(case, people, language="en")
    page = client_for(people["handler"]).get(f"/admin/complaints/complaint/{complaint.pk}/letter/").text
    assert f"Complaint number: {complaint.tracking_number}" in page and "Dear 张三," in page
    assert "20 November 2026" in page and "people&#x27;s court" in page
    assert client_for(people["compliance"]).get(f"{ADMIN}{complaint.pk}/letter/").status_code == 403
    assert not ComplaintEvent.objects.filter(action=EventAction.LETTER).exists()
