"""`manage.py db_worker`: the task worker of django-tasks-db, kept alive through a database outage.

The library's worker exits on the first database error it meets while looking for work. A restart of PostgreSQL,
or a failover to the standby (docs/operations.md), would then stop every message until someone (or systemd)
started the worker again. This worker waits and tries again instead: the outbox keeps each message's lease, so a
message claimed when the database went away is handed back by `run_periodic` and sent once the database answers
(portal/messaging). The command's options are the library's; "portal" comes before the tasks app in
INSTALLED_APPS so that this command is the one `manage.py` runs.
"""

import contextlib
import logging
import time

from django.db import DatabaseError, connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker as library

logger = logging.getLogger("portal.worker")

# Seconds between attempts while the database does not answer: quick at first (a restart takes a few seconds),
# then no more often than every 10 seconds.
BACKOFF = (0.5, 1, 2, 5, 10)


class Worker(library.Worker):
    def run(self) -> None:
        failures = 0
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    return None
                wait = BACKOFF[min(failures, len(BACKOFF) - 1)]
                failures += 1
                logger.warning("The database did not answer (%s); trying again in %s s.", error, wait)
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(DatabaseError):  # already gone: the next query opens a new one
                        connection.close()
                time.sleep(wait)
                self.startup_delay = False


class Command(library.Command):
    help = "Run the task worker (it waits out a database restart or failover instead of exiting)."

    def handle(self, **options) -> None:
        original = library.Worker
        library.Worker = Worker  # the library's handle() builds its worker from this module-level name
        try:
            super().handle(**options)
        finally:
            library.Worker = original
