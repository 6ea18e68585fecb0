"""What one request costs inside the app server, without HTTP: each public page through the production WSGI
handler (portal.wsgi), in three states, against the bare Django page.

    DATABASE_URL=postgres://… .venv/bin/python bench/render.py [--requests 300] [--record]

- hit: the page is in the page cache (what most visitors get);
- miss, parts cached: the page cache does not hold the page, but the shared parts do ({% fragment %}: shell,
  notice cards, list totals) — any page not yet asked for since the last change;
- miss, cold: right after a change to public content (`pagecache.invalidate()` before every request), so the
  page and all its parts are rendered — the first visitor after a publish.
Microseconds per request (median of the timed requests), single process, database as in DATABASE_URL (use one
filled by `generate_volume`). Shows where the time goes that bench/web.py measures through gunicorn and wrk.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, append_results, in_process_site

PAGES = [
    "/",
    "/en/",
    "/notices/",
    "/notices/fraud-warnings/",
    "DETAIL",
    "/notices/?q=%E6%AC%BA%E8%AF%88",
    "/en/notices/?q=fraud",
    "/reception/",
    "/contact/",
    "/rights/",
    "/complaints/new/",
    "/complaints/track/",
]


def _environ(path: str) -> dict:
    from django.test import RequestFactory

    environ = RequestFactory().get(path).environ
    environ["HTTP_HOST"] = "127.0.0.1"
    environ["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br"
    return environ


def _time(application, path: str, requests: int, before=None) -> float:
    def start_response(status, headers):
        if not status.startswith("200"):
            raise RuntimeError(f"{path}: {status}")

    samples = []
    for _ in range(requests):
        if before:
            before()
        environ = _environ(path)
        started = time.perf_counter()
        body = application(environ, start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--record", action="store_true")
    options = parser.parse_args()
    in_process_site(PORTAL_PAGE_CACHE_SECONDS="600")
    from django.conf import settings

    from portal import pagecache
    from portal.wsgi import application

    bare_app = _bare_application()
    reference = _time(bare_app, "/", options.requests)
    rows = [("bare Django page", reference, reference, reference)]
    for path in PAGES:
        if path == "DETAIL":
            from notices.models import Notice

            path = Notice.objects.published().order_by("-publish_at").first().get_absolute_url()
        settings.PORTAL_PAGE_CACHE_SECONDS = 600
        _time(application, path, 3)
        hit = _time(application, path, options.requests)
        settings.PORTAL_PAGE_CACHE_SECONDS = 0
        _time(application, path, 3)
        warm = _time(application, path, max(options.requests // 3, 20))
        cold = _time(application, path, max(options.requests // 10, 10), before=pagecache.invalidate)
        rows.append((path, hit, warm, cold))
    lines = [
        f"Median µs per request, {options.requests} requests per state (fewer for misses); "
        "`Accept-Encoding: gzip` as browsers send.",
        "",
        "| page | hit µs | miss, parts cached µs | miss, cold µs | cold × bare cost |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for path, hit, warm, cold in rows:
        lines.append(f"| `{path}` | {hit:.0f} | {warm:.0f} | {cold:.0f} | {cold / reference:.1f} |")
    print("\n".join(lines))
    if options.record:
        append_results("one request inside the app server (no HTTP)", "python bench/render.py", lines)


def _bare_application():
    """The bare reference page (bench/bare: a small template, no middleware) through a plain WSGI handler, in
    this process (one process cannot hold two settings modules)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string((ROOT / "bench" / "bare" / "bare.html").read_text())

    class Bare(WSGIHandler):
        def get_response(self, request):
            body = template.render({"title": "Bare page", "items": ["one", "two", "three"]})
            return HttpResponse(body)

    return Bare()


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
