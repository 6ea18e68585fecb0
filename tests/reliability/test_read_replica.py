"""A real streaming replica: exports read from it, the primary takes over when it is gone.

The test database's own cluster (started by .ci/test.sh) is the primary; `.ci/pg standby` makes a hot standby of
it with `pg_basebackup -R` on another loopback port. Replay on the standby is paused before one more complaint
is registered on the primary, so an export that reads the replica counts one complaint fewer than the primary
holds: that difference is the proof of where the rows came from. With the standby stopped, the same export reads
the primary (a warning, no failure).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.complaints.factories import register

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


def _url(base: str, name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", base)


def _export(env: dict, target: Path) -> int:
    done = subprocess.run(
        [sys.executable, "manage.py", "export_complaints", "--start", "2000-01-01", "--end", "2099-12-31",
         "--output", str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return int(re.search(r"Exported (\d+) complaints", done.stdout).group(1))


def test_an_export_reads_the_read_replica_and_the_primary_when_the_replica_is_gone(tmp_path):
    primary_dir = os.environ.get("PORTAL_TEST_PG_DIR")
    assert primary_dir, "run through .ci/test.sh, which starts the cluster and sets PORTAL_TEST_PG_DIR"
    for _ in range(3):
        register()
    name = connection.settings_dict["NAME"]
    standby_dir = Path(tempfile.mkdtemp(prefix="portal-standby-pg."))
    try:
        standby = subprocess.run(
            [str(ROOT / ".ci" / "pg"), "standby", primary_dir, str(standby_dir)],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout.strip()  # fmt: skip
        primary_url = _url(os.environ["DATABASE_URL"], name)
        replica_url = _url(standby, name)
        with psycopg2.connect(replica_url) as replica, replica.cursor() as cursor:
            replica.autocommit = True
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone()[0] is True
            deadline = time.time() + 30
            while True:  # the standby has replayed the three complaints
                cursor.execute("SELECT count(*) FROM complaints_complaint")
                if cursor.fetchone()[0] == 3 or time.time() > deadline:
                    break
                time.sleep(0.1)
            cursor.execute("SELECT pg_wal_replay_pause()")
        register()  # on the primary only, while the standby's replay is paused
        env = {**os.environ, "DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": replica_url}
        assert _export(env, tmp_path / "replica.csv") == 3
        subprocess.run([str(ROOT / ".ci" / "pg"), "stop", str(standby_dir)], check=True, timeout=60)
        assert _export(env, tmp_path / "primary.csv") == 4
    finally:
        subprocess.run([str(ROOT / ".ci" / "pg"), "stop", str(standby_dir)], check=False)
        shutil.rmtree(standby_dir, ignore_errors=True)
    with connection.cursor() as cursor:  # both exports were logged, on the primary
        cursor.execute("SELECT rows FROM complaints_exportlog ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == [3, 4]
