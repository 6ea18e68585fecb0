"""Timeline and history in words: labels not codes, file names not lists, people by name, Beijing time to the
minute; a registration's internal note is not on the public event; the slips (a doubled stop, an item named
by its row id, the reception days' order)."""

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from complaints import history, services
from complaints.models import RootCause
from portal import roles
from tests.complaints.factories import register, shanghai

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_user):
    user = make_user("lead", groups=[roles.SUPERVISOR])
    user.first_name, user.last_name = "主管", "王"
    user.save()
    return user


def _shown(html: str) -> str:
    """The page's text as read: without its tags (a <time datetime="…"> keeps the exact moment for machines)."""
    return re.sub(r"<[^>]+>", " ", html)


def _details(complaint, action):
    event = complaint.events.filter(action=action).latest("id")
    return dict(history.describe(event))


def test_a_closing_event_names_the_root_cause_by_its_label_not_its_code(lead):
    complaint = register(lead)
    services.complaint_accept(complaint=complaint, actor=lead)
    services.complaint_decide(
        complaint=complaint, actor=lead, decision="支持", outcome="upheld", reliefs=["claim_paid"], remedies=["review"]
    )
    services.complaint_close(complaint=complaint, actor=lead, cause="other", root_cause="x", responsible_unit="y")
    cause = RootCause.objects.get(code="other")
    with translation.override("zh-hans"):
        details = _details(complaint, "close")
        assert "根本原因代码" not in details
        assert "other" not in details.values()
        assert list(details.values()) == [str(RootCause.objects.get(pk=cause.pk))]


def test_files_attached_by_staff_are_listed_by_name_in_the_readers_language(lead):
    from tests.complaints.files import pdf, png

    complaint = register(lead)
    services.complaint_add_staff_attachments(
        complaint=complaint, actor=lead, files=[png("invoice.png"), pdf("claim.pdf")]
    )
    with translation.override("zh-hans"):
        assert _details(complaint, "attach") == {"附件": "invoice.png、claim.pdf"}
    with translation.override("en"):
        assert _details(complaint, "attach") == {"Files": "invoice.png, claim.pdf"}


def test_an_assignment_names_the_handler_by_name_and_a_deleted_account_by_the_recorded_username(lead, make_user):
    handler = make_user("handler1", groups=[roles.COMPLAINT_HANDLER])
    handler.first_name, handler.last_name = "娜", "李"
    handler.save()
    complaint = register(lead)
    services.complaint_assign(complaint=complaint, actor=lead, handler=handler)
    with translation.override("zh-hans"):
        assert _details(complaint, "assign") == {"经办人": "李娜"}
        row = history.timeline(complaint)[0]
        assert row["who"] == "王主管"
    event = complaint.events.get(action="assign")
    with translation.override("en"):
        assert dict(history.describe(event, names={})) == {"Handler": "handler1"}


def test_a_registration_with_an_internal_note_keeps_the_note_off_the_public_event(lead):
    complaint = register(lead, note="来电情绪激动，已安抚")
    receipt = complaint.events.get(action="register")
    note = complaint.events.get(action="note")
    assert receipt.public and receipt.note == ""
    assert not note.public and note.note == "来电情绪激动，已安抚"
    plain = register(lead)
    assert not plain.events.filter(action="note").exists()


def test_the_timeline_shows_each_event_in_beijing_time_to_the_minute(lead, client):
    with time_machine.travel(datetime(2026, 11, 2, 1, 7, 42, 123456, tzinfo=timezone.UTC), tick=False):
        complaint = register(lead, received_at=shanghai(2026, 11, 2, 9, 0))
    client.force_login(lead)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    shown = _shown(page.text)
    assert "2026-11-02 09:07" in shown  # 01:07 UTC
    assert "01:07" not in shown and "09:07:42" not in shown and "123456" not in shown


def test_a_notice_history_shows_status_labels_and_beijing_minutes(make_user, client):
    from notices.models import Category, Notice, Status

    editor = make_user("editor", superuser=True)
    with time_machine.travel(datetime(2026, 11, 2, 1, 7, 42, 123456, tzinfo=timezone.UTC), tick=False):
        notice = Notice.objects.create(
            category=Category.CASES, slug="words", title_zh_hans="公告", title_en="Notice", status=Status.DRAFT
        )
        notice.status = Status.PUBLISHED
        notice.publish_at = timezone.now()
        notice.save()
    client.force_login(editor)
    with translation.override("en"):
        page = client.get(reverse("admin:notices_notice_history", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    shown = _shown(page.text)
    assert "Draft" in shown and "Published" in shown
    assert "draft" not in shown.replace("Draft", "") and "published" not in shown.replace("Published", "")
    assert "2026-11-02 09:07" in shown
    assert "123456" not in shown and "01:07" not in shown and "09:07:42" not in shown


def test_a_notice_versions_change_reason_is_shown_by_its_label_not_its_code():
    from portal.versions import reason_in_words

    with translation.override("zh-hans"):
        assert reason_in_words("published") == "发布"
        assert reason_in_words("unpublished") == "撤回发布"
    with translation.override("en"):
        assert reason_in_words("archived") == "Archived"
    assert reason_in_words(None) == "" and reason_in_words("typed by hand") == "typed by hand"
