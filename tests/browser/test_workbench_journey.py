"""A whole case in the workbench, in a real browser at 1280 px, in Chinese and in English, counting the clicks.

A handler takes a phone call: registers it (channel phone), is warned of the caller's earlier complaint (same
phone, within 90 days, theirs), merges the new one into it with one click, finds the earlier one by the phone as
spoken ("138 1234 5678"), logs the call on it, reclassifies it (category, branch, product line), decides it from a
letter template (the decision filled, the remedies ticked) and prints the letter (print media, a PDF). Then a
supervisor signs in: the work queue on the admin index shows an unassigned new complaint and an extension request
waiting, with counts and links to the right lists.

Every click or key press a person makes is counted (typing is not); the count is printed and held to a ceiling.
Set PORTAL_SCREENSHOTS to a folder to keep the pages as 1280 px PNGs (the Chinese run gives docs/img/workbench/).
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from complaints import demo as complaints_demo
from complaints import services
from complaints.models import Complaint, EventAction, LetterTemplate, Status
from portal import demo as portal_demo
from portal import roles
from portal.models import Branch
from tests.complaints.factories import register

from .conftest import format_findings

PASSWORD = "a-long-test-password-4"
LANGUAGES = {
    "zh": {"prefix": "", "locale": "zh-CN", "django": "zh-hans", "html": "zh-hans", "login": "登录"},
    "en": {"prefix": "/en", "locale": "en-US", "django": "en", "html": "en", "login": "Log in"},
}
FOUND = {
    "zh": ("[[写明核查的事实与依据的合同条款]]", "投保时未如实告知既往病史，依据合同第七条"),
    "en": (
        "[[state the facts found and the policy terms relied on]]",
        "the prior illness was not disclosed (clause 7)",
    ),
}
# The clicks of the whole case measured by this test (handler from sign-in to the printed, recorded letter).
CLICK_CEILING = 19


class Clicks:
    """page.click / press, counted: what a person does with the mouse or a key (filling a field is not counted)."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def click(self, selector):
        self.count += 1
        self.page.click(selector)

    def check(self, selector):
        self.count += 1
        self.page.check(selector)

    def press(self, key):
        self.count += 1
        self.page.keyboard.press(key)


@pytest.fixture
def site(transactional_db, make_user):
    portal_demo.load()
    complaints_demo._load_letter_templates()
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR], password=PASSWORD),
    }


def look(page, name: str, check_a11y, lang: str, clip_to: str | None = None) -> None:
    """The page at 1280 px: no sideways scrolling, axe-clean; kept as a PNG when PORTAL_SCREENSHOTS is set."""
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = str(Path(folder) / f"{name}-{lang}.png")
        if clip_to:
            page.locator(clip_to).screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1281, name
    violations = check_a11y(page)
    assert not violations, format_findings(violations)


def sign_in(browser, words, base, username):
    context = browser.new_context(locale=words["locale"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    clicks = Clicks(page)
    page.goto(base + "/admin/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    clicks.click(f'input[type="submit"][value="{words["login"]}"]')
    page.wait_for_url("**/admin/")
    assert page.get_attribute("html", "lang") == words["html"]
    return context, page, clicks


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_handler_works_a_phone_call_to_a_printed_letter_and_the_supervisor_sees_what_needs_them(
    lang, site, live_server, browser, check_a11y
):
    words = LANGUAGES[lang]
    base = live_server.url + words["prefix"]
    handler = site["handler"]
    earlier = register(
        handler, phone="13812345678", language=words["django"], received_at=timezone.now() - timedelta(days=20)
    )
    services.complaint_accept(complaint=earlier, actor=handler)
    # What the supervisor will find: a web complaint nobody handles yet, and the handler's request for more time.
    unassigned = register(None, channel="web", phone="13900001111", name="李四", language=words["django"])
    other = register(handler, phone="13700002222", name="王五", language=words["django"])
    services.complaint_accept(complaint=other, actor=handler)
    services.complaint_request_extension(complaint=other, actor=handler, reason="需要调取录音")
    branch = Branch.objects.order_by("pk").first()
    template = LetterTemplate.objects.get(language=words["django"])

    context, page, clicks = sign_in(browser, words, base, "handler")
    assert page.locator("#work-queue").is_visible()
    assert page.locator('#queue-mine tr[data-queue="mine_waiting_approval"] .cp-queue-count').inner_text() == "1"
    look(page, "handler-queue", check_a11y, lang, clip_to="#content")

    # The call: register it from the index (the complaints' "add" link leads to the registration form).
    clicks.click('a.addlink[href$="/complaints/complaint/add/"]')
    page.wait_for_url("**/complaint/register/")
    page.select_option('select[name="channel"]', "phone")
    page.fill('input[name="name"]', "张三")
    page.fill('input[name="phone"]', "138 1234 5678")
    page.select_option('select[name="category"]', "claims")
    page.fill('textarea[name="description"]', "来电：理赔一个月没有结果。")
    clicks.click('input[type="submit"]')
    warning = page.locator("#repeat-warning")
    assert earlier.tracking_number in warning.inner_text()
    look(page, "register-repeat-warning", check_a11y, lang, clip_to="#content")
    clicks.check("#register-anyway")
    clicks.click('input[type="submit"]')
    page.wait_for_url("**/change/")
    new = Complaint.objects.exclude(pk__in=[earlier.pk, unassigned.pk, other.pk]).get()
    assert new.handler == handler and new.channel == "phone"

    # One click on the new record merges it into the earlier one.
    clicks.click(f'button[data-merge-into="{earlier.tracking_number}"]')
    page.wait_for_url(f"**/complaint/{new.pk}/change/")
    new.refresh_from_db()
    assert new.status == Status.MERGED and new.merged_into == earlier

    # The earlier complaint, found by the phone as the caller says it.
    clicks.click('#content a[href$="/complaints/complaint/"], .breadcrumbs a[href$="/complaints/complaint/"]')
    page.wait_for_url("**/complaints/complaint/")
    page.fill("#searchbar", "138 1234 5678")
    clicks.press("Enter")
    page.wait_for_url("**q=*")
    listing = page.locator("#result_list").inner_text()
    assert earlier.tracking_number in listing and new.tracking_number in listing
    look(page, "search-by-phone", check_a11y, lang, clip_to="#content")
    clicks.click(f'#result_list a[href*="/complaint/{earlier.pk}/change/"]')
    page.wait_for_url(f"**/complaint/{earlier.pk}/change/**")

    # The call, logged on the earlier complaint.
    clicks.click('a[data-action="call"]')
    page.wait_for_url(f"**/complaint/{earlier.pk}/do/call/**")
    clicks.check('input[name="direction"][value="in"]')
    page.select_option('select[name="outcome"]', "reached")
    page.fill('textarea[name="text"]', "来电催办，已告知正在核查，三日内回复。")
    clicks.click('form.cp-action-form input[type="submit"]')
    page.wait_for_url(f"**/complaint/{earlier.pk}/change/**")
    assert earlier.events.filter(action=EventAction.CALL).exists()

    # Reclassified: the branch that sold the policy, the product line.
    clicks.click('a[data-action="reclassify"]')
    page.wait_for_url(f"**/complaint/{earlier.pk}/do/reclassify/**")
    page.select_option('select[name="category"]', "claims")
    page.select_option('select[name="product_line"]', "health")
    page.select_option('select[name="branch"]', str(branch.pk))
    page.fill('textarea[name="note"]', "保单由该分公司出具。")
    clicks.click('form.cp-action-form input[type="submit"]')
    page.wait_for_url(f"**/complaint/{earlier.pk}/change/**")
    earlier.refresh_from_db()
    assert earlier.branch == branch and earlier.product_line == "health"
    assert page.locator('#complaint-history li[data-event="reclassify"]').count() == 1
    assert page.locator('#complaint-history li[data-event="call"]').count() == 1
    look(page, "record", check_a11y, lang, clip_to="#content-main")

    # Decided from a letter template: the decision is filled, the remedies are ticked.
    clicks.click('a[data-action="decide"]')
    page.wait_for_url(f"**/complaint/{earlier.pk}/do/decide/**")
    page.select_option("#id_template", str(template.pk))
    clicks.click("#template-choice button, #template-choice input[type=submit]")
    page.wait_for_url(f"**/do/decide/?template={template.pk}*")
    decision = page.input_value('textarea[name="decision"]')
    assert earlier.tracking_number in decision
    placeholder, found = FOUND[lang]
    page.fill('textarea[name="decision"]', decision.replace(placeholder, found))
    for box in page.locator('input[name="remedies"]').all():
        assert box.is_checked()
    page.select_option('select[name="outcome"]', "not_upheld")
    page.check('input[name="reliefs"][value="explanation"]')
    look(page, "decide-from-template", check_a11y, lang, clip_to="#content")
    clicks.click('form.cp-action-form input[type="submit"]')
    page.wait_for_url(f"**/complaint/{earlier.pk}/change/**")
    earlier.refresh_from_db()
    assert earlier.status == Status.DECIDED and set(earlier.remedies) == {
        "review",
        "mediation",
        "arbitration",
        "litigation",
    }

    # The printed letter.
    clicks.click('a[data-action="letter"]')
    page.wait_for_url(f"**/complaint/{earlier.pk}/letter/**")
    letter = page.locator("#decision-letter")
    assert earlier.tracking_number in letter.inner_text() and "12378" in letter.inner_text()
    assert found in letter.inner_text() and placeholder not in letter.inner_text()
    page.emulate_media(media="print")
    assert not page.locator("#header").is_visible() and letter.is_visible()
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    page.set_viewport_size({"width": 794, "height": 1123})
    if folder:
        Path(folder, f"letter-{lang}.pdf").write_bytes(pdf)
        page.screenshot(path=str(Path(folder) / f"letter-print-{lang}.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    clicks.click("#record-letter")
    page.wait_for_selector("#letter-issued")
    assert earlier.events.filter(action=EventAction.LETTER).exists()
    case_clicks = clicks.count
    print(f"\n[{lang}] clicks for the whole case (sign-in to the recorded letter): {case_clicks}")
    assert case_clicks <= CLICK_CEILING
    context.close()

    # The supervisor's queue: the unassigned complaint and the extension request, each a count and a link.
    context, page, clicks = sign_in(browser, words, base, "supervisor")
    unassigned_row = page.locator('#queue-team tr[data-queue="unassigned"]')
    approvals_row = page.locator('#queue-team tr[data-queue="approvals"]')
    assert unassigned_row.locator(".cp-queue-count").inner_text() == "1"
    assert approvals_row.locator(".cp-queue-count").inner_text() == "1"
    look(page, "supervisor-queue", check_a11y, lang, clip_to="#content")
    clicks.click('#queue-team tr[data-queue="unassigned"] th a')
    page.wait_for_url("**queue=unassigned*")
    listing = page.locator("#result_list").inner_text()
    assert unassigned.tracking_number in listing and earlier.tracking_number not in listing
    page.go_back()
    clicks.click('#queue-team tr[data-queue="approvals"] th a')
    page.wait_for_url("**queue=approvals*")
    listing = page.locator("#result_list").inner_text()
    assert other.tracking_number in listing and unassigned.tracking_number not in listing
    context.close()
