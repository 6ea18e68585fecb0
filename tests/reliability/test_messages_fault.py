"""Messages through faults: 200 web submissions, an SMS gateway that fails every other call, a task worker killed
in the middle of the batch; once the gateway recovers every message is delivered exactly once.

The submissions go through the web form (the complaint views, in this process, committed to the test database);
the workers are `manage.py db_worker` processes on the same database; the gateway is the test backend
(portal/messaging/sms.py), shared by the processes through a folder, which records every call and accepts each
idempotency key once — as a gateway that honours idempotency keys does.
1. The submissions are made while no worker runs: each has its receipt SMS queued with it, and the gateway has
   not been called (the web request sends nothing).
2. A worker starts with the gateway failing every other call and taking 10 ms a call; once about a third of the
   messages are delivered the gateway slows down, and the worker is SIGKILLed while it waits for the answer on
   a message it has claimed.
3. The gateway recovers; two new workers and `run_periodic` (which hands back the dead worker's message when its
   lease runs out) finish the batch.
Then: 200 messages, all `sent`, each key accepted once by the gateway with the provider id the outbox recorded,
failures really happened and were retried.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from complaints.models import Complaint
from portal.messaging.models import Message

from .test_load_and_fault import ROOT, _wait_until

SUBMISSIONS = 200

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _submit(client: Client, index: int) -> int:
    """One POST of the whole complaint form, with the one-time token the form page gave this session."""
    token = re.search(r'name="token" value="([^"]+)"', client.get("/complaints/new/").text).group(1)
    answer = client.post(
        "/complaints/new/",
        {"name": "测试用户", "phone": "13812345678", "email": "", "capacity": "self", "category": "service",
         "description": f"fault-test submission {index:05d}: the counter was closed.", "consent": "on",
         "token": token, "website": ""},
    )  # fmt: skip
    return answer.status_code


def _stuck_message(seconds: float) -> Message:
    """The message the worker is waiting on the slow gateway for: being sent, and still being sent a moment
    later (the message in flight when the gateway slowed down answers within milliseconds)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        sending = list(Message.objects.filter(status="sending"))
        if len(sending) == 1:
            time.sleep(0.3)
            if Message.objects.filter(pk=sending[0].pk, status="sending", attempts=sending[0].attempts).exists():
                return sending[0]
        time.sleep(0.05)
    raise AssertionError("no message waited on the slow gateway")


def _poll(condition, seconds: float) -> None:
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        time.sleep(0.5)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_200_submissions_through_a_failing_gateway_and_a_killed_worker_are_each_texted_exactly_once(tmp_path, settings):
    gateway = tmp_path / "gateway"
    gateway.mkdir()
    settings.PORTAL_RATE_LIMITS = False
    settings.PORTAL_SMS_BACKEND = "test"
    settings.PORTAL_SMS_TEST_DIR = str(gateway)
    settings.PORTAL_SMS_SIGN_NAME = "示例人寿"
    settings.PORTAL_MESSAGE_LEASE_SECONDS = 2
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_"))},
        "DATABASE_URL": _database_url(),
        "DJANGO_SECRET_KEY": "messages-fault-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "PORTAL_LOG_LEVEL": "ERROR",
        "PORTAL_SMS_BACKEND": "test",
        "PORTAL_SMS_TEST_DIR": str(gateway),
        "PORTAL_MESSAGE_RETRY_DELAYS": ",".join(["0.2"] * 12),
        "PORTAL_MESSAGE_LEASE_SECONDS": "2",
    }
    worker = [sys.executable, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay", "--no-reload"]
    processes = []

    def start_worker() -> subprocess.Popen:
        process = subprocess.Popen(worker, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(process)
        return process

    try:
        # 1. The web requests only queue.
        client = Client()
        assert Counter(_submit(client, index) for index in range(SUBMISSIONS)) == {302: SUBMISSIONS}
        assert Message.objects.filter(status="queued").count() == SUBMISSIONS
        assert not (gateway / "calls.jsonl").exists()

        # 2. A worker against a failing, slow gateway, killed mid-batch.
        (gateway / "fail-every").write_text("2")
        (gateway / "latency").write_text("0.01")
        started = time.perf_counter()
        first = start_worker()
        _wait_until(lambda: len(_lines(gateway / "delivered.jsonl")) >= SUBMISSIONS // 3, seconds=60)
        # The gateway slows down so that the kill finds the worker between its claim and the gateway's answer.
        (gateway / "latency").write_text("5")
        in_flight = _stuck_message(seconds=20)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        delivered_before_recovery = len(_lines(gateway / "delivered.jsonl"))
        (gateway / "latency").write_text("0.01")

        # 3. The gateway recovers; new workers and the periodic sweep finish.
        (gateway / "fail-every").unlink()
        start_worker()
        start_worker()

        def all_sent() -> bool:
            call_command("run_periodic", "--only", "messages", stdout=StringIO())
            return not Message.objects.exclude(status="sent").exists()

        _poll(all_sent, seconds=45)
        elapsed = time.perf_counter() - started

        messages = list(Message.objects.values_list("key", "status", "attempts", "provider_id", "template"))
        numbers = set(Complaint.objects.values_list("tracking_number", flat=True))
        delivered = _lines(gateway / "delivered.jsonl")
        calls = Counter(line["outcome"] for line in _lines(gateway / "calls.jsonl"))
        print(
            f"\n{SUBMISSIONS} submissions, {len(messages)} messages delivered in {elapsed:.1f} s: gateway calls "
            f"{dict(calls)}, {delivered_before_recovery} delivered before the kill, "
            f"attempts per message {dict(sorted(Counter(row[2] for row in messages).items()))}"
        )
        errors = Counter(Message.objects.exclude(status="sent").values_list("last_error", flat=True))
        assert len(messages) == SUBMISSIONS and {row[4] for row in messages} == {"complaint.received"}
        assert {row[1] for row in messages} == {"sent"}, errors
        keys = Counter(line["key"] for line in delivered)
        assert set(keys) == {str(row[0]) for row in messages} and set(keys.values()) == {1}  # none lost, none twice
        assert {line["key"]: line["id"] for line in delivered} == {str(row[0]): row[3] for row in messages}
        assert {line["text"].split("查询编号为")[1][:20] for line in delivered} == numbers
        assert all(line["text"].startswith("【示例人寿】") for line in delivered)
        assert calls["failed"] >= SUBMISSIONS // 6 and max(row[2] for row in messages) >= 2  # retried
        # The message the killed worker was sending went out later, once, under its key.
        in_flight.refresh_from_db()
        assert in_flight.status == "sent" and in_flight.attempts >= 2 and keys[str(in_flight.key)] == 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
