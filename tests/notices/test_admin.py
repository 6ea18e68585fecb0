import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from notices import services
from notices.models import Category, Notice, Status
from portal.roles import CONTENT_EDITOR

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "category": Category.ANNOUNCEMENTS,
        "title_zh_hans": "新的通知",
        "title_en": "A new notice",
        "slug": "a-new-notice",
        "summary_zh_hans": "中文摘要",
        "summary_en": "English summary",
        "body_zh_hans": "中文正文",
        "body_en": "English body",
        "publish_at_0": "",
        "publish_at_1": "",
        "rights": ["information"],
        "audiences": ["elderly"],
        "disclosure_year": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_the_content_editor_group_has_exactly_the_rights_to_edit_notices_and_attachments():
    group = Group.objects.get(name=CONTENT_EDITOR)
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert granted == {
        ("notices", "add_notice"),
        ("notices", "change_notice"),
        ("notices", "view_notice"),
        ("notices", "add_noticeattachment"),
        ("notices", "change_noticeattachment"),
        ("notices", "delete_noticeattachment"),
        ("notices", "view_noticeattachment"),
    }
    assert not Permission.objects.filter(group=group, codename="delete_notice").exists()


def test_an_editor_sees_notices_and_nothing_else_in_the_admin(client, editor):
    client.force_login(editor)
    assert client.get("/en/admin/notices/notice/").status_code == 200
    assert client.get("/en/admin/portal/siteprofile/").status_code == 403
    assert client.get("/en/admin/auth/user/").status_code == 403


def test_an_editor_writes_a_notice_in_both_languages_and_it_is_saved_as_a_draft(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:notices_notice_add"), form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = Notice.objects.get(slug="a-new-notice")
    assert (notice.status, notice.author, notice.title_en, notice.rights) == (
        Status.DRAFT,
        editor,
        "A new notice",
        ["information"],
    )
    assert notice.body_html_en == "<p>English body</p>\n"
    assert notice.history.first().history_user == editor


def test_the_preview_shows_a_draft_exactly_as_the_public_page_for_staff_only(client, editor, make_notice):
    notice = make_notice(publish=False, title_en="Draft to check")
    with translation.override("en"):
        url = reverse("admin:notices_notice_preview", args=[notice.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(editor)
    response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200 and "Draft to check</h1>" in text and 'class="prose notice-body"' in text
    assert "Only staff can see this page." in text and response["X-Robots-Tag"] == "noindex, nofollow"


def test_save_and_publish_publishes_from_the_form(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:notices_notice_add"), form_data(_publish="1"))
    assert response.status_code == 302
    assert Notice.objects.get(slug="a-new-notice").is_public()


def test_publishing_a_half_translated_fraud_warning_is_refused_with_a_clear_message(client, editor):
    client.force_login(editor)
    data = form_data(category=Category.FRAUD_WARNINGS, body_en="", _publish="1")
    with translation.override("en"):
        response = client.post(reverse("admin:notices_notice_add"), data, follow=True)
    notice = Notice.objects.get(slug="a-new-notice")
    assert notice.status == Status.DRAFT
    messages = [str(message) for message in response.context["messages"]]
    assert any("cannot be published yet" in message and "English" in message for message in messages)


def test_publishing_a_half_translated_fraud_warning_is_refused_in_chinese_too(client, editor, make_notice):
    notice = make_notice(category=Category.FRAUD_WARNINGS, publish=False, title_en="", summary_en="", body_en="")
    client.force_login(editor)
    response = client.post(
        "/admin/notices/notice/",
        {"action": "publish_selected", "_selected_action": [notice.pk]},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any("不能发布" in message for message in messages), messages
    notice.refresh_from_db()
    assert notice.status == Status.DRAFT


def test_list_actions_publish_unpublish_and_archive_through_the_services(client, editor, make_notice):
    notice = make_notice(publish=False)
    client.force_login(editor)
    for action, status in (
        ("publish_selected", Status.PUBLISHED),
        ("unpublish_selected", Status.DRAFT),
        ("archive_selected", Status.ARCHIVED),
    ):
        client.post("/en/admin/notices/notice/", {"action": action, "_selected_action": [notice.pk]})
        notice.refresh_from_db()
        assert notice.status == status
    assert [record.history_change_reason for record in notice.history.order_by("history_date")][-3:] == [
        "published",
        "unpublished",
        "archived",
    ]


def test_the_list_shows_completeness_per_language_and_filters_by_it(client, editor, make_notice):
    make_notice(title_en="", summary_en="", body_en="", title_zh_hans="只有中文")
    make_notice(title_zh_hans="双语")
    client.force_login(editor)
    text = client.get("/en/admin/notices/notice/").content.decode()
    assert "notice-lang-missing" in text and "notice-lang-ok" in text
    missing = client.get("/en/admin/notices/notice/", {"complete": "en-missing"}).content.decode()
    assert "只有中文" in missing and "双语" not in missing
    for params in ({"right": "information"}, {"audience": "youth"}, {"category": "cases"}, {"status": "draft"}):
        assert client.get("/en/admin/notices/notice/", params).status_code == 200
    assert "双语" in client.get("/en/admin/notices/notice/", {"q": "双语"}).content.decode()


def test_the_edit_history_can_be_read_but_not_reverted(client, editor, make_notice):
    notice = make_notice(actor=editor)
    client.force_login(editor)
    response = client.get(f"/en/admin/notices/notice/{notice.pk}/history/")
    assert response.status_code == 200 and "editor" in response.content.decode()
    record = notice.history.first()
    page = client.get(f"/en/admin/notices/notice/{notice.pk}/history/{record.history_id}/")
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    services.notice_update(notice=notice, actor=editor, title_en="Changed later")
    revert = client.post(
        f"/en/admin/notices/notice/{notice.pk}/history/{record.history_id}/", form_data(slug=notice.slug)
    )
    assert revert.status_code == 403
    notice.refresh_from_db()
    assert notice.title_en == "Changed later"


def test_staff_without_notice_rights_cannot_preview(client, make_user, make_notice):
    notice = make_notice(publish=False)
    client.force_login(make_user("other"))
    with translation.override("en"):
        url = reverse("admin:notices_notice_preview", args=[notice.pk])
    assert client.get(url).status_code == 403


def test_an_attachment_whose_content_does_not_match_its_name_is_refused_in_the_admin(client, editor, make_notice):
    notice = make_notice(publish=False)
    client.force_login(editor)
    data = form_data(
        category=notice.category,
        slug=notice.slug,
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-upload": SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script></html>"),
            "attachments-0-sort_order": "0",
        },
    )
    data.pop("category")
    response = client.post(f"/en/admin/notices/notice/{notice.pk}/change/", data)
    assert response.status_code == 200
    assert "is not a PDF / JPEG / PNG file (judged by its content, not its name)" in response.content.decode()
    assert notice.attachments.count() == 0
    data["attachments-0-upload"] = SimpleUploadedFile("scan.pdf", PDF_BYTES)
    response = client.post(f"/en/admin/notices/notice/{notice.pk}/change/", data)
    assert response.status_code == 302
    assert notice.attachments.get().name == "scan.pdf"


def test_editing_a_published_fraud_warning_cannot_empty_its_english(client, editor, make_notice):
    notice = make_notice(category=Category.FRAUD_WARNINGS)
    client.force_login(editor)
    data = form_data(slug=notice.slug, body_en="")
    data.pop("category")
    response = client.post(f"/en/admin/notices/notice/{notice.pk}/change/", data)
    assert response.status_code == 200 and "cannot be published yet" in response.content.decode()
    notice.refresh_from_db()
    assert notice.body_en


def test_the_services_refuse_unknown_workflow_steps_from_archive(make_notice):
    notice = services.notice_archive(notice=make_notice(), actor=None)
    assert services.notice_publish(notice=notice, actor=None).status == Status.PUBLISHED
