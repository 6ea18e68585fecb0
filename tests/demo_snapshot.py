"""The demo content (`manage.py load_demo`) for tests: loaded once per test process, copied in after that.

`load_demo()` leaves the test database exactly as `call_command("load_demo", "--demo-site")` would, in about a
tenth of the time (the tests run with DEBUG off, so the command needs `--demo-site`). The first call in a process runs the command and then copies every table (PostgreSQL `COPY ... TO`), the
sequences' positions and the files it wrote under MEDIA_ROOT. A later call empties every table and copies those
rows back in (`COPY ... FROM`), with triggers off while it does (the append-only event log refuses the delete).

A copy is only used where the command would have started from the same place, so each is kept under:
- whether the call runs inside the test's transaction (`db`: what the command's commit would run afterwards,
  such as queued tasks, does not run) or on its own (`transactional_db`, browser tests: it does);
- the row count of every table before the command ran (a test that made rows first gets the command itself);
- the hour in Beijing (the demo's complaints and reception days are placed relative to the current time).
"""

import atexit
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass
class _Snapshot:
    tables: dict[str, bytes] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    media: Path | None = None


_snapshots: dict[tuple, _Snapshot] = {}


def load_demo() -> None:
    """What `call_command("load_demo", "--demo-site")` does to the test database and MEDIA_ROOT."""
    with connection.cursor() as cursor:
        tables = _tables(cursor)
        key = (
            connection.in_atomic_block,
            datetime.now(BEIJING).strftime("%Y-%m-%d %H"),
            tuple(zip(tables, _counts(cursor, tables), strict=True)),
        )
    snapshot = _snapshots.get(key)
    if snapshot is None:
        _snapshots[key] = _load_and_copy(tables)
    else:
        _restore(snapshot, tables)


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'django_migrations' "
        "ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor, tables: list[str]) -> list[int]:
    if not tables:
        return []
    counts = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)  # noqa: S608 - names from pg_tables
    cursor.execute(f"SELECT {counts}")
    return list(cursor.fetchone())


def _load_and_copy(tables: list[str]) -> _Snapshot:
    call_command("load_demo", "--demo-site", stdout=io.StringIO())
    snapshot = _Snapshot()
    with connection.cursor() as cursor:
        for table, count in zip(tables, _counts(cursor, tables), strict=True):
            if count:
                buffer = io.BytesIO()
                cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
                snapshot.tables[table] = buffer.getvalue()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        snapshot.sequences = {name: value for name, value in cursor.fetchall() if value is not None}
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        snapshot.media = Path(tempfile.mkdtemp(prefix="portal-demo-media."))
        atexit.register(shutil.rmtree, snapshot.media, ignore_errors=True)
        shutil.copytree(media, snapshot.media, dirs_exist_ok=True)
    return snapshot


def _restore(snapshot: _Snapshot, tables: list[str]) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    from portal.pagecache import forget_local, invalidate

    with transaction.atomic(), connection.cursor() as cursor:
        # Triggers off (the append-only logs refuse a delete; foreign keys are checked by triggers too), on again
        # before the transaction goes on: the test runs with every trigger in place.
        deletes = "; ".join(f'DELETE FROM "{table}"' for table in tables)  # noqa: S608 - names from pg_tables
        cursor.execute(f"SET LOCAL session_replication_role = replica; {deletes}")
        for table, rows in snapshot.tables.items():
            cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(rows))
        cursor.execute("SET LOCAL session_replication_role = origin")
        if snapshot.sequences:
            # Never backwards: ids handed out since the copy was taken stay unused.
            cursor.execute(
                "SELECT setval(format('%%I', s.sequencename)::regclass, GREATEST(v.floor, COALESCE(s.last_value, 1))) "
                "FROM pg_sequences s JOIN unnest(%s::text[], %s::bigint[]) AS v(name, floor) ON s.sequencename = v.name "
                "WHERE s.schemaname = 'public'",
                [list(snapshot.sequences), list(snapshot.sequences.values())],
            )
    if snapshot.media is not None:
        shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    # The rows came in without a save signal: nothing cached before them may be served or trusted.
    ContentType.objects.clear_cache()
    invalidate()
    cache.clear()
    forget_local()
