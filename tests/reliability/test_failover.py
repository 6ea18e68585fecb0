"""Failover: the primary dies, its synchronous standby is promoted, and the app carries on without a restart.

A primary and a synchronous streaming standby (`pg_basebackup -R`, `synchronous_standby_names`,
`synchronous_commit=on`: a commit returns only once the standby has it), gunicorn and a task worker configured with
both hosts in libpq's multi-host form (`target_session_attrs=read-write`, portal/dburl.py). 8 clients submit
complaints through the web form; a third of the way in, the primary is stopped at once (an immediate shutdown, as a
crash) and, a few seconds later, the standby is promoted (`pg_ctl promote`). Every failed submission is then sent
again once, as a browser resends its form. Afterwards, read from the new primary:
- every submission that got a receipt is there exactly once, under the number it was shown, with its own text;
- the outage answered 503 with Retry-After, never 500;
- every complaint's receipt message was delivered, none lost: the worker waited the outage out (portal's
  `db_worker`) and the outbox's lease handed back what it held when the primary died. Whether one can go twice is
  counted from the gateway's calls: a message sent but not yet marked sent when the primary died is sent again,
  and a gateway that honours idempotency keys (as the test gateway does) delivers it once.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg2
import pytest

from .test_load_and_fault import Submission, _free_port, _wait_for, _wait_until, production_env

ROOT = Path(__file__).resolve().parents[2]
PG = str(ROOT / ".ci" / "pg")
SUBMISSIONS = int(os.environ.get("FAILOVER_TEST_SUBMISSIONS", "150"))
CLIENTS = 8

pytestmark = pytest.mark.fault


class CountingSubmission(Submission):
    """A submission that also notes whether each 503 it met said when to come back."""

    def __init__(self, base: str, index: int):
        super().__init__(base, index)
        self.unavailable_without_retry_after = 0

    def _fetch(self, request):
        try:
            return super()._fetch(request)
        except urllib.error.HTTPError as error:
            if error.code == 503 and not error.headers.get("Retry-After"):
                self.unavailable_without_retry_after += 1
            raise


def _pg(*args: str) -> str:
    return subprocess.run([PG, *args], check=True, capture_output=True, text=True).stdout.strip()


def _port(cluster: Path) -> str:
    return (cluster / "port").read_text().strip()


def _query(database_url: str, sql: str) -> list[tuple]:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _gateway_lines(path: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def test_a_primary_killed_mid_load_and_its_synchronous_standby_promoted_loses_and_doubles_nothing(
    tmp_path, clone_cluster, static_root
):
    primary, primary_url = clone_cluster()  # migrated already
    standby = Path(tempfile.mkdtemp(prefix="portal-standby-pg."))
    gateway = tmp_path / "gateway"
    gateway.mkdir()
    processes: list[subprocess.Popen] = []
    try:
        standby_url = _pg("standby", str(primary), str(standby))
        _pg("synchronous", str(primary))
        _wait_until(
            lambda: (
                _query(primary_url, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")[0][0] == 1
            ),
            seconds=60,
        )
        both = (
            f"postgres://app:app@127.0.0.1:{_port(primary)},127.0.0.1:{_port(standby)}/app"
            "?target_session_attrs=read-write"
        )
        port = _free_port()
        env = production_env(
            tmp_path,
            static_root,
            both,
            port,
            PORTAL_SMS_BACKEND="test",
            PORTAL_SMS_TEST_DIR=str(gateway),
            PORTAL_MESSAGE_RETRY_DELAYS=",".join(["0.5"] * 12),
            PORTAL_MESSAGE_LEASE_SECONDS="3",
            # The task of a message claimed while the primary died is lost with it; the sweep hands the message
            # back after this grace.
            PORTAL_MESSAGE_SWEEP_GRACE_SECONDS="5",
            GUNICORN_WORKERS="2",
            GUNICORN_TIMEOUT="30",
        )
        server_log = tmp_path / "gunicorn.log"
        worker_log = tmp_path / "worker.log"
        processes.append(
            subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-c", "portal/gunicorn.conf.py", "portal.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=server_log.open("wb"),
            )
        )
        worker = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"]
        processes.append(
            subprocess.Popen(worker, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=worker_log.open("wb"))
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/healthz")

        submissions = [CountingSubmission(base, index) for index in range(SUBMISSIONS)]
        pending = list(reversed(submissions))
        lock = threading.Lock()
        done = Counter()

        def client():
            while True:
                with lock:
                    if not pending:
                        return
                    submission = pending.pop()
                submission.send()
                with lock:
                    done["sent"] += 1

        timeline = {}

        def failover():
            _wait_until(lambda: done["sent"] >= SUBMISSIONS // 3)
            _pg("kill", str(primary))
            timeline["killed"] = time.perf_counter()
            time.sleep(2)  # an operator's reaction is slower; meanwhile the app answers 503 and the worker waits
            _pg("promote", str(standby))
            timeline["promoted"] = time.perf_counter()

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)] + [threading.Thread(target=failover)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert "promoted" in timeline, "the failover did not happen"

        first_round = Counter(submission.outcome for submission in submissions)
        _wait_for(base + "/healthz")
        for submission in submissions:
            if submission.outcome != "receipt":
                submission.send()  # the consumer presses "send" again on the same form
        final = Counter(submission.outcome for submission in submissions)

        # The app found the new primary by itself; read what it holds.
        stored = _query(standby_url, "SELECT tracking_number, description FROM complaints_complaint")
        by_number = Counter(number for number, _ in stored)
        text_of = dict(stored)
        by_marker = Counter(description.split(":")[0] for _, description in stored)

        # Every receipt message is delivered: the worker waited the outage out; run_periodic hands back a message
        # whose lease ran out while the primary was dying.
        periodic = [sys.executable, "manage.py", "run_periodic", "--only", "messages"]

        def all_sent() -> bool:
            subprocess.run(periodic, cwd=ROOT, env=env, capture_output=True, check=False)
            return _query(standby_url, "SELECT count(*) FROM portal_message WHERE status <> 'sent'")[0][0] == 0

        _wait_until(all_sent, seconds=120)
        messages = _query(standby_url, "SELECT key::text, reference, status FROM portal_message")
        calls = Counter(line["key"] for line in _gateway_lines(gateway / "calls.jsonl"))
        delivered = Counter(line["key"] for line in _gateway_lines(gateway / "delivered.jsonl"))
        called_twice = sum(1 for count in calls.values() if count > 1)
        outage = timeline["promoted"] - timeline["killed"]
        print(
            f"\nfailover: {SUBMISSIONS} submissions from {CLIENTS} clients in {time.perf_counter() - started:.1f}s; "
            f"primary killed, standby promoted {outage:.1f}s later; first round {dict(first_round)}; "
            f"after one resend {dict(final)}; stored {len(stored)}; messages {len(messages)} "
            f"({dict(Counter(status for *_, status in messages))}); gateway calls {sum(calls.values())}, "
            f"messages called more than once {called_twice}, delivered twice {sum(1 for c in delivered.values() if c > 1)}"
        )

        assert set(first_round) <= {"receipt", "http-503"}, (
            first_round,
            server_log.read_text(errors="replace")[-6000:],
        )
        assert first_round["http-503"] > 0, "the failover touched no submission"
        assert sum(s.unavailable_without_retry_after for s in submissions) == 0, "a 503 without Retry-After"
        assert final == {"receipt": SUBMISSIONS}, final
        for submission in submissions:
            assert by_number[submission.tracking_number] == 1, submission.tracking_number
            assert text_of[submission.tracking_number] == submission.fields["description"], submission.tracking_number
        assert all(count == 1 for count in by_marker.values()), "a submission was stored twice"
        assert len(stored) == SUBMISSIONS
        receipts = {reference for _key, reference, _status in messages}
        assert receipts >= set(by_number), "a complaint's receipt message was lost"
        assert all(status == "sent" for *_, status in messages)
        assert all(delivered[key] == 1 for key, _reference, _status in messages), "a message delivered twice"
        assert processes[1].poll() is None, "the worker exited: " + worker_log.read_text(errors="replace")[-3000:]
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for cluster in (primary, standby):
            subprocess.run([PG, "stop", str(cluster)], check=False)
            shutil.rmtree(cluster, ignore_errors=True)
