"""Where one request's time goes, by pyinstrument: a public page rendered through the production WSGI handler
(portal.wsgi) with the page cache off and the shared parts cached (a miss), or cold (everything rendered after
a change), many times in a row, then one call tree.

    DATABASE_URL=postgres://… .venv/bin/python bench/profile_pages.py [--state miss|cold] [--requests 200] PATH…

Prints pyinstrument's text tree (time per call, the slow branches only) for each path; `--html DIR` also writes
an HTML report per path. For a sampling view of a running server, py-spy does the same from outside:
`py-spy record -o profile.svg --pid <gunicorn worker>` while bench/web.py runs.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, in_process_site


def _environ(path: str, method: str = "GET") -> dict:
    from django.test import RequestFactory

    environ = RequestFactory().generic(method, path).environ
    environ["HTTP_HOST"] = "127.0.0.1"
    environ["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br"
    return environ


def _request(application, path: str) -> None:
    def start_response(status, headers):
        if not status.startswith("200"):
            raise RuntimeError(f"{path}: {status}")

    body = application(_environ(path), start_response)
    b"".join(body)
    if hasattr(body, "close"):
        body.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--state", choices=("miss", "cold"), default="miss")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--html", default="")
    options = parser.parse_args()
    in_process_site(PORTAL_PAGE_CACHE_SECONDS="0")
    from pyinstrument import Profiler

    from portal import pagecache
    from portal.wsgi import application

    for path in options.paths:
        for _ in range(5):
            _request(application, path)  # templates compiled, connection open, parts cached
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(options.requests):
            if options.state == "cold":
                pagecache.invalidate()
            _request(application, path)
        profiler.stop()
        print(f"\n===== {path} ({options.state}, {options.requests} requests) =====")
        print(profiler.output_text(unicode=True, color=False))
        if options.html:
            Path(options.html).mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            (Path(options.html) / f"{name}-{options.state}.html").write_text(profiler.output_html())


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
