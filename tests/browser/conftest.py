"""Playwright on Debian's Chromium against Django's live server (docs/design.md, testing).

Browser tests use the `live_server` fixture (a real server thread on the test database) and these fixtures:
`page` (English browser locale), `zh_page` (zh-CN locale), `check_a11y(page)` (axe-core WCAG 2.1 AA).
"""

import json
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
NODE_MODULES = Path(__file__).resolve().parents[2] / ".ci" / "node" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """The --base-url option or ini value, or none (the tests open live_server.url): pytest-playwright's own
    fallback is a session fixture defined on an instance, which pytest 9 warns of (PytestRemovedIn10Warning)."""
    return pytestconfig.getoption("--base-url", default=None) or pytestconfig.getini("base_url") or None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def zh_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source():
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def check_a11y(axe_source):
    """check_a11y(page) -> list of WCAG 2.1 AA violations (id, help, targets); empty when clean.

    axe is evaluated through the DevTools protocol, so the page's strict CSP stays on while it runs.
    """

    def run(page):
        page.evaluate(axe_source)
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
                return r.violations.map(v => ({id: v.id, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
            }"""
        )
        return result

    return run


def format_findings(findings) -> str:
    return json.dumps(findings, ensure_ascii=False, indent=1)


def shoot(page, folder: Path, name: str) -> None:
    """Full-page screenshots at 1280 and 360 px wide into `folder` (for looking at, not committed)."""
    folder.mkdir(exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def compliance_officer_and_year(make_user, password: str) -> None:
    """A compliance officer who signs in with `password`, and the year 2023's complaints imported."""
    from complaints.compliance.importer import complaint_import
    from portal import roles
    from tests.complaints.compliance.files import csv_bytes, seed_year_rows

    make_user("officer", groups=[roles.COMPLIANCE_OFFICER], password=password)
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")


def officer_signed_in(page, base: str, password: str, login: str) -> None:
    """Sign the compliance officer in on the admin's sign-in page at `base` (`login`: the button's words)."""
    page.goto(f"{base}/admin/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", password)
    page.get_by_role("button", name=login).click()
