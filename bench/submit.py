"""Complaint submission against a slow SMS gateway: does the web request wait for it?

    .venv/bin/python bench/submit.py [--before PATH] [--latency 0.2] [--seconds 5] [--rounds 3] [--record]

Runs gunicorn (production settings) with the SMS backend bench/slowsms.py (every text takes --latency seconds,
as a slow gateway does) and measures filing a complaint with wrk (bench/lua/submit.lua: each connection GETs the
form and POSTs it with its session's one-time token, so each POST files a complaint) against the bare Django page, in rounds. With --before PATH it also serves
the same measurement from another checkout of the project (e.g. `git worktree add /tmp/before <commit>`, sharing
this .venv), on the same database, so that the two are compared in one run. No task worker runs: where messages
are queued, they wait in the outbox.
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PRODUCTION_ENV, ROOT, append_results, gunicorn, manage, postgres, wrk
from web import LUA, SUBMIT_CONNECTIONS, _submit_status, form_sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    options = parser.parse_args()
    with postgres() as database_url, tempfile.TemporaryDirectory() as static_root:
        env = {
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url,
            "PORTAL_STATIC_ROOT": static_root,
            "PORTAL_SMS_BACKEND": "slowsms.SlowSMSBackend",
            "BENCH_SMS_LATENCY": str(options.latency),
            "PYTHONPATH": str(ROOT / "bench"),
        }
        manage("migrate", "--no-input", "-v0", env=env)
        manage("collectstatic", "--no-input", "-v0", env=env)
        manage("load_demo", "--demo-site", env=env, capture_output=True)
        trees = [("this checkout", ROOT)] + ([("--before", options.before.resolve())] if options.before else [])
        with gunicorn("bare:application", env, chdir=ROOT / "bench" / "bare") as bare:
            servers = {}
            stack = []
            for label, tree in trees:
                server = gunicorn("portal.wsgi", env, chdir=tree)
                servers[label] = server.__enter__()
                stack.append(server)
            try:
                jobs = [("bare Django page", bare, "/", None, {})]
                for label, base in servers.items():
                    sessions = form_sessions(base, SUBMIT_CONNECTIONS)
                    if _submit_status(base, sessions.split(";")[0]) != 302:
                        raise SystemExit(f"The complaint form POST is not accepted by {label}.")
                    jobs.append(
                        (f"submission [{label}]", base, "/complaints/new/", str(LUA / "submit.lua"),
                         {"BENCH_SESSIONS": sessions})
                    )  # fmt: skip
                results = {name: [] for name, *_rest in jobs}
                for round_number in range(options.rounds):
                    for index, (name, base, path, script, job_env) in enumerate(jobs):
                        os.environ.update(job_env, BENCH_TOKEN_PREFIX=f"r{round_number}j{index}")
                        # The submission's connections each alternate GET and POST: one per wrk thread.
                        options_ = {"threads": SUBMIT_CONNECTIONS, "connections": SUBMIT_CONNECTIONS} if script else {}
                        results[name].append(wrk(base + path, seconds=options.seconds, script=script, **options_))
            finally:
                for server in reversed(stack):
                    server.__exit__(None, None, None)
    medians = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]} for name, runs in results.items()
    }
    reference = medians["bare Django page"]["rps"]
    lines = [
        f"SMS gateway latency {options.latency * 1000:.0f} ms a text. Median of {options.rounds} rounds of "
        f"{options.seconds} s per line; load average after the run: "
        f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}.",
        "",
        "A submission line's requests are GETs of the form and POSTs of it, half each; 'filed/s' counts the POSTs",
        "that filed a complaint (302).",
        "",
        "| what | req/s | filed/s | p50 ms | p99 ms | × bare | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in medians.items():
        filed = f"{result['filed'] / options.seconds:.0f}" if "filed" in result else "—"
        lines.append(
            f"| {name} | {result['rps']:.0f} | {filed} | {result['p50']:.2f} | {result['p99']:.2f} "
            f"| {result['rps'] / reference:.2f} | {result['non2xx']} |"
        )
        if "filed" in result and not result["filed"]:
            raise SystemExit(f"{name}: no POST filed a complaint; bench/lua/submit.lua needs updating.")
    print("\n".join(lines))
    if options.record:
        append_results(
            "complaint submission with a slow SMS gateway", "python bench/submit.py " + " ".join(sys.argv[1:]), lines
        )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
