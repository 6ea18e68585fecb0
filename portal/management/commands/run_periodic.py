"""manage.py run_periodic [--every SECONDS]: digests, escalations, message retries (docs/operations.md).

Every job registered by the apps (portal.registry.register_periodic) runs once, in order; each is idempotent,
so the command is safe to run every few minutes from cron or a systemd timer, and two overlapping runs do no
harm (on PostgreSQL the second one waits for the first's advisory lock and then finds nothing left to do).
A job that fails is reported and the others still run; the exit status is then 1.
"""

import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from portal import registry

_LOCK = 150_001  # the advisory lock id of run_periodic


@contextmanager
def _exclusive():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK])


class Command(BaseCommand):
    help = "Run the periodic jobs once (digests, escalations, message retries); --every N repeats every N seconds."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Repeat every this many seconds (0: run once).")
        parser.add_argument("--only", action="append", default=[], help="Run only this job (may be repeated).")

    def handle(self, *args, every=0, only=(), **options):
        names = [job.name for job in registry.periodic_jobs]
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise CommandError(f"Unknown job(s): {', '.join(unknown)}. Jobs: {', '.join(names)}.")
        if every < 0:
            raise CommandError("--every must be zero or more seconds.")
        while True:
            failed = self.run_once(set(only))
            if not every:
                break
            time.sleep(every)
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}.")

    def run_once(self, only: set) -> list[str]:
        failed = []
        with _exclusive():
            now = timezone.now()
            for job in registry.periodic_jobs:
                if only and job.name not in only:
                    continue
                try:
                    outcome = job.run(now)
                except Exception as error:  # one broken job must not stop the others
                    failed.append(job.name)
                    self.stderr.write(f"{job.name}: failed: {type(error).__name__}: {error}")
                else:
                    self.stdout.write(f"{job.name}: {outcome}")
        return failed
