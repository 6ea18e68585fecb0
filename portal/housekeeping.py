"""Uploaded files that no record points to any more, and their removal.

An attachment is written to storage inside the transaction that creates its record, before the commit (so a
receipt never names a file that is not on disk). When that transaction rolls back (a database restart, a worker
killed mid-request, a form refused after the files were stored), the file stays behind with no record: an
orphan. `cleanup_orphan_uploads` removes such files once they are older than an hour, so that a file whose
transaction is still running is never touched.
"""

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

ORPHAN_MIN_AGE = timedelta(hours=1)
# Uploads a form keeps while its visitor corrects an error or goes on to the next step (portal/uploads.py).
PENDING_MIN_AGE = timedelta(hours=24)


def upload_folders() -> tuple[str, ...]:
    """The folders under the media root that hold uploads (other folders, such as exports, are left alone)."""
    return tuple(getattr(settings, "PORTAL_UPLOAD_FOLDERS", ("complaints", "notices")))


def referenced_files() -> set[str]:
    """Every storage name a FileField of any installed model points to."""
    names: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{model_field.attname: ""})
                    .values_list(model_field.attname, flat=True)
                    .iterator()
                )
    return {name.replace("\\", "/") for name in names if name}


@dataclass
class OrphanReport:
    deleted: list[str] = field(default_factory=list)
    kept_young: int = 0
    referenced: int = 0
    bytes_freed: int = 0


def cleanup_orphan_uploads(*, now: datetime | None = None, dry_run: bool = False) -> OrphanReport:
    """Delete the files under the upload folders that no record points to and that are older than an hour.
    Files younger than that may belong to a transaction that has not committed yet: they are kept."""
    now = now or timezone.now()
    cutoff = (now - ORPHAN_MIN_AGE).timestamp()
    pending_cutoff = (now - PENDING_MIN_AGE).timestamp()
    root = Path(settings.MEDIA_ROOT)
    # Read the records after listing would race with new uploads; listing first and reading the records after
    # means a file committed in between is seen as referenced.
    candidates = []
    for folder in upload_folders():
        base = root / folder
        if base.is_dir():
            candidates.extend(path for path in base.rglob("*") if path.is_file() and not path.is_symlink())
    known = referenced_files()
    report = OrphanReport()
    for path in sorted(candidates):
        name = path.relative_to(root).as_posix()
        if name in known:
            report.referenced += 1
            continue
        stat = path.stat()
        if stat.st_mtime > (pending_cutoff if "/pending/" in name else cutoff):
            report.kept_young += 1
            continue
        report.deleted.append(name)
        report.bytes_freed += stat.st_size
        if not dry_run:
            path.unlink(missing_ok=True)
    if not dry_run:
        _remove_empty_folders(root)
    return report


def _remove_empty_folders(root: Path) -> None:
    for folder in upload_folders():
        base = root / folder
        if not base.is_dir():
            continue
        for directory in sorted((p for p in base.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):  # not empty
                directory.rmdir()
