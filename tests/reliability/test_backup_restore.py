"""A dump restored into a new database keeps every complaint, event and attachment record intact.

Runs the documented procedure (docs/operations.md): pg_dump --format=custom, pg_restore into an empty
database, then compares the complaint tables row for row.
"""

import hashlib
import io
import os
import subprocess
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

TABLES = ["complaints_complaint", "complaints_complaintevent", "complaints_complaintattachment"]


def _fingerprint(dsn: str) -> dict[str, tuple[int, str]]:
    result = {}
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - fixed table names
            rows = cursor.fetchall()
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def _admin_sql(dsn: str, *statements: str) -> None:
    # CREATE/DROP DATABASE cannot run in a transaction, and psycopg2's `with connection` always opens one.
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_dump_and_restore_keep_complaints_events_and_attachment_records(tmp_path):
    call_command("load_demo", "--demo-site", stdout=io.StringIO())
    settings_dict = connection.settings_dict
    source = (
        f"postgresql://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT']}/{settings_dict['NAME']}"
    )
    before = _fingerprint(source)
    assert before["complaints_complaint"][0] > 0 and before["complaints_complaintevent"][0] > 0

    dump = tmp_path / "portal.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", source], check=True)
    target_name = settings_dict["NAME"] + "_restored"
    parts = urlsplit(source)
    admin = urlunsplit(parts._replace(path="/postgres"))
    _admin_sql(admin, f'DROP DATABASE IF EXISTS "{target_name}"', f'CREATE DATABASE "{target_name}"')
    target = urlunsplit(parts._replace(path=f"/{target_name}"))
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)], check=True)
        assert _fingerprint(target) == before
    finally:
        _admin_sql(admin, f'DROP DATABASE IF EXISTS "{target_name}"')
    assert os.path.getsize(dump) > 0
