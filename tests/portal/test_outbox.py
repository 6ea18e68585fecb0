"""The outbox: retries with back-off, giving up with a staff alert, a dead sender's message sent again under the
same key, the periodic sweep; and the catalogue's texts measured in SMS segments."""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from portal import roles
from portal.messaging import catalogue
from portal.messaging.models import Message, MessageStatus, StaffAlert
from portal.messaging.outbox import message_deliver, message_queue, messages_sweep
from portal.messaging.sms import SMSFailure, TestGatewaySMSBackend, _read_lines

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gateway(settings, tmp_path):
    settings.PORTAL_SMS_BACKEND = "test"
    settings.PORTAL_SMS_TEST_DIR = str(tmp_path / "gateway")
    return Path(settings.PORTAL_SMS_TEST_DIR)


def _queue(phone="+8613812345678", language="zh-hans"):
    return message_queue(
        channel="sms",
        recipient=phone,
        language=language,
        template="complaint.accepted",
        params={"number": "TS-20261121-7KQ2M9XD", "due": "2026年12月6日"},
        reference="TS-20261121-7KQ2M9XD",
    )


def test_a_failed_message_is_retried_after_1_5_30_and_120_minutes_then_given_up_and_supervisors_alerted(
    gateway, make_user, run_worker
):
    supervisor = make_user("boss", groups=[roles.SUPERVISOR])
    gateway.mkdir()
    (gateway / "fail-every").write_text("1")  # the gateway is down
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        message = _queue()
        waits = []
        for attempt in range(5):
            # The last attempt gives up, and the supervisor's alert email is sent in the same run.
            assert run_worker() == (1 if attempt < 4 else 2)
            message.refresh_from_db()
            if message.next_attempt_at:
                waits.append(round((message.next_attempt_at - timezone.now()).total_seconds() / 60))
                assert run_worker() == 0  # not before its time
                clock.move_to(message.next_attempt_at)
    assert waits == [1, 5, 30, 120]
    assert message.status == MessageStatus.GIVEN_UP and message.attempts == 5
    assert "failing every 1 calls" in message.last_error
    [alert] = StaffAlert.objects.filter(user=supervisor)
    assert alert.template == "message_given_up" and "138****5678" in alert.title and "5" in alert.title
    assert Message.objects.get(template="staff.alert").recipient == "boss@example.com"


def test_a_message_is_delivered_once_when_the_gateway_recovers(gateway, run_worker):
    gateway.mkdir()
    (gateway / "fail-every").write_text("1")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        message = _queue()
        run_worker()
        (gateway / "fail-every").unlink()
        clock.shift(timedelta(minutes=1))
        run_worker()
        run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert [line["key"] for line in _read_lines(gateway / "delivered.jsonl")] == [str(message.key)]
    assert message.provider_id.startswith("test-")


class RefusingGateway(TestGatewaySMSBackend):
    """A gateway that refuses the number (as Tencent Cloud answers IncorrectPhoneNumber)."""

    def send(self, sms):
        raise SMSFailure("InvalidParameterValue.IncorrectPhoneNumber", retryable=False)


def test_a_number_the_gateway_refuses_is_given_up_at_once(run_worker, settings):
    settings.PORTAL_SMS_BACKEND = f"{__name__}.RefusingGateway"
    message = _queue()
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.GIVEN_UP, 1)


def test_a_sender_that_died_before_the_answer_is_replaced_after_its_lease_under_the_same_key(gateway):
    message = _queue()
    # A worker claimed it and was killed: the row says "sending" with a lease.
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, attempts=1, lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert message_deliver(message_id=message.pk) is None  # the lease still runs: nobody else sends it
    assert messages_sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert messages_sweep() == 1
        assert message_deliver(message_id=message.pk) == MessageStatus.SENT
        assert messages_sweep() == 0
    message.refresh_from_db()
    assert message.attempts == 2 and "sent again under the same key" not in message.last_error


def test_the_sweep_hands_a_message_whose_task_was_lost_to_the_worker_once_per_grace_period(gateway, run_worker):
    from django_tasks_db.models import DBTaskResult

    message = _queue()
    DBTaskResult.objects.all().delete()  # the task went with a worker's database that was restored, say
    later = timezone.now() + timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        assert messages_sweep() == 1
        assert messages_sweep() == 0
        call_command("run_periodic", "--only", "messages", stdout=StringIO())
        run_worker()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_run_periodic_names_an_unknown_job_and_runs_every_job_once():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown job"):
        call_command("run_periodic", "--only", "nonsense")
    out = StringIO()
    call_command("run_periodic", stdout=out)
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [
        "messages",
        "digests",
        "late",
        "escalations",
        "feedback",
        "early-warnings",
        "exports",
        "account-sessions",
    ]


# Values as long as real ones get: a tracking number, a long Chinese date, a reason of 30 characters, a branch.
_SAMPLES = {
    "number": "TS-20261121-7KQ2M9XD",
    "original": "TS-20261101-3HT8W2QA",
    "received": "2026年11月21日",
    "due": "2026年12月21日",
    "day": "2026年12月21日",
    "reason": "需调取销售过程的录音录像并核实保单回访记录内容",
    "outcome": "部分支持",
    "remedies": "上级单位核查（请于2026年12月21日前提出）、调解、仲裁、诉讼",
    "branch": "北京分公司",
    "date": "2026-12-09",
    "start": "09:00",
    "end": "11:30",
    "place": "北京市朝阳区建国门外大街1号10层接待室",
    "until": "2027年1月21日",
    "link": "https://www.example-life.com.cn/en/complaints/feedback/jJoynvnFAwsZmvKhn9yk5P90RdAEsP_X/",
    "code": "123456",
    "minutes": "5",
    "kind": "说明个人信息处理规则",
    "body": "上海市保险合同纠纷人民调解委员会",
}


def segment_table() -> dict[tuple[str, str], int]:
    counts = {}
    for key in catalogue.TEMPLATES:
        if key == "staff.alert":
            continue
        for language in ("zh-hans", "en"):
            _subject, text = catalogue.render(key, _SAMPLES, language)
            counts[(key, language)] = catalogue.sms_segments("【示例人寿】" + text)
    return counts


def test_every_text_fits_in_three_segments_in_chinese_and_five_in_english():
    counts = segment_table()
    assert max(n for (key, language), n in counts.items() if language == "zh-hans") <= 3
    assert max(n for (key, language), n in counts.items() if language == "en") <= 5


def test_the_message_catalogue_in_the_docs_lists_every_message_with_its_segment_counts():
    documented = {}
    for line in (ROOT / "docs" / "messages.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([a-z_.]+)` \|.*\| (\d+) \| (\d+) \|$", line)
        if match:
            documented[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    counts = segment_table()
    expected = {key: (counts[(key, "zh-hans")], counts[(key, "en")]) for key, _language in counts}
    assert documented == expected


def test_segments_are_counted_as_gateways_count_them():
    assert catalogue.sms_segments("a" * 160) == 1 and catalogue.sms_segments("a" * 161) == 2
    assert catalogue.sms_segments("字" * 70) == 1 and catalogue.sms_segments("字" * 71) == 2
    assert catalogue.sms_segments("【签名】" + "x" * 130) == 2  # the brackets make it UCS-2
