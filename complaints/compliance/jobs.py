"""Export jobs asked for in the admin: created for one staff member, run at once when small and by the task
worker (`manage.py db_worker`) otherwise, with their progress recorded as they go; the file is kept outside
the static files, readable by the app's own account only (0600, in a 0700 directory), served only to the person
who asked, and purged a week after it was written (`run_periodic`'s job "exports", and before each new export)."""

import os
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from .exports import FORMATS, ExportRefused, check_allowed, clean_filters, complaint_export, export_queryset
from .models import ExportJob


def inline_limit() -> int:
    """Exports up to this many rows run in the request (a second or two); larger ones in the background."""
    return int(getattr(settings, "COMPLAINT_EXPORT_INLINE_ROWS", 20_000))


def export_directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "exports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o077:
        directory.chmod(0o700)
    return directory


def _create_private_file(path: Path) -> None:
    """The export's file, created empty with mode 0600 before a row is written (the writers open it again and
    keep its mode): personal data is never readable by other accounts of the machine, not even for a moment."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(descriptor)
    path.chmod(0o600)  # a file left with that name by an earlier run keeps its own mode otherwise


EXPORT_RETENTION = timedelta(days=7)


def purge_old_exports(now: datetime | None = None) -> int:
    """Delete the files of exports finished more than a week ago (personal data is kept no longer than
    needed); the jobs stay, without a file, and the export log is untouched. Returns how many were removed."""
    cutoff = (now or timezone.now()) - EXPORT_RETENTION
    removed = 0
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        (export_directory() / job.file).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        removed += 1
    return removed


def export_job_start(*, user, filters: dict, file_format: str, masked: bool = True) -> ExportJob:
    """Create an export job for `user`. Small exports run now; larger ones are queued for the worker
    (`manage.py db_worker`). Refused (ExportRefused) when the user may not export this way."""
    if file_format not in FORMATS:
        raise ExportRefused(_("Unknown format: %(format)s.") % {"format": str(file_format)[:10]})
    check_allowed(user, masked=masked)
    filters = clean_filters(filters)
    purge_old_exports()
    total = export_queryset(filters, user).count()
    job = ExportJob.objects.create(user=user, filters=filters, file_format=file_format, masked=masked, rows_total=total)
    if total <= inline_limit():
        export_job_run(str(job.pk))
    else:
        run_export_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def export_job_run(job_id: str) -> None:
    """Run a queued export job: write its file, record progress as it goes, and log the export."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id, state=ExportJob.State.QUEUED).first()
    if job is None:
        return
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING)
    path = export_directory() / f"{job.pk}.{job.file_format}"

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        _create_private_file(path)
        rows = complaint_export(
            filters=job.filters,
            file_format=job.file_format,
            target=str(path),
            user=job.user,
            masked=job.masked,
            via="admin",
            progress=progress,
        )
    except Exception as error:
        path.unlink(missing_ok=True)
        message = str(error) if isinstance(error, ExportRefused) else _("The export failed; try again.")
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=message[:300], finished_at=timezone.now()
        )
        if not isinstance(error, ExportRefused):
            raise
        return
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, rows_done=rows, file=path.name, finished_at=timezone.now()
    )


def export_file_path(job: ExportJob) -> Path | None:
    if job.state != ExportJob.State.DONE or not job.file:
        return None
    path = export_directory() / job.file
    return path if path.is_file() else None


def export_file_name(job: ExportJob) -> str:
    start = job.filters.get("start", "all")
    end = job.filters.get("end", "all")
    return f"complaints-{start}-{end}.{job.file_format}"


@task
def run_export_job(job_id: str) -> None:
    """An export from the admin too large to write during the request."""
    export_job_run(job_id)
