"""Public pages under load: the portal (page cache on, and off = every request a miss) against a bare Django page.

    .venv/bin/python bench/web.py [--notices 10000 --complaints 1000000] [--seconds 10] [--record]

Starts a throwaway PostgreSQL (or uses DATABASE_URL), migrates, loads demo content and, when asked, volume data;
then runs gunicorn with the production settings (portal/gunicorn.conf.py) and the bare reference app with the
same worker settings, and measures each page with wrk (-t2 -c16). Prints a Markdown table; --record also puts it
at the top of bench/RESULTS.md.
"""

import argparse
import os
import re
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PRODUCTION_ENV, ROOT, append_results, gunicorn, manage, postgres, wrk

PAGES = [
    ("home", "/"),
    ("home (en)", "/en/"),
    ("notices list", "/notices/"),
    ("notices category", "/notices/fraud-warnings/"),
    ("notice detail", None),  # found through the sitemap
    ("search 欺诈", "/notices/?q=%E6%AC%BA%E8%AF%88"),
    ("search fraud (en)", "/en/notices/?q=fraud"),
    ("reception", "/reception/"),
    ("complaint form", "/complaints/new/"),
    ("contact", "/contact/"),
]


def notice_detail_path(base: str) -> str | None:
    sitemap = urllib.request.urlopen(base + "/sitemap.xml", timeout=30).read().decode()  # noqa: S310
    for location in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        path = re.sub(r"^https?://[^/]+", "", location)
        if re.fullmatch(r"/notices/[a-z-]+/[^/]+/", path):
            return path
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=0)
    parser.add_argument("--complaints", type=int, default=0)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--record", action="store_true")
    options = parser.parse_args()

    with postgres() as database_url, tempfile.TemporaryDirectory() as static_root:
        env = {**PRODUCTION_ENV, "DATABASE_URL": database_url, "PORTAL_STATIC_ROOT": static_root}
        manage("migrate", "--no-input", "-v0", env=env)
        manage("collectstatic", "--no-input", "-v0", env=env)
        manage("load_demo", env=env, capture_output=True)
        if options.notices or options.complaints:
            manage(
                "generate_volume", "--notices", str(options.notices), "--complaints", str(options.complaints), env=env
            )
        rows = []
        with gunicorn("bare:application", env, chdir=ROOT / "bench" / "bare") as bare:
            reference = wrk(bare + "/", seconds=options.seconds)
        rows.append(("bare Django page", "", reference, None))
        for label, cache_seconds in (("cached", "600"), ("uncached", "0")):
            server_env = {**env, "PORTAL_PAGE_CACHE_SECONDS": cache_seconds}
            with gunicorn("portal.wsgi", server_env) as base:
                for name, path in PAGES:
                    path = path or notice_detail_path(base)
                    if path is None:
                        continue
                    status = _status(base + path)
                    if status != 200:
                        rows.append((f"{name} [{label}]", path, None, status))
                        continue
                    rows.append((f"{name} [{label}]", path, wrk(base + path, seconds=options.seconds), None))
        lines = [
            "| page | path | req/s | p50 ms | p99 ms | × bare | non-2xx |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, path, result, status in rows:
            if result is None:
                lines.append(f"| {name} | `{path}` | HTTP {status} | | | | |")
                continue
            ratio = result["rps"] / reference["rps"]
            lines.append(
                f"| {name} | `{path}` | {result['rps']:.0f} | {result['p50']:.2f} | {result['p99']:.2f} "
                f"| {ratio:.2f} | {result['non2xx']} |"
            )
        print("\n".join(lines))
        if options.record:
            command = "python bench/web.py " + " ".join(sys.argv[1:])
            append_results("public pages under wrk -t2 -c16", command, lines)


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=30).status  # noqa: S310 - loopback only
    except urllib.error.HTTPError as error:
        return error.code


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
