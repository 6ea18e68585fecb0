"""Every public page, found through the sitemap, in both languages, normal and elderly mode, at 360 and 1280 px.

A page added later is covered by being in the sitemap. Findings that fail the crawl: a status other than
200, a failed or erroring sub-request, a console error (CSP violations included), sideways scrolling, an
axe-core WCAG 2.1 AA violation, or a Nu Html Checker error.
"""

import json
import subprocess
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.demo_snapshot import load_demo

from .conftest import VNU_JAR, format_findings

WIDTHS = (360, 1280)
MODES = ("standard", "elderly")
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap_paths() -> list[str]:
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    paths = set()
    for url in root.findall("s:url", NS):
        paths.add(urlsplit(url.find("s:loc", NS).text).path)
        for link in url.findall("x:link", NS):
            paths.add(urlsplit(link.get("href")).path)
    return sorted(paths)


@pytest.fixture
def demo_site(transactional_db):
    load_demo()


def test_every_sitemap_page_passes_status_subrequest_overflow_axe_and_html_checks(
    demo_site, live_server, browser, check_a11y, tmp_path
):
    paths = sitemap_paths()
    assert "/" in paths and "/en/" in paths
    findings: list[dict] = []
    html_files = {}
    problems: list[str] = []
    for mode in MODES:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        if mode == "elderly":
            context.add_cookies([{"name": "display_mode", "value": "elderly", "url": live_server.url}])
        page = context.new_page()
        in_flight: set = set()

        def failed(request, in_flight=in_flight):
            in_flight.discard(request)
            problems.append(f"request failed: {request.url}")

        page.on("request", lambda request, in_flight=in_flight: in_flight.add(request))
        page.on("requestfinished", lambda request, in_flight=in_flight: in_flight.discard(request))
        page.on("requestfailed", failed)
        page.on(
            "response",
            lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}"),
        )
        page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
        for path in paths:
            for width in WIDTHS:
                problems.clear()
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(live_server.url + path, wait_until="load")
                where = {"path": path, "mode": mode, "width": width}
                if response is None or response.status != 200:
                    findings.append({**where, "status": response and response.status})
                    continue
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if overflow > 0:
                    findings.append({**where, "sideways_scroll_px": overflow})
                violations = check_a11y(page)
                if violations:
                    findings.append({**where, "axe": violations})
                settle(page, in_flight)
                if problems:
                    findings.append({**where, "subrequests": list(problems)})
                if width == 1280:
                    name = f"{mode}{path.replace('/', '_') or '_'}.html"
                    target = tmp_path / name
                    target.write_bytes(response.body())
                    html_files[str(target)] = where
        context.close()
    findings.extend(nu_html_check(html_files))
    assert not findings, format_findings(findings)


def settle(page, in_flight: set, seconds: float = 5) -> None:
    """Wait until the page's requests have ended (the favicon is asked for after the load event) before its
    sub-requests are judged: one still open would be cut by the next navigation and blamed on the next page."""
    deadline = time.monotonic() + seconds
    while in_flight and time.monotonic() < deadline:
        page.wait_for_timeout(10)


def nu_html_check(html_files: dict) -> list[dict]:
    if not html_files:
        return []
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--stdout", "--format", "json", "--exit-zero-always", *html_files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The checker must have run: an empty answer would hide every error.
    assert result.returncode == 0 and result.stdout.startswith("{"), result.stderr[-2000:]
    messages = json.loads(result.stdout)["messages"]
    findings = []
    for message in messages:
        if message.get("type") == "error":
            where = html_files.get(urlsplit(message.get("url", "")).path, {"file": message.get("url")})
            findings.append({**where, "vnu": message.get("message"), "extract": message.get("extract", "")[:200]})
    return findings


def test_the_html_checker_reports_a_broken_page(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html lang=en><head><title>x</title></head><body><p><div></p></body></html>")
    findings = nu_html_check({str(broken): {"path": "broken"}})
    assert findings and findings[0]["path"] == "broken"
