"""Operations seen from outside: the production configuration and behaviour during a database outage.

These run `manage.py` in a subprocess with the environment a production server would have.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-entropy-9f8e7d6c5b4a",
    "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
    "DJANGO_DEBUG": "0",
    "PORTAL_HTTPS": "1",
    "PORTAL_PROXY_COUNT": "1",
}


def run(args, env, **kwargs):
    full_env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_"))}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120, **kwargs
    )


def _sms_env() -> dict:
    """A production SMS gateway as docs/messages.md configures it (Tencent Cloud, a template id per message)."""
    from portal.messaging.catalogue import TEMPLATES

    ids = ",".join(f"{key}={2301000 + number}" for number, key in enumerate(TEMPLATES) if key != "staff.alert")
    return {
        "PORTAL_SMS_BACKEND": "tencent",
        "PORTAL_SMS_SIGN_NAME": "示例人寿",
        "PORTAL_SMS_TEMPLATES": ids,
        "PORTAL_SMS_TENCENT_SECRET_ID": "AKIDexample",
        "PORTAL_SMS_TENCENT_SECRET_KEY": "example-secret",
        "PORTAL_SMS_TENCENT_APP_ID": "1400006666",
    }


def test_production_settings_pass_the_deployment_check_without_warnings():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, **_sms_env(), "DATABASE_URL": os.environ.get("DATABASE_URL", "")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_warns_when_workers_or_servers_would_not_share_their_state():
    env = {**PRODUCTION_ENV, "DATABASE_URL": os.environ.get("DATABASE_URL", ""), "GUNICORN_WORKERS": "4"}
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {**env, "PORTAL_RATE_LIMIT_STORE": "cache"}
    )
    assert result.returncode != 0 and "portal.W001" in result.stderr + result.stdout
    assert "a limit of 10 lets 40 tries through" in result.stderr + result.stdout
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {**env, "PORTAL_APP_SERVERS": "2"})
    assert result.returncode != 0 and "portal.W002" in result.stderr + result.stdout
    assert "portal.W001" not in result.stderr + result.stdout  # the counters are in PostgreSQL


def test_settings_refuse_to_start_without_a_secret_key_outside_debug():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


OUTAGE_SCRIPT = """
import django, json
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
out = {}
for path in ["/healthz", "/contact/", "/en/contact/"]:
    response = client.get(path)
    out[path] = [response.status_code, response.get("Retry-After"), response.content.decode()[:20000]]
print(json.dumps(out))
"""


def test_database_outage_answers_503_with_retry_after_on_every_page_and_in_healthz(tmp_path):
    import json

    static_env = {**PRODUCTION_ENV, "PORTAL_STATIC_ROOT": str(tmp_path / "static")}
    collected = run(["manage.py", "collectstatic", "--no-input", "-v0"], static_env)
    assert collected.returncode == 0, collected.stderr
    env = {
        "PORTAL_STATIC_ROOT": str(tmp_path / "static"),
        **PRODUCTION_ENV,
        "PORTAL_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"postgres://app:app@127.0.0.1:{_closed_port()}/app",
    }
    result = run(["-c", OUTAGE_SCRIPT], env)
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    assert pages["/healthz"][0] == 503
    for path in ["/en/contact/", "/contact/"]:
        status, retry_after, body = pages[path]
        assert status == 503, (path, status)
        assert retry_after == "30"
        assert "Traceback" not in body
    assert "Service temporarily unavailable" in pages["/en/contact/"][2]
    assert "服务暂时不可用" in pages["/en/contact/"][2]
