"""Filing a complaint on the web: the form, its checks, idempotency, the receipt, notifications."""

import re

import pytest
from django.core import mail
from django.test import Client

from complaints.models import Complaint, ComplaintAttachment
from portal.messaging.models import Message

from . import files

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script><b>粗体</b> <img src=x onerror=alert(1)> 😀🙏 &amp; "quotes"'


def form_token(client, path="/complaints/new/"):
    response = client.get(path)
    assert response.status_code == 200
    return re.search(r'name="token" value="([^"]+)"', response.text).group(1)


def valid_data(token, **overrides):
    data = {
        "name": "李四",
        "phone": "138 1234 5678",
        "email": "lisi@example.com",
        "capacity": "self",
        "category": "claims",
        "description": "理赔申请提交三个月仍无答复。",
        "consent": "on",
        "token": token,
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def client(demo):
    return Client()


def test_the_steps_have_the_contract_field_names_guidance_and_privacy_notice_in_both_languages(client):
    for prefix, words in [("", "隐私"), ("/en", "Privacy notice")]:
        pages = [client.get(f"{prefix}/complaints/new/?step={step}").text for step in ("who", "what", "documents")]
        text = "".join(pages)
        for name in ("name", "phone", "email", "category", "description", "attachments"):
            assert f'name="{name}"' in text, name
        assert all('enctype="multipart/form-data"' in page and 'class="honeypot"' in page for page in pages)
        assert all('class="step-tips"' in page for page in pages)
        # The check step shows the consent and the privacy notice (the whole form, sent at once, too).
        whole = client.post(f"{prefix}/complaints/new/", valid_data(form_token(client), consent="", phone="1"))
        assert 'name="consent"' in whole.text and words in whole.text


def test_the_step_buttons_read_next_and_back_in_chinese(client):
    page = client.get("/complaints/new/?step=what").text
    assert ">下一步</button>" in page and ">上一步</button>" in page
    assert "最近一次" not in page  # the reception schedule's "next" (the coming day) is another word


def step(client, slug, prefix="", **fields):
    token = re.search(r'name="token" value="([^"]+)"', client.get(f"{prefix}/complaints/new/?step={slug}").text)
    return client.post(f"{prefix}/complaints/new/", {"step": slug, "token": token.group(1), "website": "", **fields})


def test_the_guided_complaint_goes_step_by_step_and_is_sent_only_after_the_check(client):
    answer = step(client, "who", "/en", name="王五", phone="13912345678", capacity="self")
    assert answer.status_code == 302 and answer["Location"] == "/en/complaints/new/?step=what"
    step(client, "what", "/en", category="sales", description="The agent promised a guaranteed return.")
    step(client, "want", "/en", desired_outcome="Cancel the policy and refund the premium.")
    step(client, "documents", "/en", attachments=[files.pdf("letter.pdf")])
    check = client.get("/en/complaints/new/?step=check").text
    assert "The agent promised a guaranteed return." in check and "letter.pdf" in check
    assert "Step 5 of 5: Check and send" in check and not Complaint.objects.exists()
    refused = step(client, "check", "/en")
    assert "Please agree to the privacy notice" in refused.text and not Complaint.objects.exists()
    sent = step(client, "check", "/en", consent="on")
    assert sent["Location"] == "/en/complaints/receipt/"
    complaint = Complaint.objects.get()
    assert (complaint.name, complaint.category, complaint.desired_outcome) == (
        "王五",
        "sales",
        "Cancel the policy and refund the premium.",
    )
    assert [a.original_name for a in complaint.attachments.all()] == ["letter.pdf"]


def test_going_back_a_step_keeps_what_was_typed(client):
    step(client, "who", name="王五", phone="13912345678")
    back = step(client, "what", description="只写了一半", go="back")
    assert back["Location"] == "/complaints/new/?step=who"
    assert "只写了一半" in client.get("/complaints/new/?step=what").text


def test_the_check_step_sends_back_to_the_first_step_with_something_missing(client):
    step(client, "who", name="王五", phone="13912345678")
    assert client.get("/complaints/new/?step=check")["Location"] == "/complaints/new/?step=what"


def test_documents_are_kept_across_a_validation_error_and_sent_with_the_complaint(client):
    token = form_token(client, "/en/complaints/new/")
    wrong = client.post("/en/complaints/new/", valid_data(token, phone="12345", attachments=[files.pdf("policy.pdf")]))
    assert wrong.status_code == 200 and "Enter a valid Chinese phone number" in wrong.text
    assert "policy.pdf" in wrong.text and "you need not choose it again" in wrong.text
    right = client.post("/en/complaints/new/", valid_data(token))
    assert right.status_code == 302
    assert [a.original_name for a in Complaint.objects.get().attachments.all()] == ["policy.pdf"]


def test_a_kept_document_can_be_removed_before_sending(client):
    step(client, "documents", attachments=[files.pdf("a.pdf"), files.pdf("b.pdf")])
    step(client, "documents", remove=["0"])
    page = client.get("/complaints/new/?step=documents").text
    assert "b.pdf" in page and "a.pdf" not in page


def test_a_complaint_filed_in_english_gets_a_receipt_with_number_due_date_and_is_recorded_in_english(
    client, sms_outbox
):
    token = form_token(client, "/en/complaints/new/")
    response = client.post("/en/complaints/new/", valid_data(token, attachments=[files.pdf(), files.png()]))
    assert response.status_code == 302 and response["Location"] == "/en/complaints/receipt/"
    complaint = Complaint.objects.get()
    assert (complaint.language, complaint.channel, complaint.phone) == ("en", "web", "+8613812345678")
    assert complaint.attachments.count() == 2
    receipt = client.get(response["Location"])
    assert f'<p class="tracking-number" id="tracking-number">{complaint.tracking_number}</p>' in receipt.text
    assert "What happens next" in receipt.text
    assert "138****5678" in receipt.text and "13812345678" not in receipt.text
    assert complaint.tracking_number not in response["Location"]


def test_the_receipt_is_queued_with_the_complaint_and_sent_by_the_worker_not_by_the_request(
    client, sms_outbox, settings, run_worker
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    token = form_token(client, "/en/complaints/new/")
    client.post("/en/complaints/new/", valid_data(token))
    complaint = Complaint.objects.get()
    assert sms_outbox == [] and mail.outbox == []  # the request sent nothing
    assert sorted(Message.objects.about(complaint).values_list("channel", "status")) == [
        ("email", "queued"),
        ("sms", "queued"),
    ]
    assert run_worker() == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lisi@example.com"]
    assert "We received your complaint" in mail.outbox[0].body
    assert sms_outbox == [("+8613812345678", sms_outbox[0][1])]
    assert complaint.tracking_number in sms_outbox[0][1] and "We received" in sms_outbox[0][1]


def test_a_chinese_complaint_is_told_in_chinese(client, sms_outbox, run_worker):
    token = form_token(client)
    client.post("/complaints/new/", valid_data(token, email=""))
    assert Complaint.objects.get().language == "zh-hans"
    run_worker()
    assert "我们已于" in sms_outbox[0][1]


def test_the_same_post_sent_twice_makes_one_complaint_and_shows_the_same_receipt(client):
    token = form_token(client)
    data = valid_data(token, attachments=[files.pdf()])
    first = client.post("/complaints/new/", data)
    number = re.search(r'id="tracking-number">([^<]+)<', client.get(first["Location"]).text).group(1)
    # A resent POST from another tab of the same browser, or after a network retry.
    second = client.post("/complaints/new/", valid_data(token, attachments=[files.pdf()]))
    assert second.status_code == 302
    assert Complaint.objects.count() == 1 and ComplaintAttachment.objects.count() == 1
    assert re.search(r'id="tracking-number">([^<]+)<', client.get(second["Location"]).text).group(1) == number


def test_a_token_used_in_another_browser_shows_nobody_elses_receipt(client):
    token = form_token(client)
    client.post("/complaints/new/", valid_data(token))
    stranger = Client()
    stranger.get("/en/complaints/new/")
    reused = stranger.post("/en/complaints/new/", valid_data(token))
    assert reused.status_code == 200 and "The form has expired" in reused.text
    assert stranger.get("/complaints/receipt/")["Location"] == "/complaints/new/"
    assert Complaint.objects.count() == 1


def test_an_executable_renamed_pdf_is_refused_and_everything_typed_is_kept(client):
    token = form_token(client, "/en/complaints/new/")
    response = client.post(
        "/en/complaints/new/", valid_data(token, phone="13812345678", attachments=[files.executable_named_pdf()])
    )
    assert response.status_code == 200
    assert not Complaint.objects.exists()
    assert "is not a PDF / JPEG / PNG / DOCX file" in response.text
    assert "need not choose" not in response.text  # a refused file is not kept
    assert 'value="李四"' in response.text and "理赔申请提交三个月仍无答复。" in response.text
    assert f'value="{token}"' in response.text


def test_a_word_document_and_images_are_accepted_by_content(client):
    token = form_token(client)
    client.post("/complaints/new/", valid_data(token, attachments=[files.docx(), files.png("scan.jpg.png")]))
    kinds = sorted(ComplaintAttachment.objects.values_list("content_type", flat=True))
    assert kinds == ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "image/png"]
    stored = ComplaintAttachment.objects.first().file.name
    assert stored.startswith("complaints/") and "statement" not in stored and "scan" not in stored


def test_more_than_five_attachments_are_refused(client):
    token = form_token(client, "/en/complaints/new/")
    response = client.post(
        "/en/complaints/new/", valid_data(token, attachments=[files.pdf(f"{i}.pdf") for i in range(6)])
    )
    assert "Attach at most 5 files" in response.text
    assert not Complaint.objects.exists()


def test_a_bad_phone_and_missing_consent_are_explained_and_nothing_is_lost(client):
    token = form_token(client, "/en/complaints/new/")
    response = client.post("/en/complaints/new/", valid_data(token, phone="12345", consent=""))
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "Enter a valid Chinese phone number" in response.text
    assert "Please agree to the privacy notice" in response.text
    assert 'class="error-summary"' in response.text
    assert 'value="12345"' in response.text


def test_the_contract_fields_alone_make_a_complaint(client):
    token = form_token(client)
    data = {key: value for key, value in valid_data(token).items() if key != "capacity"}
    data.pop("website")
    assert client.post("/complaints/new/", data).status_code == 302
    assert Complaint.objects.get().capacity == "self"


def test_a_proxy_must_name_the_person_complained_for(client):
    token = form_token(client, "/en/complaints/new/")
    response = client.post("/en/complaints/new/", valid_data(token, capacity="proxy"))
    assert "Give the name of the person you complain for" in response.text
    client.post("/en/complaints/new/", valid_data(token, capacity="proxy", principal_name="王五"))
    assert Complaint.objects.get().principal_name == "王五"


def test_a_filled_honeypot_creates_nothing(client):
    token = form_token(client)
    response = client.post("/complaints/new/", valid_data(token, website="http://spam.example"))
    assert response.status_code == 200 and not Complaint.objects.exists()


def test_markup_and_emoji_in_a_description_are_kept_verbatim_and_shown_as_text(client):
    token = form_token(client)
    response = client.post("/complaints/new/", valid_data(token, description=MARKUP))
    assert Complaint.objects.get().description == MARKUP
    receipt = client.get(response["Location"]).text
    assert "<script>alert" not in receipt and "<img src=x" not in receipt
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;粗体&lt;/b&gt;" in receipt
    assert "😀🙏 &amp;amp; &quot;quotes&quot;" in receipt


def test_submissions_per_address_are_limited_and_the_limit_can_be_switched_off(client, settings):
    settings.PORTAL_COMPLAINT_SUBMIT_LIMIT = 3
    for _ in range(3):
        assert client.post("/complaints/new/", valid_data(form_token(client))).status_code == 302
    limited = client.post("/en/complaints/new/", valid_data(form_token(client)))
    assert limited.status_code == 429 and "Too many" in limited.text
    assert Complaint.objects.count() == 3
    settings.PORTAL_RATE_LIMITS = False
    assert client.post("/complaints/new/", valid_data(form_token(client))).status_code == 302


def test_the_receipt_without_a_submission_goes_back_to_the_form(client):
    response = client.get("/complaints/receipt/")
    assert response.status_code == 302 and response["Location"] == "/complaints/new/"


def test_an_oversized_request_is_refused_before_it_is_read(client, settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 1000
    token = form_token(client, "/en/complaints/new/")
    response = client.post("/en/complaints/new/", valid_data(token, attachments=[files.pdf()], description="x" * 2000))
    assert response.status_code == 413 and "too large" in response.text
    assert not Complaint.objects.exists()
    # The form shown again takes the complaint when it is sent without the oversized parts.
    again = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    assert client.post("/en/complaints/new/", valid_data(again, description="x" * 200)).status_code == 302
    assert Complaint.objects.count() == 1


def test_the_sitemap_lists_the_form_the_look_up_and_the_call_back_request_in_both_languages(client):
    text = client.get("/sitemap.xml").text
    paths = ("/complaints/new/", "/complaints/track/", "/callback/")
    for path in (*paths, *(f"/en{path}" for path in paths)):
        assert f"{path}</loc>" in text or f'{path}"' in text, path


def test_the_home_page_explains_how_complaints_are_handled(client):
    assert "How we handle your complaint" in client.get("/en/").text
    assert "我们如何处理您的投诉" in client.get("/").text
