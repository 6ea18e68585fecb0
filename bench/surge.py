"""A complaint surge with the complaint team still at work: what one server holds, and where it gives way first.

    DATABASE_URL=postgres://… .venv/bin/python bench/surge.py [--steps 0,0.25,0.5,0.75,1,1.25,1.5] [--step-seconds 30]
        [--complaints 20] [--lookups 200] [--pages 100] [--staff-workers 1] [--public-nice 10] [--workers 4]
        [--threads 2] [--keepalive 16] [--isolate] [--record]

On a database filled by `generate_volume`, gunicorn serves the production settings with the rate limits ON and
one trusted proxy in front (PORTAL_PROXY_COUNT=1): every visitor comes with an address of their own in
X-Forwarded-For and a phone of their own, as a surge from many phones does. A task worker (`db_worker`) sends the
messages the complaints queue. The staff pages have a gunicorn of their own (--staff-workers, as the proxy routes
/admin/ to it: docs/deploy.md) and the public one runs at a lower priority (--public-nice), so that a surge of the
public cannot take the CPU from the complaint team; --staff-workers 0 --public-nice 0 measures one server for all.
The load generator (this process, one asyncio loop) is pinned to the last core and
its CPU share is reported; with --isolate the servers (gunicorn, its workers, the task worker and PostgreSQL) are
pinned to the other cores, so that the generator takes nothing from them.

The rate rises in steps. At step factor f the public side offers, per second (arrivals spread at random):
- f × --complaints submissions: a new browser opens the complaint form, POSTs every field at once with a small
  photo attached (multipart) and reads its receipt;
- f × --lookups tracking look-ups: the tracking form, the POST of a complaint's number and phone (one in ten
  mistyped: the page says not found) and, when found, the status page;
- f × --pages page views: the home pages, the notice lists and categories, notices, the reception days, in both
  languages; an editor publishes a notice every --publish-seconds, so the cached pages are missed after each.
Beside it, scripted staff work as they would (a think time between pages): handlers open their queue, search
by a phone, open a complaint's record and decide one of their complaints (GET the form, POST it); a supervisor
opens the team's queue and the list by status; a compliance officer asks for a month's export, waits for the
task worker to write it, and asks again about --export-seconds later.

Per step: public requests/s held, p50/p99 per kind, staff p99 per page, errors (5xx, timeouts, refused
connections), limited (429) and the load of the machine. A side "degrades" at the first step where it stops
holding: public when it completes less than 95 % of the offered journeys or a POST's p99 passes 2 s; staff when a
page's p99 passes 500 ms.
"""

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, append_results, environment, gunicorn, in_process_site

HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"')
TIMEOUT = 30.0
# At most this many public journeys at once: beyond it an arrival is dropped (the server is not keeping up).
MAX_IN_FLIGHT = 400
STAFF_P99_MS = 500
POST_P99_MS = 2000
HELD = 0.95
PAGES = [
    "/",
    "/en/",
    "/notices/",
    "/en/notices/",
    "/notices/fraud-warnings/",
    "/en/notices/fraud-warnings/",
    "/notices/announcements/",
    "/reception/",
    "/en/reception/",
    "/contact/",
]


class Recorder:
    """Every request's latency, by step and by name, and how each ended."""

    def __init__(self):
        self.step = 0
        self.latency = defaultdict(list)  # (step, side, name) -> [ms]
        self.outcome = defaultdict(int)  # (step, side, what) -> count
        self.journeys = defaultdict(int)  # (step, kind, "offered" | "done" | "dropped") -> count

    def add(self, step, side, name, ms, status):
        self.latency[(step, side, name)].append(ms)
        if status is None:
            self.outcome[(step, side, "errors")] += 1
        elif status == 429:
            self.outcome[(step, side, "limited")] += 1
        elif status >= 500:
            self.outcome[(step, side, "errors")] += 1
        self.outcome[(step, side, "requests")] += 1


class Site:
    """An HTTP/1.1 client for one server, as the proxy in front of it is: with `keepalive` idle connections kept
    for the next requests (nginx's `keepalive 16` of docs/deploy.md), or a new connection for every request when
    it is 0."""

    def __init__(self, base: str, recorder: Recorder, keepalive: int = 16):
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.recorder, self.keepalive = host, int(port), recorder, keepalive
        self.idle = []

    async def request(self, side, name, method, path, *, headers=None, body=b"", gzip_ok=False):
        """(status, headers, text) of one request; status None when it failed (refused, reset, timed out)."""
        step = self.recorder.step
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        if not self.keepalive:
            lines.append("Connection: close")
        if gzip_ok:
            lines.append("Accept-Encoding: gzip")
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        started = time.perf_counter()
        try:
            async with asyncio.timeout(TIMEOUT):
                status, response_headers, content = await self._exchange(raw)
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            self.recorder.add(step, side, name, (time.perf_counter() - started) * 1000, None)
            return None, {}, ""
        self.recorder.add(step, side, name, (time.perf_counter() - started) * 1000, status)
        return status, response_headers, content

    async def _exchange(self, raw: bytes):
        # A kept connection the server has closed meanwhile (its keep-alive ran out) is dropped and the request
        # sent again on a new one, as a proxy does; a new connection's failure is the request's.
        while self.idle:
            reader, writer = self.idle.pop()
            try:
                return await self._send(reader, writer, raw)
            except (OSError, ValueError, asyncio.IncompleteReadError):
                writer.close()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return await self._send(reader, writer, raw)

    async def _send(self, reader, writer, raw: bytes):
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status, headers = _head(head)
        if "chunked" in ",".join(headers.get("transfer-encoding", [])):
            body = await _read_chunked(reader)
        elif "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"][0]))
        else:
            body = await reader.read()
        closing = "close" in ",".join(headers.get("connection", [])).lower() or not self.keepalive
        if closing or len(self.idle) >= self.keepalive or reader.at_eof():
            writer.close()
        else:
            self.idle.append((reader, writer))
        if "gzip" in ",".join(headers.get("content-encoding", [])):
            body = gzip.decompress(body)
        return status, headers, body.decode("utf-8", "replace")


def _head(head: bytes):
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = defaultdict(list)
    for line in lines[1:]:
        if line:
            key, _colon, value = line.partition(":")
            headers[key.strip().lower()].append(value.strip())
    return status, headers


async def _read_chunked(reader) -> bytes:
    out = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(out)
        out.append(await reader.readexactly(size))
        await reader.readexactly(2)


def _cookies(headers, jar: dict) -> dict:
    for line in headers.get("set-cookie", []):
        pair = line.split(";", 1)[0]
        key, _eq, value = pair.partition("=")
        jar[key.strip()] = value.strip()
    return jar


def _location(headers) -> str:
    return re.sub(r"^https?://[^/]+", "", (headers.get("location") or ["/"])[0])


def _cookie_header(jar: dict) -> str:
    return "; ".join(f"{key}={value}" for key, value in jar.items())


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]]) -> tuple[str, bytes]:
    boundary = "----surge" + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content_type, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


class Visitors:
    """Distinct addresses and phones, one per journey, as many phones behind one proxy."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.count = 0

    def address(self) -> str:
        self.count += 1
        n = self.count + 65536 * self.random.randint(1, 200)
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def phone(self) -> str:
        return f"139{self.random.randint(0, 99_999_999):08d}"


async def submission(site: Site, visitors: Visitors, photo: bytes, serial: int, recorder: Recorder) -> bool:
    forwarded = {"X-Forwarded-For": visitors.address()}
    status, headers, page = await site.request(
        "public", "complaint form (GET)", "GET", "/complaints/new/", headers=forwarded
    )
    if status != 200:
        return False
    jar = _cookies(headers, {})
    hidden = dict(HIDDEN.findall(page))
    fields = [
        ("csrfmiddlewaretoken", hidden.get("csrfmiddlewaretoken", "")),
        ("token", hidden.get("token", "")),
        ("name", "涌入测试"),
        ("phone", visitors.phone()),
        ("email", ""),
        ("capacity", "self"),
        ("category", "sales"),
        ("policy_number", f"P{serial:010d}"),
        ("description", f"Surge complaint {serial}: the agent said the policy could be surrendered at no loss."),
        ("desired_outcome", "A full refund of the premium."),
        ("consent", "on"),
        ("website", ""),
    ]
    content_type, body = _multipart(fields, [("attachments", "policy.png", "image/png", photo)])
    status, headers, _page = await site.request(
        "public",
        "complaint submission (POST)",
        "POST",
        "/complaints/new/",
        headers={
            **forwarded,
            "Content-Type": content_type,
            "Cookie": _cookie_header(jar),
            "Referer": f"http://{site.host}/complaints/new/",
        },
        body=body,
    )
    if status != 302:
        if status == 200:
            recorder.outcome[(recorder.step, "public", "refused submissions")] += 1
        return False
    _cookies(headers, jar)
    status, _headers, _page = await site.request(
        "public", "receipt (GET)", "GET", _location(headers), headers={**forwarded, "Cookie": _cookie_header(jar)}
    )
    return status == 200


async def lookup(site: Site, visitors: Visitors, known: list, rng: random.Random) -> bool:
    forwarded = {"X-Forwarded-For": visitors.address()}
    status, headers, page = await site.request(
        "public", "tracking form (GET)", "GET", "/complaints/track/", headers=forwarded
    )
    if status != 200:
        return False
    jar = _cookies(headers, {})
    hidden = dict(HIDDEN.findall(page))
    number, phone = rng.choice(known)
    mistyped = rng.random() < 0.1
    if mistyped:
        phone = phone[:-1] + str((int(phone[-1]) + 1) % 10)
    body = (
        f"csrfmiddlewaretoken={hidden.get('csrfmiddlewaretoken', '')}&tracking_number={number}&phone={phone}"
    ).encode()
    status, headers, _page = await site.request(
        "public",
        "look-up (POST)",
        "POST",
        "/complaints/track/",
        headers={
            **forwarded,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(jar),
            "Referer": f"http://{site.host}/complaints/track/",
        },
        body=body,
    )
    if mistyped:
        return status == 200
    if status != 302:
        return False
    _cookies(headers, jar)
    status, _headers, _page = await site.request(
        "public", "status page (GET)", "GET", _location(headers), headers={**forwarded, "Cookie": _cookie_header(jar)}
    )
    return status == 200


async def page_view(site: Site, visitors: Visitors, paths: list, rng: random.Random) -> bool:
    status, _headers, _page = await site.request(
        "public", "page view", "GET", rng.choice(paths), headers={"X-Forwarded-For": visitors.address()}, gzip_ok=True
    )
    return status == 200


async def staff_member(site: Site, who: dict, stop: asyncio.Event, rng: random.Random, think: float):
    """One member of staff at work until `stop`: their pages in turn, with a think time between."""
    cookie = {"Cookie": f"sessionid={who['session']}; csrftoken={who['csrf']}"}
    decidable = list(who.get("decidable", []))
    while not stop.is_set():
        for name, path in who["pages"]:
            if stop.is_set():
                return
            if name == "decision":
                if not decidable:
                    continue
                pk = decidable.pop()
                status, _headers, page = await site.request(
                    "staff", "decision form (GET)", "GET", path.format(pk=pk), headers=cookie
                )
                if status == 200:
                    hidden = dict(HIDDEN.findall(page))
                    body = "&".join(
                        f"{key}={value}"
                        for key, value in [
                            ("csrfmiddlewaretoken", hidden.get("csrfmiddlewaretoken", "")),
                            ("decision", "After+reviewing+the+sale+recording+the+premium+is+refunded+in+full."),
                            ("outcome", "upheld"),
                            *[("remedies", remedy) for remedy in who["remedies"]],
                            *[("reliefs", relief) for relief in who["reliefs"]],
                            ("delivered_on", ""),
                            ("note", ""),
                        ]
                    ).encode()
                    status, _headers, _page = await site.request(
                        "staff",
                        "decision (POST)",
                        "POST",
                        path.format(pk=pk),
                        headers={
                            **cookie,
                            "Content-Type": "application/x-www-form-urlencoded",
                            "Referer": f"http://{site.host}{path.format(pk=pk)}",
                        },
                        body=body,
                    )
                    who["decided"] += status == 302
            elif name == "export":
                await _export(site, who, cookie, stop)
            else:
                await site.request("staff", name, "GET", path, headers=cookie)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), who.get("think", think) * (0.5 + rng.random()))


async def _export(site: Site, who: dict, cookie: dict, stop: asyncio.Event):
    """A month's export asked for, then its job page read every second until the file is written."""
    status, _headers, page = await site.request("staff", "export form (GET)", "GET", who["export"], headers=cookie)
    if status != 200:
        return
    hidden = dict(HIDDEN.findall(page))
    body = (
        f"csrfmiddlewaretoken={hidden.get('csrfmiddlewaretoken', '')}&start={who['month'][0]}&end={who['month'][1]}"
        "&file_format=csv&branch="
    ).encode()
    started = time.perf_counter()
    status, headers, _page = await site.request(
        "staff",
        "export (POST)",
        "POST",
        who["export"],
        headers={
            **cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{site.host}{who['export']}",
        },
        body=body,
    )
    job = _location(headers)
    if status != 302:
        return
    while not stop.is_set():
        await asyncio.sleep(1)
        status, _headers, page = await site.request("staff", "export job page (GET)", "GET", job, headers=cookie)
        if status != 200 or "/download/" in page:
            break
    if status == 200 and "/download/" in page:
        who["exports"].append(time.perf_counter() - started)


async def arrivals(kind, rate, until, journey, recorder: Recorder, in_flight: list, rng: random.Random):
    """Journeys of one kind started at random moments (exponential gaps) at `rate` a second, until `until`."""
    loop = asyncio.get_running_loop()
    next_at = loop.time()
    tasks = set()

    async def run():
        step = recorder.step
        in_flight[0] += 1
        try:
            if await journey():
                recorder.journeys[(step, kind, "done")] += 1
        finally:
            in_flight[0] -= 1

    if rate <= 0:  # a step of staff work alone
        await asyncio.sleep(max(0.0, until - loop.time()))
        return
    while True:
        next_at += rng.expovariate(rate)
        if next_at >= until:
            break
        await asyncio.sleep(max(0.0, next_at - loop.time()))
        recorder.journeys[(recorder.step, kind, "offered")] += 1
        if in_flight[0] >= MAX_IN_FLIGHT:
            recorder.journeys[(recorder.step, kind, "dropped")] += 1
            continue
        task = asyncio.create_task(run())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=TIMEOUT * 3)


def _cpu_seconds_of_self() -> float:
    times = os.times()
    return times.user + times.system


def _machine_busy() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


_SERVERS = ("gunicorn", "db_worker", "postgres")


def _processes() -> dict[int, tuple[int, str, int, int]]:
    """Every process: pid -> (parent pid, command, own CPU ticks, reaped children's CPU ticks)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name: state, ppid, …; utime, stime, cutime, cstime are the 12th to 15th.
        table[int(entry.name)] = (
            int(fields[1]),
            command,
            int(fields[11]) + int(fields[12]),
            int(fields[13]) + int(fields[14]),
        )
    return table


def _servers(database_port: str, table: dict | None = None) -> dict[str, list[int]]:
    """This run's servers, each a list of processes: the gunicorn servers and the task worker this process
    started, and the PostgreSQL cluster on the database's port, each with every process under it. Other work on
    the machine is left out. `table`: _processes(), when already read."""
    table = table if table is not None else _processes()
    children = defaultdict(list)
    for pid, (parent, *_rest) in table.items():
        children[parent].append(pid)
    roots = {}
    for pid in children[os.getpid()]:
        command = table[pid][1]
        roots[pid] = "db_worker" if "db_worker" in command else "gunicorn" if "gunicorn" in command else None
    for pid, (_parent, command, *_rest) in table.items():
        if command.split(" ", 1)[0].endswith("/postgres") and f"-p {database_port} " in command + " ":
            roots[pid] = "postgres"
    trees = {name: [] for name in _SERVERS}
    for root, name in roots.items():
        stack = [root] if name is not None else []
        while stack:
            pid = stack.pop()
            trees[name].append(pid)
            stack.extend(children[pid])
    return trees


def _servers_cpu_seconds(database_port: str) -> dict:
    """CPU seconds used so far by each of this run's servers (_servers); a process that ended counts in its
    parent's children's time."""
    table = _processes()
    ticks = os.sysconf("SC_CLK_TCK")
    return {
        name: sum(table[pid][2] + table[pid][3] for pid in pids if pid in table) / ticks
        for name, pids in _servers(database_port, table).items()
    }


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare(options) -> dict:
    """Staff, their sessions and cases; the look-ups' complaints; a photo; a clean slate of rate counters."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.db.models.functions import Mod
    from django.test import Client
    from django.urls import reverse

    from complaints.models import Complaint, Remedy, Status
    from complaints.models.vocabulary import RELIEFS_BY_OUTCOME
    from notices.models import Notice
    from notices.models import Status as NoticeStatus
    from portal import roles

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM portal_ratecount")

    def member(username, group):
        user, _created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.set([Group.objects.get(name=group)])
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get(reverse("admin:index"))
        return (
            user,
            client.cookies["sessionid"].value,
            client.cookies.get("csrftoken").value if client.cookies.get("csrftoken") else "",
        )

    rng = random.Random(options.seed)
    sample = list(
        Complaint.objects.filter(status=Status.IN_PROGRESS)
        .order_by("-id")
        .values_list("tracking_number", "phone")[:5000]
    )
    known = [(number, phone.removeprefix("+86")) for number, phone in sample]
    staff = []
    changelist = reverse("admin:complaints_complaint_changelist")
    decide = reverse("admin:complaints_complaint_action", args=[0, "decide"]).replace("/0/", "/{pk}/")
    reliefs = sorted(RELIEFS_BY_OUTCOME.get("upheld", []))[:1] if isinstance(RELIEFS_BY_OUTCOME, dict) else []
    for number in range(options.handlers):
        user, session, csrf = member(f"surge-handler-{number}", roles.COMPLAINT_HANDLER)
        # Each handler's own cases: every 400th complaint (a few thousand at a million), assigned once.
        if not Complaint.objects.filter(handler=user).exists():
            Complaint.objects.annotate(slot=Mod("id", 400)).filter(slot=number).update(handler=user)
        # And 150 complaints under way to decide, each handler their own (a run decides some; the next takes others).
        decidable = list(
            Complaint.objects.filter(status=Status.IN_PROGRESS, review_of=None)
            .order_by("id")
            .values_list("pk", flat=True)[number * 150 : (number + 1) * 150]
        )
        Complaint.objects.filter(pk__in=decidable).update(handler=user)
        phone = rng.choice(known)[1]
        spoken = f"{phone[:3]} {phone[3:7]} {phone[7:]}".replace(" ", "+")
        own = Complaint.objects.filter(handler=user).order_by("-id").values_list("pk", flat=True).first()
        staff.append(
            {
                "who": f"handler {number + 1}",
                "session": session,
                "csrf": csrf,
                "decidable": decidable,
                "remedies": list(Remedy.values),
                "reliefs": reliefs,
                "decided": 0,
                "pages": [
                    ("handler: queue (admin index)", reverse("admin:index")),
                    ("handler: search by phone", f"{changelist}?q={spoken}"),
                    ("handler: a complaint's record", reverse("admin:complaints_complaint_change", args=[own])),
                    ("decision", decide),
                ],
            }
        )
    user, session, csrf = member("surge-supervisor", roles.SUPERVISOR)
    staff.append(
        {
            "who": "supervisor",
            "session": session,
            "csrf": csrf,
            "decided": 0,
            "pages": [
                ("supervisor: team queue (admin index)", reverse("admin:index")),
                ("supervisor: list by status", f"{changelist}?status__exact=in_progress"),
            ],
        }
    )
    user, session, csrf = member("surge-compliance", roles.COMPLIANCE_OFFICER)
    today = django.utils.timezone.localdate()
    first = today.replace(day=1)
    staff.append(
        {
            "who": "compliance officer",
            "session": session,
            "csrf": csrf,
            "decided": 0,
            "exports": [],
            "export": reverse("admin:complaints_compliance_export"),
            "month": (first.isoformat(), today.isoformat()),
            "pages": [("export", "")],
            # Another export about once a minute once the last one is written.
            "think": options.export_seconds,
        }
    )
    for who in staff:
        who.setdefault("exports", [])
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 180, 150)).save(buffer, "PNG")
    detail = Notice.objects.filter(status=NoticeStatus.PUBLISHED).order_by("-id").values_list("category", "slug")[:50]
    paths = PAGES + [f"/notices/{category}/{slug}/" for category, slug in detail]
    counts = {"complaints": Complaint.objects.count(), "decidable": sum(len(w.get("decidable", [])) for w in staff)}
    return {"known": known, "staff": staff, "photo": buffer.getvalue(), "paths": paths, "counts": counts}


def publish_one(serial: int) -> None:
    """An editor publishes a notice (both languages): every cached page that lists notices is missed after it."""
    from django.contrib.auth.models import User

    from notices import services
    from notices.models import Notice

    editor = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("surge-editor")
    stamp = time.strftime("%H:%M:%S")
    notice = services.notice_create(
        actor=editor,
        category="announcements",
        title_zh_hans=f"服务公告 {serial}（{stamp}）",
        title_en=f"Service announcement {serial} ({stamp})",
        body_zh_hans="近期咨询量较大，请耐心等候，我们将按顺序处理每一件投诉。",
        body_en="We are receiving many enquiries; every complaint will be handled in turn.",
    )
    services.notice_publish(notice=notice, actor=editor)
    Notice.objects.filter(pk=notice.pk).exists()


def _pin(pids: list[int], cpus: set[int]) -> None:
    """Pin each process, every thread of it (a threaded worker's threads are tasks of their own)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(int(task.name), cpus)


async def surge(options, site: Site, staff_site: Site, prepared: dict, recorder: Recorder, publisher) -> list[dict]:
    rng = random.Random(options.seed)
    visitors = Visitors(options.seed)
    # Warm-up, not reported (step -1): every worker has rendered each public page and staff page once, as on a
    # server that has been up for a while.
    recorder.step = -1
    for _round in range(options.workers * options.threads):
        await asyncio.gather(*(site.request("public", "warm-up", "GET", path) for path in prepared["paths"]))
        for who in prepared["staff"]:
            cookie = {"Cookie": f"sessionid={who['session']}; csrftoken={who['csrf']}"}
            for name, path in who["pages"]:
                if name not in ("decision", "export"):
                    await staff_site.request("staff", "warm-up", "GET", path, headers=cookie)
    stop = asyncio.Event()
    staff_tasks = [
        asyncio.create_task(staff_member(staff_site, who, stop, random.Random(index), options.think))
        for index, who in enumerate(prepared["staff"])
    ]
    steps = []
    in_flight = [0]
    serial = [0]

    def next_serial():
        serial[0] += 1
        return serial[0]

    for index, factor in enumerate(options.steps):
        recorder.step = index
        loop = asyncio.get_running_loop()
        until = loop.time() + options.step_seconds
        cpu_before, busy_before, servers_before = (
            _cpu_seconds_of_self(),
            _machine_busy(),
            _servers_cpu_seconds(options.database_port),
        )
        started = time.perf_counter()
        publishing = asyncio.create_task(_publishing(publisher, options.publish_seconds, until))
        await asyncio.gather(
            arrivals(
                "complaints",
                options.complaints * factor,
                until,
                lambda: submission(site, visitors, prepared["photo"], next_serial(), recorder),
                recorder,
                in_flight,
                rng,
            ),
            arrivals(
                "look-ups",
                options.lookups * factor,
                until,
                lambda: lookup(site, visitors, prepared["known"], rng),
                recorder,
                in_flight,
                rng,
            ),
            arrivals(
                "page views",
                options.pages * factor,
                until,
                lambda: page_view(site, visitors, prepared["paths"], rng),
                recorder,
                in_flight,
                rng,
            ),
        )
        await publishing
        elapsed = time.perf_counter() - started
        busy_after = _machine_busy()
        steps.append(
            {
                "factor": factor,
                "seconds": elapsed,
                "generator_cpu": (_cpu_seconds_of_self() - cpu_before) / elapsed,
                **{
                    f"cpu_{name}": (seconds - servers_before[name]) / elapsed
                    for name, seconds in _servers_cpu_seconds(options.database_port).items()
                },
                "machine_busy": (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1]),
                "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
            }
        )
        print(f"step {index + 1}: ×{factor} done in {elapsed:.1f} s", file=sys.stderr)
    stop.set()
    await asyncio.wait(staff_tasks, timeout=TIMEOUT * 2)
    return steps


async def _publishing(publisher, every: float, until: float):
    loop = asyncio.get_running_loop()
    while loop.time() + every < until:
        await asyncio.sleep(every)
        await asyncio.to_thread(publisher)


def report(options, prepared, recorder: Recorder, steps: list[dict], note: str) -> list[str]:
    lines = [
        f"{prepared['counts']['complaints']:,} complaints before the run. gunicorn {options.workers} workers × "
        f"{options.threads} threads ({options.worker_class})"
        + (
            f", staff pages on a server of their own ({options.staff_workers} sync worker(s))"
            + (f", the public server at nice {options.public_nice}" if options.public_nice else "")
            if options.staff_workers
            else ""
        )
        + "; one `db_worker`; rate limits on; PORTAL_PROXY_COUNT=1; "
        + (
            f"up to {options.keepalive} connections kept open, as the proxy's upstream keep-alive; "
            if options.keepalive
            else "a new connection per request; "
        )
        + f"a new address and phone per journey. {note}",
        "",
        f"Offered per second at step factor 1: {options.complaints} submissions (form, multipart POST with a "
        f"{len(prepared['photo']) // 1024} KB PNG, receipt), {options.lookups} look-ups (form, POST, status page; one "
        f"in ten mistyped), {options.pages} page views (a notice published every {options.publish_seconds:.0f} s). "
        f"Staff: {options.handlers} handlers (queue, search by phone, a record, a decision), a supervisor (queue, "
        f"list by status), a compliance officer (a month's CSV export through the task worker, then "
        f"another about {options.export_seconds:.0f} s later), {options.think:.1f} s think time. Each step {options.step_seconds} s.",
        "",
        "| step | offered /s (complaints · look-ups · pages) | held /s (complaints · look-ups · pages) | public req/s "
        "| submission POST p50 / p99 ms | look-up POST p50 / p99 ms | page view p50 / p99 ms | form and receipt GETs "
        "p99 ms | errors | 429 | staff p99 ms (worst page) | servers' CPU, cores: web · database · task worker "
        "| servers' CPU ms per public request (beyond the staff-only step ×0, when run) "
        "| generator CPU | machine busy | load |",
        "| ---: | --- | --- | ---: | --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    degraded = {"public": None, "staff": None}

    def cores(step):
        return sum(step[f"cpu_{name}"] for name in _SERVERS)

    baseline = next((cores(step) for step in steps if step["factor"] == 0), 0.0)
    for index, step in enumerate(steps):
        offered = [
            recorder.journeys[(index, kind, "offered")] / options.step_seconds
            for kind in ("complaints", "look-ups", "page views")
        ]
        held = [
            recorder.journeys[(index, kind, "done")] / options.step_seconds
            for kind in ("complaints", "look-ups", "page views")
        ]
        # Rates are of the step's arrival window; the step lasts longer by the time its last journeys take.
        count = recorder.outcome[(index, "public", "requests")]
        requests = count / options.step_seconds

        def pair(name, index=index):
            values = recorder.latency[(index, "public", name)]
            return f"{_percentile(values, 0.5):.0f} / {_percentile(values, 0.99):.0f}" if values else "—"

        gets = [
            value
            for name in ("complaint form (GET)", "receipt (GET)", "tracking form (GET)", "status page (GET)")
            for value in recorder.latency[(index, "public", name)]
        ]
        staff_p99 = {
            name: _percentile(values, 0.99)
            for (step_index, side, name), values in recorder.latency.items()
            if step_index == index and side == "staff" and name != "export job page (GET)"
        }
        worst = max(staff_p99.items(), key=lambda item: item[1]) if staff_p99 else ("—", float("nan"))
        errors = recorder.outcome[(index, "public", "errors")] + recorder.outcome[(index, "staff", "errors")]
        limited = recorder.outcome[(index, "public", "limited")]
        posts = [
            _percentile(recorder.latency[(index, "public", name)], 0.99)
            for name in ("complaint submission (POST)", "look-up (POST)")
        ]
        if degraded["public"] is None and (
            any(h < HELD * o for h, o in zip(held, offered, strict=True)) or any(p > POST_P99_MS for p in posts)
        ):
            degraded["public"] = step["factor"]
        if degraded["staff"] is None and worst[1] > STAFF_P99_MS:
            degraded["staff"] = step["factor"]
        spent = (cores(step) - baseline) * step["seconds"]
        per_request = f"{spent * 1000 / count:.1f}" if count else "—"
        lines.append(
            f"| ×{step['factor']:g} | {' · '.join(f'{v:.0f}' for v in offered)} | {' · '.join(f'{v:.1f}' for v in held)} "
            f"| {requests:.0f} | {pair('complaint submission (POST)')} | {pair('look-up (POST)')} | {pair('page view')} "
            f"| {_percentile(gets, 0.99):.0f} | {errors} | {limited} | {worst[1]:.0f} ({worst[0]}) "
            f"| {step['cpu_gunicorn']:.2f} · {step['cpu_postgres']:.2f} · {step['cpu_db_worker']:.2f} "
            f"| {per_request} "
            f"| {step['generator_cpu'] * 100:.0f} % of a core | {step['machine_busy'] * 100:.0f} % | {step['load']} |"
        )
    lines += ["", "Staff pages, p99 ms per step (requests in the step):", ""]
    names = sorted({name for (step, side, name) in recorder.latency if side == "staff" and step >= 0})
    lines.append("| page | " + " | ".join(f"×{step['factor']:g}" for step in steps) + " |")
    lines.append("| --- |" + " ---: |" * len(steps))
    for name in names:
        cells = []
        for index in range(len(steps)):
            values = recorder.latency[(index, "staff", name)]
            cells.append(f"{_percentile(values, 0.99):.0f} ({len(values)})" if values else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    decided = sum(who["decided"] for who in prepared["staff"])
    exports = [seconds for who in prepared["staff"] for seconds in who["exports"]]
    refused = sum(recorder.outcome[(index, "public", "refused submissions")] for index in range(len(steps)))
    dropped = sum(value for (step, kind, what), value in recorder.journeys.items() if what == "dropped")
    lines += [
        "",
        f"Decisions sent: {decided}. Month's exports written: {len(exports)}"
        + (f" ({', '.join(f'{seconds:.1f}' for seconds in exports)} s from asking to the file)" if exports else "")
        + f". Submissions the form refused: {refused}. Journeys not started (over {MAX_IN_FLIGHT} in flight): {dropped}.",
        "",
        "Public side degrades at: "
        + (f"×{degraded['public']:g}" if degraded["public"] is not None else "no step (held throughout)")
        + "; staff side degrades at: "
        + (
            f"×{degraded['staff']:g}"
            if degraded["staff"] is not None
            else f"no step (every page's p99 ≤ {STAFF_P99_MS} ms)"
        )
        + ".",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default="0,0.25,0.5,0.75,1,1.25,1.5")
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--complaints", type=float, default=20)
    parser.add_argument("--lookups", type=float, default=200)
    parser.add_argument("--pages", type=float, default=100)
    parser.add_argument("--handlers", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--publish-seconds", type=float, default=60)
    parser.add_argument("--export-seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="")
    parser.add_argument(
        "--public-nice", type=int, default=10, help="run the public server at this nice level (0: not lowered)"
    )
    parser.add_argument(
        "--staff-workers",
        type=int,
        default=1,
        help="serve the staff pages from a gunicorn of their own, with this many sync workers (0: the public one)",
    )
    parser.add_argument(
        "--keepalive", type=int, default=16, help="idle connections kept to gunicorn, as nginx's upstream (0: none)"
    )
    parser.add_argument("--isolate", action="store_true", help="pin the servers to the cores the generator leaves")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--record", action="store_true")
    options = parser.parse_args()
    options.steps = [float(value) for value in options.steps.split(",")]
    options.database_port = str(urllib.parse.urlsplit(os.environ["DATABASE_URL"]).port or 5432)
    options.worker_class = options.worker_class or ("gthread" if options.threads > 1 else "sync")
    env = in_process_site(PORTAL_RATE_LIMITS="on", PORTAL_PROXY_COUNT="1")
    env = {
        **env,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "PORTAL_RATE_LIMITS": "on",
        "PORTAL_PROXY_COUNT": "1",
        "PORTAL_MEDIA_ROOT": env["PORTAL_STATIC_ROOT"] + "-media",
        "GUNICORN_WORKERS": str(options.workers),
        "GUNICORN_THREADS": str(options.threads),
        "GUNICORN_WORKER_CLASS": options.worker_class,
    }
    os.environ.update(env)
    prepared = prepare(options)
    cpus = sorted(os.sched_getaffinity(0))
    generator_cpu = {cpus[-1]}
    server_cpus = set(cpus[:-1]) or set(cpus)
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker"],
        cwd=ROOT,
        env=environment(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with contextlib.ExitStack() as servers:
            before_public = set(_processes())
            base = servers.enter_context(gunicorn("portal.wsgi", env))
            if options.public_nice:
                # The public server's processes (its master and workers, and the workers it forks later) yield
                # the CPU to the staff server's when both want it.
                for pid, (_parent, command, *_rest) in _processes().items():
                    if pid not in before_public and "gunicorn" in command:
                        with contextlib.suppress(OSError):
                            os.setpriority(os.PRIO_PROCESS, pid, options.public_nice)
            # With --staff-workers the staff pages have a server of their own, as a proxy routes /admin/ to it.
            staff_base = (
                servers.enter_context(
                    gunicorn(
                        "portal.wsgi",
                        {
                            **env,
                            "GUNICORN_WORKERS": str(options.staff_workers),
                            "GUNICORN_THREADS": "1",
                            "GUNICORN_WORKER_CLASS": "sync",
                        },
                    )
                )
                if options.staff_workers
                else base
            )
            if options.isolate:
                servers_pids = [pid for pids in _servers(options.database_port).values() for pid in pids]
                _pin(servers_pids, server_cpus)
            # What the setup wrote is flushed before the first step, so that its checkpoint is not counted there.
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
            connection.close()
            time.sleep(5)
            os.sched_setaffinity(0, generator_cpu)
            recorder = Recorder()
            site = Site(base, recorder, options.keepalive)
            steps = asyncio.run(
                surge(options, site, Site(staff_base, recorder, options.keepalive), prepared, recorder, _publisher())
            )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    pinned = (
        f"Generator pinned to core {min(generator_cpu)}; servers pinned to core(s) {','.join(map(str, sorted(server_cpus)))}."
        if options.isolate
        else f"Generator pinned to core {min(generator_cpu)}; servers on every core."
    )
    lines = report(options, prepared, recorder, steps, f"{pinned} Load average before: {load_before}.")
    print("\n".join(lines))
    if options.record:
        append_results("a complaint surge with staff at work", "python bench/surge.py " + " ".join(sys.argv[1:]), lines)
    (Path(env["PORTAL_STATIC_ROOT"]) / "surge.json").write_text(json.dumps({"steps": steps}))


def _publisher():
    serial = [0]

    def publish():
        serial[0] += 1
        publish_one(serial[0])

    return publish


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
