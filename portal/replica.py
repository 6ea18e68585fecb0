"""Read-heavy work on a streaming replica: exports, reports, statistics and the compliance dashboard.

With DATABASE_REPLICA_URL set (a PostgreSQL hot standby of the primary, e.g. made with `pg_basebackup -R`),
settings add the database alias `replica` and `ReplicaRouter`. Code that only reads a lot runs its queries inside
`reading_from_replica()`; everything else, and every write anywhere, stays on the primary (`default`). A
replica that cannot be reached when the block starts is skipped with a warning: the work reads from the primary
instead, so a replica outage costs the primary some load and nothing else. A replica lags the primary by the
time its WAL takes to arrive (milliseconds on a LAN): what is read there is what the primary held that long ago,
which is what a report or an export of past days needs; nothing that must see a write just made reads there.
"""

import contextlib
import contextvars
import functools
import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
_reading_from: contextvars.ContextVar[str | None] = contextvars.ContextVar("portal_replica", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _reachable() -> bool:
    try:
        connections[REPLICA].ensure_connection()
    except OperationalError:
        logger.warning("read replica unreachable; reading from the primary", exc_info=True)
        connections[REPLICA].close()
        return False
    return True


@contextlib.contextmanager
def reading_from_replica():
    """Inside this block, reads go to the replica when there is one that answers, else to the primary."""
    if _reading_from.get() is not None:  # already decided by an enclosing block
        yield _reading_from.get()
        return
    alias = REPLICA if configured() and _reachable() else DEFAULT_DB_ALIAS
    token = _reading_from.set(alias)
    try:
        yield alias
    finally:
        _reading_from.reset(token)


def on_replica(function):
    """Run `function` inside reading_from_replica()."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            return function(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads inside reading_from_replica() go to the replica; writes, migrations and everything else to the
    primary. Rows from either may be related (the replica is a copy of the primary)."""

    def db_for_read(self, model, **hints):
        return _reading_from.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
