"""The Tencent Cloud adapter, through the real SDK, against a local stand-in for the SendSms endpoint (this
machine reaches no cloud): the request carries the configured app id, sign name, template id and parameters in
the catalogue's order; the SDK's errors become retryable or permanent failures."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import checks

from portal.messaging.checks import check_sms_backend
from portal.messaging.sms import SMS, SMSFailure, TencentSMSBackend

OK = {
    "Response": {
        "SendStatusSet": [
            {
                "SerialNo": "5000:1045710669157053657849499619",
                "PhoneNumber": "+8613812345678",
                "Fee": 1,
                "SessionContext": "",
                "Code": "Ok",
                "Message": "send success",
                "IsoCode": "CN",
            }
        ],
        "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
    }
}


class Endpoint(BaseHTTPRequestHandler):
    answers: list = []
    seen: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Endpoint.seen.append({"action": self.headers.get("X-TC-Action"), "auth": self.headers.get("Authorization"),
                              "body": json.loads(body)})  # fmt: skip
        status, answer = Endpoint.answers.pop(0)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def tencent(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Endpoint.answers, Endpoint.seen = [], []
    settings.PORTAL_SMS_BACKEND = "tencent"
    settings.PORTAL_SMS_SIGN_NAME = "示例人寿"
    settings.PORTAL_SMS_TEMPLATES = {"complaint.extended": "2301003"}
    settings.PORTAL_SMS_TENCENT = {
        "secret_id": "AKIDexample",
        "secret_key": "example-secret",
        "app_id": "1400006666",
        "region": "ap-guangzhou",
        "endpoint": f"http://127.0.0.1:{server.server_address[1]}",
        "timeout": "5",
    }
    yield Endpoint
    server.shutdown()


SAMPLE = SMS(
    phone="+8613812345678",
    text="【示例人寿】您的投诉TS-20261121-7KQ2M9XD需要延长办理期限。",
    template="complaint.extended",
    params={"number": "TS-20261121-7KQ2M9XD", "reason": "需调取录音", "due": "2026年12月21日"},
    key="6f1c1f9e-8a2b-4c3d-9e0f-112233445566",
)


def test_the_request_carries_the_app_id_sign_name_template_id_and_parameters_in_order(tencent):
    tencent.answers.append((200, OK))
    assert TencentSMSBackend().send(SAMPLE) == "5000:1045710669157053657849499619"
    [call] = tencent.seen
    assert call["action"] == "SendSms" and call["auth"].startswith("TC3-HMAC-SHA256 Credential=AKIDexample/")
    assert call["body"] == {
        "PhoneNumberSet": ["+8613812345678"],
        "SmsSdkAppId": "1400006666",
        "SignName": "示例人寿",
        "TemplateId": "2301003",
        "TemplateParamSet": ["TS-20261121-7KQ2M9XD", "需调取录音", "2026年12月21日"],
        "SessionContext": SAMPLE.key,
    }


def test_throttling_and_server_errors_are_retryable_and_a_wrong_number_is_not(tencent):
    tencent.answers += [
        (200, {"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "slow down"}, "RequestId": "r1"}}),
        (502, {"Response": {}}),
        (200, {"Response": {"SendStatusSet": [{**OK["Response"]["SendStatusSet"][0],
                                               "Code": "InvalidParameterValue.IncorrectPhoneNumber",
                                               "Message": "incorrect number"}], "RequestId": "r3"}}),
    ]  # fmt: skip
    outcomes = []
    for _call in range(3):
        with pytest.raises(SMSFailure) as failure:
            TencentSMSBackend().send(SAMPLE)
        outcomes.append((str(failure.value).split(":")[0], failure.value.retryable))
    assert outcomes == [
        ("Tencent Cloud RequestLimitExceeded", True),
        ("Tencent Cloud ServerNetworkError", True),
        ("Tencent Cloud InvalidParameterValue.IncorrectPhoneNumber", False),
    ]


def test_an_unreachable_gateway_and_a_missing_template_id_are_retryable(tencent, settings):
    settings.PORTAL_SMS_TENCENT = {**settings.PORTAL_SMS_TENCENT, "endpoint": "http://127.0.0.1:9"}
    with pytest.raises(SMSFailure) as unreachable:
        TencentSMSBackend().send(SAMPLE)
    with pytest.raises(SMSFailure, match=r"no Tencent Cloud template id for complaint\.accepted") as missing:
        TencentSMSBackend().send(SMS(**{**SAMPLE.__dict__, "template": "complaint.accepted"}))
    assert unreachable.value.retryable and missing.value.retryable


def test_the_deploy_check_warns_of_a_backend_that_reaches_no_phone_and_names_missing_template_ids(settings, tencent):
    problems = check_sms_backend()
    assert [problem.id for problem in problems] == ["portal.E103"] and "complaint.received" in problems[0].msg
    settings.PORTAL_SMS_TEMPLATES = {}
    settings.PORTAL_SMS_SIGN_NAME = ""
    assert {problem.id for problem in check_sms_backend()} == {"portal.E102", "portal.E103"}
    settings.PORTAL_SMS_BACKEND = "console"
    [warning] = check_sms_backend()
    assert warning.id == "portal.W101" and warning.level == checks.WARNING
    settings.PORTAL_SMS_BACKEND = "no.such.Backend"
    assert [problem.id for problem in check_sms_backend()] == ["portal.E101"]
