"""What the tests that start app servers on a PostgreSQL cluster of their own share: one cluster migrated once,
which each of them copies (`.ci/pg clone`), and one `collectstatic` output, which their servers only read."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = str(ROOT / ".ci" / "pg")


def _manage(*args: str, **env: str) -> None:
    """Run a management command as production does (none of the test run's own DJANGO_ or PORTAL_ settings)."""
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_", "GUNICORN_"))},
        "DJANGO_SECRET_KEY": "servers-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_HTTPS": "0",
        "PORTAL_LOG_LEVEL": "ERROR",
        **env,
    }
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, (args, done.stderr[-3000:])


@pytest.fixture(scope="session")
def migrated_cluster():
    """The folder of a stopped cluster with every migration applied; `.ci/pg clone` it, never start it. `make test`
    makes it beside the lint (PORTAL_TEST_MIGRATED_PG_DIR); otherwise it is made here, once."""
    prepared = os.environ.get("PORTAL_TEST_MIGRATED_PG_DIR")
    if prepared:
        yield Path(prepared)
        return
    # Not under pytest's tmp_path: the postgres user must be able to reach the cluster's folder.
    template = Path(tempfile.mkdtemp(prefix="portal-migrated-pg."))
    try:
        database_url = subprocess.run([PG, "start", str(template)], check=True, capture_output=True, text=True)
        try:
            _manage("migrate", "--no-input", "-v0", DATABASE_URL=database_url.stdout.strip())
        finally:
            subprocess.run([PG, "stop", str(template)], check=False)
        yield template
    finally:
        shutil.rmtree(template, ignore_errors=True)


@pytest.fixture(scope="session")
def clone_cluster(migrated_cluster):
    """clone_cluster() -> (folder, DATABASE_URL) of a running copy of the migrated cluster; stop it with
    `.ci/pg stop folder` and remove the folder when done."""

    def clone() -> tuple[Path, str]:
        cluster = Path(tempfile.mkdtemp(prefix="portal-servers-pg."))
        done = subprocess.run([PG, "clone", str(migrated_cluster), str(cluster)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        return cluster, done.stdout.strip()

    return clone


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """`collectstatic` run once (production storage: hashed and compressed names) for every server started here."""
    root = tmp_path_factory.mktemp("static")
    _manage("collectstatic", "--no-input", "-v0", PORTAL_STATIC_ROOT=str(root))
    return root
