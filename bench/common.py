"""Shared pieces of the benchmarks: a throwaway PostgreSQL, gunicorn servers, wrk runs, result tables.

Benchmarks are run by hand (never by `make test`); each prints its numbers and can append them to
bench/RESULTS.md.
"""

import contextlib
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_DEBUG": "0",
    "PORTAL_HTTPS": "0",
    "PORTAL_RATE_LIMITS": "off",
    "GUNICORN_ACCESS_LOG": "/dev/null",
    "PORTAL_LOG_LEVEL": "WARNING",
}


def environment(env: dict) -> dict:
    """The environment of a measured process: ours plus `env`, with Python's bytecode cache allowed (a server
    keeps compiled modules; without it every command would compile the project again before starting)."""
    merged = {**os.environ, **env}
    merged.pop("PYTHONDONTWRITEBYTECODE", None)
    return merged


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.platform()}, Python {platform.python_version()}"
    )


@contextlib.contextmanager
def postgres():
    """A throwaway cluster (the same script `make test` uses); yields its DATABASE_URL."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield os.environ["DATABASE_URL"]
        return
    directory = tempfile.mkdtemp(prefix="portal-bench-pg.")
    url = subprocess.run(
        [str(ROOT / ".ci" / "pg"), "start", directory], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run([str(ROOT / ".ci" / "pg"), "stop", directory], check=False)
        shutil.rmtree(directory, ignore_errors=True)


def in_process_site(**extra: str) -> dict:
    """Make this process the production site on the volume database in DATABASE_URL (static files collected
    into a folder of its own), for the benchmarks that call the WSGI application or the test client directly.
    Returns the environment it set."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database filled by generate_volume.")
    static_root = tempfile.mkdtemp(prefix="portal-bench-static.")
    env = {**PRODUCTION_ENV, "PORTAL_STATIC_ROOT": static_root, "PORTAL_PAGE_CACHE_VERSION_FILE": static_root + "/v"}
    manage("collectstatic", "--no-input", "-v0", env=env)
    os.environ.update({**env, **extra})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    return env


def manage(*args, env: dict, check=True, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=environment(env), check=check, **kwargs)


@contextlib.contextmanager
def demo_site():
    """A production-configured site on a throwaway database: migrated, static files collected, demo content
    loaded. Yields the environment to run its commands and servers with."""
    with postgres() as database_url, tempfile.TemporaryDirectory() as static_root:
        env = {**PRODUCTION_ENV, "DATABASE_URL": database_url, "PORTAL_STATIC_ROOT": static_root}
        manage("migrate", "--no-input", "-v0", env=env)
        manage("collectstatic", "--no-input", "-v0", env=env)
        manage("load_demo", "--demo-site", env=env, capture_output=True)
        yield env


@contextlib.contextmanager
def gunicorn(app: str, env: dict, chdir: Path = ROOT):
    port = free_port()
    full_env = environment({**env, "GUNICORN_BIND": f"127.0.0.1:{port}"})
    process = subprocess.Popen(
        [GUNICORN, "-c", str(ROOT / "portal" / "gunicorn.conf.py"), "--chdir", str(chdir), app],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()  # noqa: S310 - loopback only
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not start: {process.stderr.read()[-2000:]}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


ACCEPT_ENCODING = "Accept-Encoding: gzip, deflate, br"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def wrk(url: str, *, seconds: int = 10, connections: int = 16, threads: int = 2, script: str | None = None) -> dict:
    """req/s, p50 and p99 (ms) and the error count of one wrk run."""
    # Every request says what browsers say: they accept gzip (the page cache serves it compressed once).
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", ACCEPT_ENCODING]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "99"):
        match = re.search(rf"^\s+{percentile}%\s+(\S+)", output, re.MULTILINE)
        result[f"p{percentile}"] = _ms(match.group(1)) if match else float("nan")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non2xx"] = int(errors.group(1)) if errors else 0
    filed = re.search(r"^complaints filed: (\d+)", output, re.MULTILINE)  # bench/lua/submit.lua says how many
    if filed:
        result["filed"] = int(filed.group(1))
    return result


def peak_rss_mb(command: list[str], env: dict) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of a command, measured by GNU time."""
    start = time.perf_counter()
    completed = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], cwd=ROOT, env=environment(env), capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-2000:])
    kilobytes = int(completed.stderr.strip().splitlines()[-1])
    return elapsed, kilobytes / 1024


def append_results(title: str, command: str, lines: list[str]) -> None:
    """Insert a dated section at the top of bench/RESULTS.md (newest first)."""
    results = ROOT / "bench" / "RESULTS.md"
    header = "# Benchmark results\n\nNewest first. Each section says the command that produced it.\n"
    existing = results.read_text() if results.exists() else header
    body = existing[len(header) :] if existing.startswith(header) else existing
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    section = [f"\n## {stamp} — {title}", "", f"Machine: {machine()}", "", f"Command: `{command}`", "", *lines, ""]
    results.write_text(header + "\n".join(section) + body)
    print(f"(appended to {results.relative_to(ROOT)})", file=sys.stderr)
