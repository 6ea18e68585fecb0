"""Public pages under load: the portal (page cache on, and off = every request a miss) against a bare Django page.

    .venv/bin/python bench/web.py [--notices 10000 --complaints 1000000] [--seconds 3] [--rounds 3] [--record]

Starts a throwaway PostgreSQL (or uses DATABASE_URL: a database already holding volume data can be reused, then
leave out the counts), migrates, loads demo content and, when asked, volume data (`generate_volume`); then runs
gunicorn with the production settings (portal/gunicorn.conf.py) and the bare reference app with the same worker
settings, and measures each page with wrk (-t2 -c16, `Accept-Encoding: gzip` as every browser sends): served from
the page cache, and with the page cache off (every request renders the page; the parts pages share — shell,
notice cards, list totals, reception days — come from the fragment cache, as for any page not yet asked for since
the last change; bench/render.py measures the cold first render after a change). Complaint submission (a new form each request, so each files a
complaint) and the tracking look-up are POSTed by wrk with the Lua scripts in bench/lua/. Rate limits are off
(PORTAL_RATE_LIMITS=off). Prints a Markdown table; --record also puts it at the top of bench/RESULTS.md.
"""

import argparse
import dataclasses
import os
import re
import statistics
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, append_results, demo_site, gunicorn, manage, wrk

PAGES = [
    ("home", "/"),
    ("home (en)", "/en/"),
    ("notices list", "/notices/"),
    ("notices list (en)", "/en/notices/"),
    ("notices category", "/notices/fraud-warnings/"),
    ("notice detail", None),  # found through the sitemap
    ("search 欺诈", "/notices/?q=%E6%AC%BA%E8%AF%88"),
    ("search fraud (en)", "/en/notices/?q=fraud"),
    ("reception", "/reception/"),
    ("contact", "/contact/"),
]
# Pages with a form carry a CSRF token and set its cookie: they are never cached, so they are measured once
# and held to the form target (0.5×).
FORMS = [
    ("complaint form", "/complaints/new/"),
    ("tracking form", "/complaints/track/"),
]
LUA = ROOT / "bench" / "lua"
# (what, minimum ratio to the bare page) from the performance issue's targets; cached pages also need p99 <= 10 ms.
TARGETS = {"cached": 1.3, "uncached": 0.3, "form": 0.5, "submit": 0.3, "track": 0.5}
CACHED_P99_MS = 10
HIDDEN_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def notice_detail_path(base: str) -> str | None:
    sitemap = urllib.request.urlopen(base + "/sitemap.xml", timeout=180).read().decode()  # noqa: S310
    for location in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        path = re.sub(r"^https?://[^/]+", "", location)
        if re.fullmatch(r"/notices/[a-z-]+/[^/]+/", path):
            return path
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=0)
    parser.add_argument("--complaints", type=int, default=0)
    parser.add_argument("--reception-days", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    options = parser.parse_args()

    load_before = _load()
    with demo_site() as env:
        if options.notices or options.complaints or options.reception_days:
            manage(
                "generate_volume",
                f"--notices={options.notices}",
                f"--complaints={options.complaints}",
                f"--reception-days={options.reception_days}",
                f"--seed={options.seed}",
                env=env,
            )
        volume, tracking = _volume(env["DATABASE_URL"])
        cached_env = {**env, "PORTAL_PAGE_CACHE_SECONDS": "600"}
        uncached_env = {**env, "PORTAL_PAGE_CACHE_SECONDS": "0"}
        # All three servers run at once and each measurement is repeated in rounds, the bare page in every
        # round: on a machine whose speed drifts, each ratio then compares runs taken seconds apart, and the
        # median of the rounds is reported.
        with (
            gunicorn("bare:application", env, chdir=ROOT / "bench" / "bare") as bare,
            gunicorn("portal.wsgi", cached_env) as cached,
            gunicorn("portal.wsgi", uncached_env) as uncached,
        ):
            jobs = [Job("bare Django page", bare, "/", None)]
            detail = notice_detail_path(cached)
            failures = []
            for label, base in (("cached", cached), ("uncached", uncached)):
                for name, path in PAGES:
                    path = path or detail
                    if path is None:
                        continue
                    status = _status(base + path)
                    if status != 200:
                        failures.append((f"{name} [{label}]", path, status))
                        continue
                    jobs.append(Job(f"{name} [{label}]", base, path, label))
                if label == "cached":
                    jobs += [Job(f"{name} [form]", base, path, "form") for name, path in FORMS]
                    jobs += _posts(base, tracking)
            for job in jobs:
                if job.kind == "cached":
                    # Every worker fills its cache first (each has its own unless REDIS_URL is set).
                    wrk(job.base + job.path, seconds=1)
            for _round in range(options.rounds):
                for job in jobs:
                    os.environ.update(job.env)
                    job.results.append(
                        wrk(job.base + job.path, seconds=options.seconds, script=job.script, **job.wrk_options)
                    )
        reference = _median(jobs[0].results)
        rows = [(job.name, job.path, _median(job.results), None, job.kind) for job in jobs]
        rows += [(name, path, None, status, None) for name, path, status in failures]
        lines = [
            f"Volume: {volume}. Load average before the run: {load_before}; after it: {_load()}. Median of {options.rounds} rounds of "
            f"{options.seconds} s per line.",
            "",
            "| page | path | req/s | p50 ms | p99 ms | × bare | target | met | non-2xx |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | ---: |",
        ]
        for name, path, result, status, *kind in rows:
            if result is None:
                lines.append(f"| {name} | `{path}` | HTTP {status} | | | | | | |")
                continue
            ratio = result["rps"] / reference["rps"]
            target, met = _target(kind[0] if kind else None, ratio, result["p99"])
            lines.append(
                f"| {name} | `{path}` | {result['rps']:.0f} | {result['p50']:.2f} | {result['p99']:.2f} "
                f"| {ratio:.2f} | {target} | {met} | {result['non2xx']} |"
            )
        print("\n".join(lines))
        if options.record:
            command = "python bench/web.py " + " ".join(sys.argv[1:])
            append_results("public pages under wrk -t2 -c16", command, lines)


def _target(kind: str | None, ratio: float, p99: float) -> tuple[str, str]:
    if kind not in TARGETS:
        return "", ""
    minimum = TARGETS[kind]
    if kind == "cached":
        met = ratio >= minimum and p99 <= CACHED_P99_MS
        return f"≥ {minimum}×, p99 ≤ {CACHED_P99_MS} ms", "yes" if met else "**no**"
    return f"≥ {minimum}×", "yes" if ratio >= minimum else "**no**"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _volume(database_url: str) -> tuple[str, tuple[str, str]]:
    """What the database holds, and one complaint's tracking number and phone (as typed) for the look-up."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        counts = []
        for label, table in (
            ("notices", "notices_notice"),
            ("complaints", "complaints_complaint"),
            ("complaint events", "complaints_complaintevent"),
            ("reception days", "reception_receptionday"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts.append(f"{cursor.fetchone()[0]:,} {label}")
        cursor.execute(
            "SELECT tracking_number, phone FROM complaints_complaint WHERE status = 'in_progress' "
            "ORDER BY id DESC LIMIT 1"
        )
        number, phone = cursor.fetchone() or ("", "")
    return ", ".join(counts), (number, phone.removeprefix("+86"))


def _get(base: str, path: str) -> tuple[SimpleCookie, str]:
    """The cookies set and the page of one GET, as a new browser gets them."""
    response = urllib.request.urlopen(base + path, timeout=30)  # noqa: S310 - loopback only
    page = response.read().decode()
    cookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    return cookie, page


def _csrf(base: str, path: str) -> tuple[str, str]:
    """The CSRF cookie and form token a browser gets with the form (one GET)."""
    cookie, page = _get(base, path)
    return cookie["csrftoken"].value, HIDDEN_CSRF.search(page).group(1)


# The submission runs one connection per wrk thread (each alternates GET and POST on its own session).
SUBMIT_CONNECTIONS = 16


def form_sessions(base: str, count: int) -> str:
    """`count` browsers that have each opened the complaint form, as "sessionid|csrftoken" pairs joined by ";"
    (bench/lua/submit.lua's BENCH_SESSIONS): the form's one-time token is bound to the browser. A first visit
    gets no session (the session id is empty then): the POST that files the complaint makes it."""
    pairs = []
    for _ in range(count):
        cookie, _page = _get(base, "/complaints/new/")
        session = cookie["sessionid"].value if "sessionid" in cookie else ""
        pairs.append(f"{session}|{cookie['csrftoken'].value}")
    return ";".join(pairs)


def _submit_status(base: str, session: str) -> int:
    """One GET and POST as bench/lua/submit.lua sends them, on `session`: 302 means a complaint was filed."""
    sid, csrf_cookie = session.split("|")
    cookies = f"sessionid={sid}; csrftoken={csrf_cookie}" if sid else f"csrftoken={csrf_cookie}"
    request = urllib.request.Request(base + "/complaints/new/", headers={"Cookie": cookies})  # noqa: S310
    page = urllib.request.urlopen(request, timeout=30).read().decode()  # noqa: S310 - loopback only
    fields = {
        "csrfmiddlewaretoken": HIDDEN_CSRF.search(page).group(1),
        "token": re.search(r'name="token" value="([^"]+)"', page).group(1),
        "name": "压测", "phone": "13812345678", "category": "service", "capacity": "self",
        "description": "bench check: the counter was closed during its published hours.", "consent": "on",
    }  # fmt: skip
    return _post_status(base, "/complaints/new/", fields, cookies=cookies)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post_status(base: str, path: str, fields: dict, cookie: str = "", *, cookies: str = "") -> int:
    """One POST as the Lua script sends it: a 302 means it worked (a 200 would be the form with errors).
    `cookie` is the CSRF cookie's value; `cookies` a whole Cookie header instead (a session's)."""
    request = urllib.request.Request(  # noqa: S310 - loopback only
        base + path,
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Cookie": cookies or f"csrftoken={cookie}", "Referer": base + path},
    )
    try:
        return urllib.request.build_opener(_NoRedirect()).open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def _posts(base: str, tracking: tuple[str, str]) -> list:
    """The two POST measurements, each checked once by hand first."""
    jobs = []
    sessions = form_sessions(base, SUBMIT_CONNECTIONS)
    if _submit_status(base, sessions.split(";")[0]) != 302:
        raise SystemExit("The benchmark's complaint form POST is not accepted; bench/lua/submit.lua needs updating.")
    jobs.append(
        Job(
            "complaint submission (GET the form, POST it: 302)", base, "/complaints/new/", "submit",
            script=str(LUA / "submit.lua"), env={"BENCH_SESSIONS": sessions},
            wrk_options={"threads": SUBMIT_CONNECTIONS, "connections": SUBMIT_CONNECTIONS},
        )
    )  # fmt: skip
    number, phone = tracking
    if number:
        cookie, token = _csrf(base, "/complaints/track/")
        fields = {"csrfmiddlewaretoken": token, "tracking_number": number, "phone": phone}
        if _post_status(base, "/complaints/track/", fields, cookie) != 302:
            raise SystemExit("The benchmark's tracking look-up is not accepted; check bench/lua/track.lua.")
        env = {"BENCH_CSRF_COOKIE": cookie, "BENCH_CSRF_TOKEN": token, "BENCH_TRACKING": number, "BENCH_PHONE": phone}
        jobs.append(
            Job("tracking look-up (POST, 302)", base, "/complaints/track/", "track", str(LUA / "track.lua"), env)
        )
    return jobs


@dataclasses.dataclass
class Job:
    """One line of the table: what is measured, where, against which target, and its rounds' results."""

    name: str
    base: str
    path: str
    kind: str | None
    script: str | None = None
    env: dict = dataclasses.field(default_factory=dict)
    wrk_options: dict = dataclasses.field(default_factory=dict)
    results: list = dataclasses.field(default_factory=list)


def _median(results: list[dict]) -> dict:
    return {key: statistics.median(result[key] for result in results) for key in results[0]}


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=30).status  # noqa: S310 - loopback only
    except urllib.error.HTTPError as error:
        return error.code


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
