"""Two app servers, one PostgreSQL, one Redis: what must hold on every server holds across them.

Two gunicorn instances (production settings, REDIS_URL set) run against a PostgreSQL cluster this test starts and
the Redis that .ci/test.sh starts (PORTAL_TEST_REDIS_URL). A third process (manage.py shell, as a task worker or
an editor's request on a third server would) publishes a notice. Shown here:
- rate limits: ten failed tracking look-ups spread over both servers, and the next one is refused (429) on both;
- idempotent submission: the same form POSTed to both servers at once makes one complaint, and both answer
  with the same receipt;
- cache invalidation: both servers serve the notices list from the shared cache (a change that bypasses the
  application does not show), and a publish made elsewhere shows on both at once.
Without Redis, one server of four workers: a publish ends every worker's cached pages (the version file), and a
limit of ten look-ups holds across the four workers (the counters are rows in PostgreSQL).
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2
import pytest
import redis

from tests.reliability.test_load_and_fault import TRACKING, NoRedirect, _free_port, _run, _wait_for

ROOT = Path(__file__).resolve().parents[2]
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')

pytestmark = pytest.mark.fault

PUBLISH = """
from django.utils import timezone
from notices import services
notice = services.notice_create(actor=None, category="announcements", title_zh_hans={zh!r}, title_en={en!r},
                                summary_zh_hans="摘要", body_zh_hans="正文")
services.notice_publish(notice=notice, actor=None, publish_at=timezone.now() - timezone.timedelta(minutes=1))
"""
INSERT_BEHIND_THE_BACK = """
INSERT INTO notices_notice (category, slug, title, title_zh_hans, title_en, summary, summary_zh_hans, body,
    body_zh_hans, body_html, body_html_zh_hans, status, publish_at, pinned, rights, audiences, created_at, updated_at)
VALUES ('announcements', 'behind', '背后', '背后', 'Behind the back', '', '', '', '', '', '', 'published',
    now() - interval '1 hour', false, '[]', '[]', now(), now())
"""


class Visitor:
    """A browser: its own cookies, no automatic redirects."""

    def __init__(self, copy_cookies_of: "Visitor | None" = None):
        self.jar = http.cookiejar.CookieJar()
        for cookie in copy_cookies_of.jar if copy_cookies_of else ():
            self.jar.set_cookie(cookie)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict) -> tuple[int, str]:
        request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
        request.add_header("Referer", url)
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location", "")
            return error.code, location if error.code in (301, 302, 303) else error.read().decode()
        return response.status, response.read().decode()


def _form(visitor: Visitor, url: str) -> dict:
    status, page = visitor.get(url)
    assert status == 200, (url, status)
    # A form's hidden fields, without the guided complaint's step: the whole form is sent at once.
    return {name: value for name, value in HIDDEN.findall(page) if name != "step"}


@contextlib.contextmanager
def _servers(tmp_path, clone_cluster, static_root, *, count: int, workers: int, redis_url: str | None):
    """`count` gunicorn instances of `workers` workers each on a PostgreSQL cluster of their own (a copy of the
    migrated one); yields their base URLs, their environment and the database URL."""
    cluster, database_url = clone_cluster()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_", "GUNICORN_"))},
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "two-servers-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_HTTPS": "0",
        "PORTAL_MEDIA_ROOT": str(tmp_path / "media"),
        "PORTAL_STATIC_ROOT": str(static_root),
        "PORTAL_LOG_LEVEL": "ERROR",
        "PORTAL_SMS_BACKEND": "memory",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    servers = []
    try:
        bases = []
        for _ in range(count):
            port = _free_port()
            servers.append(
                subprocess.Popen(
                    [str(Path(sys.executable).parent / "gunicorn"), "-c", "portal/gunicorn.conf.py", "portal.wsgi"],
                    cwd=ROOT,
                    env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            _wait_for(base + "/healthz")
        yield bases, env, database_url
    finally:
        for server in servers:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is left to finish
            server.wait(timeout=30)
        subprocess.run([str(ROOT / ".ci" / "pg"), "stop", str(cluster)], check=False)
        shutil.rmtree(cluster, ignore_errors=True)


@pytest.fixture
def two_servers(tmp_path, clone_cluster, static_root):
    redis_url = os.environ.get("PORTAL_TEST_REDIS_URL")
    assert redis_url, "run through .ci/test.sh, which starts Redis and sets PORTAL_TEST_REDIS_URL"
    # A database of its own in the shared Redis, emptied first: nothing left over from another run counts.
    redis_url = re.sub(r"/\d*$", "", redis_url) + "/5"
    redis.Redis.from_url(redis_url).flushdb()
    with _servers(tmp_path, clone_cluster, static_root, count=2, workers=1, redis_url=redis_url) as servers:
        yield servers


@pytest.fixture(scope="module")
def one_server_without_redis(tmp_path_factory, clone_cluster, static_root):
    folder = tmp_path_factory.mktemp("one-server")
    with _servers(folder, clone_cluster, static_root, count=1, workers=4, redis_url=None) as servers:
        yield servers


def test_limits_receipts_and_cached_pages_hold_across_two_app_servers(two_servers):
    bases, env, database_url = two_servers

    # Rate limit: ten failed look-ups, alternating between the servers, then both refuse.
    visitors = [Visitor(), Visitor()]
    forms = [_form(visitor, base + "/en/complaints/track/") for visitor, base in zip(visitors, bases, strict=True)]
    wrong = {"tracking_number": "TS-20261120-0000000", "phone": "13800000000"}
    for attempt in range(10):
        server = attempt % 2
        status, _page = visitors[server].post(bases[server] + "/en/complaints/track/", {**forms[server], **wrong})
        assert status == 200, (attempt, status)
    for server in (0, 1):
        status, _page = visitors[server].post(bases[server] + "/en/complaints/track/", {**forms[server], **wrong})
        assert status == 429, server

    # Idempotent submission: one form, sent to both servers at the same moment.
    visitor = Visitor()
    fields = _form(visitor, bases[0] + "/en/complaints/new/")
    fields.update(
        name="Two Servers",
        phone="13912345678",
        category="service",
        capacity="self",
        description="two-servers test: the counter was closed during its published hours.",
        consent="on",
    )
    answers = [None, None]

    def send(index):
        # The same form in two tabs whose requests a load balancer sent to different servers.
        sender = Visitor(copy_cookies_of=visitor)
        status, location = sender.post(bases[index] + "/en/complaints/new/", fields)
        assert status == 302, (index, status, location[:300])
        receipt_status, receipt = sender.get(urllib.parse.urljoin(bases[index], location))
        assert receipt_status == 200
        answers[index] = TRACKING.search(receipt).group(1)

    threads = [threading.Thread(target=send, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers[0] and answers[0] == answers[1]
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tracking_number FROM complaints_complaint WHERE description LIKE 'two-servers test:%%'")
        assert [row[0] for row in cursor.fetchall()] == [answers[0]]

    # Cache invalidation: both servers serve the list from the shared cache (a notice written behind the
    # application's back, with no signal, does not show on either)…
    for base in bases:
        assert "Behind the back" not in Visitor().get(base + "/en/notices/")[1]
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(INSERT_BEHIND_THE_BACK)
    for base in bases:
        assert "Behind the back" not in Visitor().get(base + "/en/notices/")[1], base
    # …and a publish made by a third process shows on both at once (with everything else now in the database).
    _run([sys.executable, "manage.py", "shell", "-c", PUBLISH.format(zh="新公告", en="Published elsewhere")], env)
    for base in bases:
        page = Visitor().get(base + "/en/notices/")[1]
        assert "Published elsewhere" in page and "Behind the back" in page, base


def test_a_publish_shows_at_once_on_every_worker_of_a_server_without_a_shared_cache(one_server_without_redis):
    """Without REDIS_URL each worker process keeps its own cached pages; a publish made in any process (here a
    third one) must still end them all, or some visitors would see the old list for ten minutes."""
    (base,), env, _database_url = one_server_without_redis
    for _ in range(40):  # every one of the four workers caches the list
        assert "Published on one server" not in Visitor().get(base + "/en/notices/")[1]
    _run([sys.executable, "manage.py", "shell", "-c", PUBLISH.format(zh="单机公告", en="Published on one server")], env)
    answers = [Visitor().get(base + "/en/notices/")[1] for _ in range(40)]
    assert all("Published on one server" in page for page in answers)


def test_a_limit_of_ten_look_ups_holds_across_four_workers_without_redis(one_server_without_redis):
    """Ten failed look-ups sent at once (so that every worker gets some) use up the limit; every further one,
    whichever worker answers it, is refused. Counted per worker, four workers would let up to forty through."""
    (base,), _env, database_url = one_server_without_redis
    url = base + "/en/complaints/track/"
    visitor = Visitor()
    form = _form(visitor, url)
    wrong = {**form, "tracking_number": "TS-20261120-0000000", "phone": "13800000000"}
    statuses = []

    def look_up():
        statuses.append(Visitor(copy_cookies_of=visitor).post(url, wrong)[0])

    threads = [threading.Thread(target=look_up) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 10
    refused = [Visitor(copy_cookies_of=visitor).post(url, wrong)[0] for _ in range(12)]
    assert refused == [429] * 12
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT key, count FROM portal_ratecount WHERE key LIKE 'rl:complaint-track%%' ORDER BY key")
        counts = {key.split(":")[1]: count for key, count in cursor.fetchall()}
    # The number typed from this address, and the address's looser ceiling: each counted once per look-up.
    assert counts == {"complaint-track": 10, "complaint-track-address": 10}
