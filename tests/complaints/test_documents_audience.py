"""Documents by audience: a staff document is internal unless it is sent to the complainant; the status page lists
the documents the complainant sent apart from those we sent them, and serves only the latter."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from complaints import services
from complaints.models import ComplaintAttachment, EventAction
from portal.messaging.models import Message
from tests.complaints.factories import frozen_at

from . import files
from .factories import register

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/complaints/complaint/"
PHONE = "13912345678"

_frozen = frozen_at("2026-11-20 10:00 +0800")


@pytest.fixture
def case(people):
    complaint = register(people["supervisor"], phone=PHONE)
    complaint = services.complaint_assign(complaint=complaint, actor=people["supervisor"], handler=people["handler"])
    complaint = services.complaint_accept(complaint=complaint, actor=people["handler"])
    return services.complaint_add_information(
        complaint=complaint, text="补充材料", attachments=[files.pdf("my-claim.pdf")]
    )


def staff_client(user):
    client = Client()
    client.force_login(user)
    return client


def complainant(case, prefix=""):
    client = Client()
    response = client.post(f"{prefix}/complaints/track/", {"tracking_number": case.tracking_number, "phone": PHONE})
    assert response.status_code == 302
    return client


def upload(case, user, name, audience=None):
    data = {"files": [files.pdf(name)], "note": "核查记录"}
    if audience:
        data["audience"] = audience
    response = staff_client(user).post(f"{ADMIN}{case.pk}/do/attach/", data)
    assert response.status_code == 302, response.text
    return ComplaintAttachment.objects.get(complaint=case, original_name=name)


def test_a_staff_upload_is_internal_by_default_and_the_upload_form_offers_the_choice(case, people):
    form = staff_client(people["handler"]).get(f"{ADMIN}{case.pk}/do/attach/").text
    assert 'name="audience" value="internal" id="id_audience_0" checked' in form
    assert 'name="audience" value="complainant" id="id_audience_1">' in form
    document = upload(case, people["handler"], "investigation.pdf")
    assert document.is_internal and document.sent_at is None and not document.by_complainant
    assert not case.events.filter(action=EventAction.SEND_DOCUMENTS).exists()


def test_an_internal_upload_is_absent_from_the_status_page_and_its_download_address_is_not_found(case, people):
    document = upload(case, people["handler"], "investigation.pdf", "internal")
    for prefix in ("", "/en"):
        client = complainant(case, prefix)
        page = client.get(f"{prefix}/complaints/track/status/").text
        assert "investigation.pdf" not in page and document.public_key not in page
        assert client.get(f"{prefix}/complaints/track/documents/{document.public_key}/").status_code == 404
    assert not Message.objects.filter(text__contains="investigation.pdf").exists()


def test_a_document_sent_on_upload_is_listed_under_we_sent_you_and_downloads_for_the_complainant_only(case, people):
    document = upload(case, people["handler"], "invoice.pdf", "complainant")
    assert document.is_sent and document.sent_at is not None
    event = case.events.get(action=EventAction.SEND_DOCUMENTS)
    assert event.public and event.data == {"files": ["invoice.pdf"]} and event.actor == people["handler"]
    client = complainant(case, "/en")
    page = client.get("/en/complaints/track/status/").text
    to_you = page[page.index('id="documents-to-you"') : page.index('id="documents-from-you"')]
    from_you = page[page.index('id="documents-from-you"') :]
    assert "Documents we sent you" in page and "invoice.pdf" in to_you and "my-claim.pdf" not in to_you
    assert "Documents you sent" in page and "my-claim.pdf" in from_you and "invoice.pdf" not in from_you
    download = client.get(f"/en/complaints/track/documents/{document.public_key}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment") and "invoice.pdf" in download["Content-Disposition"]
    assert download["Cache-Control"].startswith("private, no-store")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Without the look-up, or after it ended, the address opens nothing.
    assert Client().get(f"/en/complaints/track/documents/{document.public_key}/").status_code == 404
    client.post("/en/complaints/track/end/")
    assert client.get(f"/en/complaints/track/documents/{document.public_key}/").status_code == 404


def test_the_complainants_own_files_are_listed_under_you_sent_in_chinese_and_are_not_served_back(case):
    own = case.attachments.get(original_name="my-claim.pdf")
    client = complainant(case)
    page = client.get("/complaints/track/status/").text
    assert "您提交的材料" in page and "my-claim.pdf" in page
    assert "我们发给您的材料" not in page
    assert client.get(f"/complaints/track/documents/{own.public_key}/").status_code == 404


def test_an_internal_document_sent_later_is_a_service_with_a_public_event_and_stays_sent(case, people):
    document = upload(case, people["handler"], "branch-statement.pdf")
    client = staff_client(people["handler"])
    form = client.get(f"{ADMIN}{case.pk}/do/send_documents/").text
    assert "branch-statement.pdf" in form and "my-claim.pdf" not in form
    response = client.post(f"{ADMIN}{case.pk}/do/send_documents/", {"documents": [document.pk]})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_sent
    assert case.events.filter(action=EventAction.SEND_DOCUMENTS, public=True).count() == 1
    record = client.get(f"{ADMIN}{case.pk}/change/").text
    assert 'data-audience="sent"' in record and "sent to the complainant on 2026-11-20" in record
    # Nothing internal is left to send: the step is no longer offered, and sending again is refused.
    assert 'data-action="send_documents"' not in record
    assert client.get(f"{ADMIN}{case.pk}/do/send_documents/").status_code == 409
    with pytest.raises(ValidationError):
        services.complaint_send_documents(complaint=case, actor=people["handler"], documents=[document])
    page = complainant(case).get("/complaints/track/status/").text
    assert "branch-statement.pdf" in page


def test_only_the_complaints_own_internal_documents_can_be_sent_and_only_by_staff_who_may_act(case, people):
    internal = upload(case, people["handler"], "investigation.pdf")
    own = case.attachments.get(original_name="my-claim.pdf")
    other = register(people["supervisor"], phone="13700001111")
    with pytest.raises(ValidationError) as refused:
        services.complaint_send_documents(complaint=other, actor=people["supervisor"], documents=[internal])
    assert refused.value.code == "not_internal"
    with pytest.raises(ValidationError) as refused:
        services.complaint_send_documents(complaint=case, actor=people["handler"], documents=[own])
    assert refused.value.code == "not_internal"
    with pytest.raises(ValidationError) as refused:
        services.complaint_send_documents(complaint=case, actor=people["handler"], documents=[])
    assert refused.value.code == "empty"
    with pytest.raises(PermissionDenied):
        services.complaint_send_documents(complaint=case, actor=people["other_handler"], documents=[internal])
    with pytest.raises(PermissionDenied):
        services.complaint_send_documents(complaint=case, actor=people["compliance"], documents=[internal])
    internal.refresh_from_db()
    assert internal.is_internal
    assert not case.events.filter(action=EventAction.SEND_DOCUMENTS).exists()


def test_a_masked_role_still_sees_every_document_listed_on_the_record_with_its_audience(case, people):
    upload(case, people["handler"], "investigation.pdf")
    upload(case, people["handler"], "invoice.pdf", "complainant")
    for who in ("compliance", "supervisor"):
        record = staff_client(people[who]).get(f"{ADMIN}{case.pk}/change/").text
        for name in ("investigation.pdf", "invoice.pdf", "my-claim.pdf"):
            assert name in record, (who, name)
        assert 'data-audience="internal"' in record and 'data-audience="sent"' in record
    # The masked role reads the names, as before; the files download only for those who see personal data in full.
    masked = staff_client(people["compliance"]).get(f"{ADMIN}{case.pk}/change/").text
    assert "Attachments download only for staff allowed to see personal data in full." in masked
    assert "/attachment/" not in masked


def test_an_issued_decision_letter_is_listed_under_we_sent_you(case, people):
    case = services.complaint_start(complaint=case, actor=people["handler"])
    case = services.complaint_decide(
        complaint=case,
        actor=people["handler"],
        decision="经核查，同意按合同约定理赔。",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review"],
    )
    services.complaint_issue_letter(complaint=case, actor=people["handler"])
    page = complainant(case, "/en").get("/en/complaints/track/status/").text
    to_you = page[page.index('id="documents-to-you"') :]
    assert "Our decision letter, issued on" in to_you


def test_the_migration_keeps_staff_documents_internal_and_gives_a_complaints_registered_files_to_the_complainant(
    people,
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("complaints.migrations.0021_docs_audience")
    complaint = register(people["supervisor"], phone=PHONE, attachments=[files.pdf("letter-enclosure.pdf")])
    added = services.complaint_add_staff_attachments(
        complaint=complaint, actor=people["supervisor"], files=[files.pdf("investigation.pdf")]
    )
    # As rows stood before: every file staff uploaded, registered or added, was "not from the complainant".
    ComplaintAttachment.objects.filter(complaint=added).update(by_complainant=False)
    migration._registered_files_are_the_complainants(apps, None)
    enclosure = ComplaintAttachment.objects.get(complaint=complaint, original_name="letter-enclosure.pdf")
    investigation = ComplaintAttachment.objects.get(complaint=complaint, original_name="investigation.pdf")
    assert enclosure.by_complainant and enclosure.uploaded_by == people["supervisor"]
    assert investigation.is_internal


def test_a_garbled_document_address_is_not_found_never_an_error(case, people):
    upload(case, people["handler"], "invoice.pdf", "complainant")
    client = complainant(case, "/en")
    for key in ("9" * 400, "%E2%80%AE" + "a" * 24, "%00", "..%2F..%2Fsettings.py", "x" * 24, "%F0%9F%98%80"):
        assert client.get(f"/en/complaints/track/documents/{key}/").status_code == 404, key
    assert client.post(f"/en/complaints/track/documents/{'x' * 24}/").status_code == 405
