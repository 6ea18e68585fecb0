"""Notice attachments are added, re-ordered, re-labelled and removed only through the services, which check the
actor's rights and leave a record of who did it in the attachments' edit history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from notices import services
from notices.models import NoticeAttachment

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(make_notice, editor):
    return services.notice_attachment_add(
        notice=make_notice(), actor=editor, upload=SimpleUploadedFile("披露.pdf", PDF_BYTES)
    )


def test_an_editor_moves_an_attachment_and_offers_it_in_one_language_leaving_a_record(attachment, editor):
    services.notice_attachment_update(attachment=attachment, actor=editor, sort_order=3, language="en")
    attachment.refresh_from_db()
    assert (attachment.sort_order, attachment.language) == (3, "en")
    latest = attachment.history.first()
    assert (latest.history_type, latest.history_user, latest.sort_order, latest.language) == ("~", editor, 3, "en")


def test_changing_an_attachment_moves_the_notices_updated_time(attachment, editor):
    before = attachment.notice.updated_at
    services.notice_attachment_update(attachment=attachment, actor=editor, sort_order=1, language="")
    attachment.notice.refresh_from_db()
    assert attachment.notice.updated_at > before


def test_an_unknown_language_is_refused(attachment, editor):
    with pytest.raises(ValidationError):
        services.notice_attachment_update(attachment=attachment, actor=editor, sort_order=1, language="fr")
    attachment.refresh_from_db()
    assert attachment.language == ""


def test_staff_without_the_rights_to_attachments_cannot_add_change_or_remove_them(attachment, make_user):
    officer = make_user("officer", groups=["Compliance officer"])
    with pytest.raises(PermissionDenied):
        services.notice_attachment_update(attachment=attachment, actor=officer, sort_order=9, language="en")
    with pytest.raises(PermissionDenied):
        services.notice_attachment_remove(attachment=attachment, actor=officer)
    with pytest.raises(PermissionDenied):
        services.notice_attachment_add(
            notice=attachment.notice, actor=officer, upload=SimpleUploadedFile("x.pdf", PDF_BYTES)
        )
    assert list(NoticeAttachment.objects.values_list("sort_order", "language")) == [(0, "")]
    assert attachment.history.count() == 1


def test_removing_an_attachment_records_who_removed_it(attachment, editor):
    pk = attachment.pk
    services.notice_attachment_remove(attachment=attachment, actor=editor)
    assert not NoticeAttachment.objects.exists()
    removed = NoticeAttachment.history.filter(id=pk).first()
    assert (removed.history_type, removed.history_user) == ("-", editor)
