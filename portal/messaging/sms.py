"""Text messages go through a small backend interface, chosen by PORTAL_SMS_BACKEND (docs/messages.md).

- `console`: writes the masked number and the text to standard output (development).
- `memory`: keeps texts in a list in the process (unit tests, like Django's locmem email backend).
- `test`: a stand-in gateway shared by processes, in the folder PORTAL_SMS_TEST_DIR: it records every call,
  accepts each idempotency key once, fails every n-th call while the file `fail-every` there says n, and takes
  the seconds the file `latency` says before it has a message.
- `tencent`: Tencent Cloud SMS through its official SDK (tencentcloud-sdk-python-sms), with the registered
  sign name and one registered template id per message key.

A backend's `send` returns the provider's id for the message, or raises SMSFailure: `retryable` says whether
another attempt may succeed (a gateway that is down or throttling) or not (a number the gateway refuses).
"""

import fcntl
import json
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from portal.privacy import mask_phone

BACKENDS = {
    "console": "portal.messaging.sms.ConsoleSMSBackend",
    "memory": "portal.messaging.sms.MemorySMSBackend",
    "test": "portal.messaging.sms.TestGatewaySMSBackend",
    "tencent": "portal.messaging.sms.TencentSMSBackend",
}


@dataclass(frozen=True)
class SMS:
    phone: str  # E.164
    text: str  # as the recipient reads it, signature included
    template: str  # the catalogue's key
    params: dict  # the template's parameters, in the catalogue's order
    key: str  # the message's idempotency key


class SMSFailure(Exception):
    def __init__(self, reason: str, *, retryable: bool = True):
        super().__init__(reason)
        self.retryable = retryable


class BaseSMSBackend:
    # Whether texts reach phones: `manage.py check --deploy` warns when production uses a backend that does not.
    delivers = False

    def send(self, sms: SMS) -> str:
        raise NotImplementedError


def get_backend() -> BaseSMSBackend:
    name = settings.PORTAL_SMS_BACKEND
    return import_string(BACKENDS.get(name, name))()


class ConsoleSMSBackend(BaseSMSBackend):
    def send(self, sms: SMS) -> str:
        sys.stdout.write(f"SMS to {mask_phone(sms.phone)}: {sms.text}\n")
        sys.stdout.flush()
        return f"console-{sms.key}"


class MemorySMSBackend(BaseSMSBackend):
    """Keeps (phone, text) in `outbox`, once per idempotency key."""

    outbox: list[tuple[str, str]] = []
    keys: set[str] = set()

    def send(self, sms: SMS) -> str:
        if sms.key not in MemorySMSBackend.keys:
            MemorySMSBackend.keys.add(sms.key)
            MemorySMSBackend.outbox.append((sms.phone, sms.text))
        return f"memory-{sms.key}"


class TestGatewaySMSBackend(BaseSMSBackend):
    """A gateway of the test suite's own: `calls.jsonl` has a line per call (key, outcome), `delivered.jsonl` a
    line per message accepted (once per key, as a gateway that honours idempotency keys does)."""

    @staticmethod
    def folder() -> Path:
        return Path(settings.PORTAL_SMS_TEST_DIR)

    @contextmanager
    def _locked(self):
        folder = self.folder()
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield folder
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def send(self, sms: SMS) -> str:
        latency = self.folder() / "latency"
        if latency.exists():  # seconds on the way to the gateway, before it has the message
            time.sleep(float(latency.read_text()))
        with self._locked() as folder:
            counter = folder / "counter"
            calls = int(counter.read_text()) + 1 if counter.exists() else 1
            counter.write_text(str(calls))
            fail_every = folder / "fail-every"
            every = int(fail_every.read_text()) if fail_every.exists() else 0
            delivered = _read_lines(folder / "delivered.jsonl")
            earlier = next((line["id"] for line in delivered if line["key"] == sms.key), None)
            if every and calls % every == 0:
                outcome, provider_id = "failed", None
            elif earlier:
                outcome, provider_id = "duplicate", earlier
            else:
                outcome, provider_id = "delivered", f"test-{uuid.uuid4().hex[:12]}"
                _append(
                    folder / "delivered.jsonl",
                    {"key": sms.key, "id": provider_id, "phone": sms.phone, "text": sms.text},
                )
            _append(folder / "calls.jsonl", {"key": sms.key, "outcome": outcome})
        if provider_id is None:
            raise SMSFailure(f"test gateway: failing every {every} calls")
        return provider_id


def _read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _append(path: Path, line: dict) -> None:
    with open(path, "a") as file:
        file.write(json.dumps(line, ensure_ascii=False) + "\n")


# Tencent Cloud's answers that no retry changes: the number or the content is refused.
TENCENT_PERMANENT = (
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberInBlacklist",
    "FailedOperation.PhoneNumberOnBlacklist",
    "FailedOperation.ContainSensitiveWord",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
)


class TencentSMSBackend(BaseSMSBackend):
    """Tencent Cloud SMS (API 2021-01-11, SendSms). Configured by PORTAL_SMS_TENCENT_* (secret id and key, the
    SmsSdkAppId, the region), PORTAL_SMS_SIGN_NAME (the approved sign name, without 【】) and PORTAL_SMS_TEMPLATES
    (the approved template id of each message key). The gateway puts the signature in front of the template."""

    delivers = True

    def __init__(self):
        self.config = settings.PORTAL_SMS_TENCENT
        self.sign_name = settings.PORTAL_SMS_SIGN_NAME
        self.templates = settings.PORTAL_SMS_TEMPLATES

    def build_request(self, sms: SMS):
        from tencentcloud.sms.v20210111 import models

        template_id = self.templates.get(sms.template)
        if not template_id:
            raise SMSFailure(f"no Tencent Cloud template id for {sms.template} in PORTAL_SMS_TEMPLATES")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [sms.phone]
        request.SmsSdkAppId = self.config["app_id"]
        request.SignName = self.sign_name
        request.TemplateId = str(template_id)
        request.TemplateParamSet = [str(value) for value in sms.params.values()]
        # Comes back in delivery receipts: the receipt of a message sent twice after a crash names it.
        request.SessionContext = sms.key
        return request

    def client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        http = HttpProfile()
        endpoint = self.config.get("endpoint") or "sms.tencentcloudapi.com"
        if endpoint.startswith("http://"):
            http.scheme, endpoint = "http", endpoint.removeprefix("http://")
        http.endpoint = endpoint.removeprefix("https://")
        http.reqTimeout = int(self.config.get("timeout") or 10)
        profile = ClientProfile(httpProfile=http)
        profile.disable_region_breaker = True
        secret = credential.Credential(self.config["secret_id"], self.config["secret_key"])
        return SmsClient(secret, self.config.get("region") or "ap-guangzhou", profile)

    def send(self, sms: SMS) -> str:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

        request = self.build_request(sms)
        try:
            response = self.client().SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or "ClientError"
            raise SMSFailure(
                f"Tencent Cloud {code}: {error.get_message()}"[:300], retryable=_retryable(code)
            ) from error
        statuses = response.SendStatusSet or []
        if not statuses:
            raise SMSFailure("Tencent Cloud answered without a send status")
        status = statuses[0]
        if status.Code != "Ok":
            raise SMSFailure(f"Tencent Cloud {status.Code}: {status.Message}"[:300], retryable=_retryable(status.Code))
        return status.SerialNo or response.RequestId or ""


def _retryable(code: str) -> bool:
    return not any(code.startswith(permanent) for permanent in TENCENT_PERMANENT)
