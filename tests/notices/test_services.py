import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from notices import services
from notices.models import Category, Notice, Status

from .conftest import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Hello <script>alert('x')</script>\n\n"
    '<img src="/static/img/favicon.svg" onerror="alert(1)" alt="a">\n\n'
    '[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">b</a> <p onclick="alert(3)">c</p>'
)


def test_a_new_notice_is_a_draft_that_the_public_cannot_see(make_notice):
    notice = make_notice(publish=False)
    assert notice.status == Status.DRAFT
    assert not Notice.objects.published().filter(pk=notice.pk).exists()


def test_publishing_without_a_time_makes_the_notice_public_now(make_notice):
    notice = make_notice(publish=False)
    notice = services.notice_publish(notice=notice, actor=None)
    assert notice.publish_at <= timezone.now()
    assert Notice.objects.published().filter(pk=notice.pk).exists()


def test_a_future_publish_time_keeps_the_notice_hidden_until_that_moment(make_notice):
    start = timezone.now()
    notice = make_notice(publish=False)
    services.notice_publish(notice=notice, actor=None, publish_at=start + datetime.timedelta(hours=2))
    assert not Notice.objects.published(start).filter(pk=notice.pk).exists()
    with time_machine.travel(start + datetime.timedelta(hours=2, seconds=1)):
        assert Notice.objects.published().filter(pk=notice.pk).exists()


@pytest.mark.parametrize("category", [Category.FRAUD_WARNINGS, Category.FOREIGNER_GUIDES])
def test_a_half_translated_fraud_warning_or_guide_is_refused_publication(make_notice, category):
    notice = make_notice(category=category, publish=False, body_en="")
    # The refusal is worded in the editor's language (English here, whatever an earlier test left active).
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.notice_publish(notice=notice, actor=None)
    assert refused.value.code == "incomplete_translation"
    assert "English" in refused.value.messages[0]
    notice.refresh_from_db()
    assert notice.status == Status.DRAFT


def test_the_refusal_is_explained_in_chinese_to_a_chinese_editor(make_notice):
    notice = make_notice(category=Category.FRAUD_WARNINGS, publish=False, summary_en="")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.notice_publish(notice=notice, actor=None)
    with translation.override("zh-hans"):
        message = refused.value.messages[0]
    assert "不能发布" in message and "通知" in message


def test_other_categories_publish_with_chinese_only(make_notice):
    notice = make_notice(category=Category.ANNOUNCEMENTS, publish=False, title_en="", summary_en="", body_en="")
    notice = services.notice_publish(notice=notice, actor=None)
    assert notice.is_public()


def test_a_published_fraud_warning_cannot_lose_its_english_text(make_notice):
    notice = make_notice(category=Category.FRAUD_WARNINGS)
    with pytest.raises(ValidationError):
        services.notice_update(notice=notice, actor=None, body_en="")


def test_unpublish_and_archive_follow_the_workflow(make_notice):
    notice = make_notice()
    notice = services.notice_unpublish(notice=notice, actor=None)
    assert notice.status == Status.DRAFT
    with pytest.raises(ValidationError):
        services.notice_unpublish(notice=notice, actor=None)
    notice = services.notice_archive(notice=notice, actor=None)
    assert notice.status == Status.ARCHIVED
    assert not Notice.objects.published().filter(pk=notice.pk).exists()
    with pytest.raises(ValidationError):
        services.notice_archive(notice=notice, actor=None)


def test_a_disclosure_needs_the_year_it_reports_on():
    with pytest.raises(ValidationError):
        services.notice_create(actor=None, category=Category.DISCLOSURES, title_zh_hans="年度披露")


def test_slugs_are_ascii_and_unique_within_a_category():
    first = services.notice_create(actor=None, category=Category.CASES, title_zh_hans="案例", title_en="A case")
    second = services.notice_create(actor=None, category=Category.CASES, title_zh_hans="案例", title_en="A case")
    other = services.notice_create(actor=None, category=Category.CAMPAIGNS, title_zh_hans="活动", title_en="A case")
    chinese_only = services.notice_create(actor=None, category=Category.CASES, title_zh_hans="只有中文")
    assert (first.slug, second.slug, other.slug) == ("a-case", "a-case-2", "a-case")
    assert chinese_only.slug.isascii() and chinese_only.slug
    feed = services.notice_create(actor=None, category=Category.CASES, title_zh_hans="订阅", title_en="Feed")
    assert feed.slug == "feed-2"  # /notices/cases/feed/ is the category's feed


def test_unknown_tags_are_refused():
    with pytest.raises(ValidationError):
        services.notice_create(actor=None, category=Category.CASES, title_zh_hans="x", rights=["bogus"])


def test_the_edit_history_records_who_changed_what(make_notice, editor):
    notice = make_notice(actor=editor, publish=False)
    services.notice_update(notice=notice, actor=editor, title_en="A better title")
    records = list(notice.history.order_by("history_date"))
    assert [record.history_user for record in records] == [editor, editor]
    assert records[-1].title_en == "A better title" and records[0].title_en != "A better title"
    assert records[-1].history_change_reason == "edited"


def test_script_event_handlers_and_javascript_links_never_survive_saving_or_showing(make_notice):
    notice = make_notice(body_zh_hans=HOSTILE, body_en=HOSTILE)
    for html in (notice.body_html_zh_hans, notice.body_html_en, notice.safe_body):
        lowered = html.lower()
        assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
        assert 'href="javascript' not in lowered  # left as plain text at most, never a link
    assert "Hello" in notice.body_html_en


def test_markup_slipped_into_the_stored_html_is_cleaned_again_when_shown(make_notice):
    notice = make_notice()
    Notice.objects.filter(pk=notice.pk).update(
        body_html_zh_hans='<p>ok</p><script>alert(1)</script><a href="javascript:x">y</a>'
    )
    notice.refresh_from_db()
    with translation.override("zh-hans"):
        shown = notice.safe_body
    assert "<script" not in shown and "javascript:" not in shown and "<p>ok</p>" in shown


def test_an_upload_whose_content_is_not_what_its_name_says_is_refused(make_notice):
    notice = make_notice()
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is really a program", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.notice_attachment_add(notice=notice, actor=None, upload=fake)
    assert "report.pdf" in refused.value.messages[0] and "PDF" in refused.value.messages[0]
    assert notice.attachments.count() == 0


def test_a_pdf_and_an_image_are_attached_under_random_names(make_notice):
    notice = make_notice()
    pdf = services.notice_attachment_add(
        notice=notice, actor=None, upload=SimpleUploadedFile("../../etc/披露.pdf", PDF_BYTES)
    )
    png = services.notice_attachment_add(notice=notice, actor=None, upload=SimpleUploadedFile("chart", PNG_BYTES))
    assert (pdf.name, pdf.mime, pdf.size) == ("披露.pdf", "application/pdf", len(PDF_BYTES))
    assert png.name == "chart.png" and png.mime == "image/png"
    assert "披露" not in pdf.file.name and pdf.file.name.startswith("notices/")
    assert not pdf.file.name.startswith("notices/notices/") and pdf.file.name.endswith(".pdf")


def test_a_notice_saved_without_the_services_is_still_sanitized_and_public_from_now(client):
    notice = Notice.objects.create(
        category=Category.CASES,
        slug="direct",
        title_zh_hans="直接保存",
        title_en="Saved directly",
        body_zh_hans=HOSTILE,
        body_en=HOSTILE,
        status=Status.PUBLISHED,
    )
    assert notice.publish_at is not None and notice.is_public()
    text = client.get("/en/notices/cases/direct/").content.decode().lower()
    assert "hello" in text and "<script>alert" not in text and "onerror" not in text
