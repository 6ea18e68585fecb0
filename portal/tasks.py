"""Background housekeeping of the portal, run by the django-tasks-db worker (`manage.py db_worker`)."""

from django.tasks import task

from .housekeeping import cleanup_orphan_uploads as run


@task
def cleanup_orphan_uploads() -> int:
    """Remove uploaded files no record points to (older than an hour); returns how many were deleted."""
    return len(run().deleted)
