"""Attachments are stored before the commit; files left behind by a rolled-back submission are cleaned up."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from complaints import services
from complaints.models import Complaint, ComplaintAttachment
from portal.housekeeping import cleanup_orphan_uploads
from portal.tasks import cleanup_orphan_uploads as cleanup_task
from tests.complaints.files import executable_named_pdf, pdf, png

pytestmark = pytest.mark.django_db


def _submit(**extra):
    return services.complaint_submit(
        name="王小明", phone="13812345678", description="The counter was closed.", category="service", **extra
    )


def _rolled_back_submission():
    """A submission whose transaction never commits (the database went away, the worker was killed): the
    complaint and its records vanish, the file written before the commit stays."""
    with pytest.raises(ConnectionError), transaction.atomic():
        _submit(attachments=[pdf()])
        raise ConnectionError("the database went away before the commit")


def _files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _age(name: str, hours: float) -> None:
    past = time.time() - hours * 3600
    os.utime(Path(settings.MEDIA_ROOT) / name, (past, past))


def test_a_submission_that_never_commits_leaves_no_complaint_only_an_orphan_file():
    _rolled_back_submission()
    assert Complaint.objects.count() == 0
    assert ComplaintAttachment.objects.count() == 0
    orphans = _files()
    assert len(orphans) == 1 and next(iter(orphans)).startswith("complaints/")


def test_orphans_older_than_an_hour_are_deleted_and_referenced_young_and_export_files_are_kept():
    complaint = _submit(attachments=[png()])
    kept = complaint.attachments.get().file.name
    _rolled_back_submission()
    (old_orphan,) = _files() - {kept}
    _rolled_back_submission()
    (young_orphan,) = _files() - {kept, old_orphan}
    exports = Path(settings.MEDIA_ROOT) / "exports"
    exports.mkdir(parents=True)
    (exports / "job.xlsx").write_bytes(b"not an upload")
    for name in (kept, old_orphan, "exports/job.xlsx"):
        _age(name, 2)

    dry = cleanup_orphan_uploads(dry_run=True)
    assert dry.deleted == [old_orphan] and old_orphan in _files()

    report = cleanup_orphan_uploads()
    assert report.deleted == [old_orphan]
    assert report.referenced == 1 and report.kept_young == 1 and report.bytes_freed > 0
    assert _files() == {kept, young_orphan, "exports/job.xlsx"}
    assert complaint.attachments.get().file.open("rb").read(4) == b"\x89PNG"


def test_a_refused_file_leaves_no_other_file_behind():
    with pytest.raises(ValidationError):
        _submit(attachments=[pdf(), executable_named_pdf()])
    assert _files() == set() and Complaint.objects.count() == 0


def test_the_command_and_the_task_report_what_they_deleted():
    _rolled_back_submission()
    (orphan,) = _files()
    _age(orphan, 3)
    out = io.StringIO()
    call_command("cleanup_orphan_uploads", "--dry-run", stdout=out)
    assert f"Would delete {orphan}" in out.getvalue() and _files() == {orphan}
    call_command("cleanup_orphan_uploads", stdout=out)
    assert "Deleted 1 orphaned file(s)" in out.getvalue() and _files() == set()

    _rolled_back_submission()
    (orphan,) = _files()
    _age(orphan, 3)
    assert cleanup_task.call() == 1
    assert _files() == set()
