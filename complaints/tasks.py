"""Background work of the complaints app, run by the django-tasks-db worker (`manage.py db_worker`)."""

from django.tasks import task


@task
def run_export_job(job_id: str) -> None:
    """An export from the admin too large to write during the request."""
    from .exports import export_job_run

    export_job_run(job_id)


@task
def apply_retention() -> dict:
    """The retention policy, run on a schedule (e.g. nightly): anonymise complaints past retention."""
    from .retention import retention_apply

    report = retention_apply()
    return {"anonymised": len(report.anonymised), "on_hold": len(report.on_hold), "files": report.files_deleted}


@task
def mark_late() -> dict:
    """The daily deadline run (e.g. at 00:10 Beijing time): complaints whose limit passed are recorded as late."""
    from .services import mark_late_complaints

    return {"late": len(mark_late_complaints())}
