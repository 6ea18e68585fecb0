"""Which gunicorn settings: workers × threads (sync, or gthread when threads > 1) on a few representative pages.

    .venv/bin/python bench/workers.py [--seconds 8] [--record]

Uses DATABASE_URL when set (e.g. a database filled by `generate_volume`), else a throwaway PostgreSQL with the
demo content. For each setting it measures with wrk (-t2 -c16): the home page from the page cache, the notices
list on a cache miss (page cache off: rendering and queries) and the notices search (the heaviest query).
docs/deploy.md explains the chosen default from these numbers.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, append_results, demo_site, gunicorn, wrk

SETTINGS = [(2, 1), (4, 1), (8, 1), (2, 4), (4, 2)]  # (workers, threads)
PAGES = [
    ("home, cached", "600", "/"),
    ("notices list, cache miss", "0", "/notices/"),
    ("search, cache miss", "0", "/notices/?q=%E6%AC%BA%E8%AF%88"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--record", action="store_true")
    options = parser.parse_args()
    with demo_site() as env:
        load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        lines = [
            f"Load average before the run: {load_before}.",
            "",
            "| workers × threads | " + " | ".join(f"{label} req/s (p99 ms)" for label, _c, _p in PAGES) + " |",
            "| --- | " + " | ".join("---:" for _page in PAGES) + " |",
        ]
        for workers, threads in SETTINGS:
            cells = []
            for _label, cache_seconds, path in PAGES:
                server_env = {
                    **env,
                    "PORTAL_PAGE_CACHE_SECONDS": cache_seconds,
                    "GUNICORN_WORKERS": str(workers),
                    "GUNICORN_THREADS": str(threads),
                    "GUNICORN_WORKER_CLASS": "gthread" if threads > 1 else "sync",
                }
                with gunicorn("portal.wsgi", server_env) as base:
                    result = wrk(base + path, seconds=options.seconds)
                cells.append(f"{result['rps']:.0f} ({result['p99']:.1f})")
            lines.append(f"| {workers} × {threads} | " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
        print("\n".join(lines))
        if options.record:
            append_results("gunicorn workers and threads", "python bench/workers.py " + " ".join(sys.argv[1:]), lines)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
