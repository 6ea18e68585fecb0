"""Decision letters and attachment previews in a real browser, in Chinese and in English: a handler starts the
decision from a supervisor's template, edits and decides, prints the letter (A4, print media, no admin chrome)
and records it as issued; an image attachment is shown inline, sandboxed. Set PORTAL_SCREENSHOTS to a folder to
keep the printed letters (PDF and PNG)."""

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import demo as complaints_demo
from complaints import services
from complaints.models import EventAction, LetterTemplate
from portal import demo as portal_demo
from portal import roles
from tests.complaints import files
from tests.complaints.factories import register

PASSWORD = "a-long-test-password-2"
LANGUAGES = {
    "zh": {"prefix": "", "locale": "zh-CN", "django": "zh-hans", "login": "登录", "fill": "填入处理决定"},
    "en": {"prefix": "/en", "locale": "en-US", "django": "en", "login": "Log in", "fill": "Fill in the decision"},
}
FOUND = {
    "zh": ("[[写明核查的事实与依据的合同条款]]", "投保时未如实告知既往病史，依据合同第七条"),
    "en": (
        "[[state the facts found and the policy terms relied on]]",
        "the prior illness was not disclosed (clause 7)",
    ),
}


@pytest.fixture
def site(transactional_db, make_user):
    portal_demo.load()
    complaints_demo._load_letter_templates()
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR], password=PASSWORD),
    }


def signed_in(browser, words, base, username):
    context = browser.new_context(locale=words["locale"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url("**/admin/")
    return context, page


def keep(page, name: str) -> None:
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_handler_decides_from_a_template_and_prints_the_letter(lang, site, live_server, browser):
    words = LANGUAGES[lang]
    base = live_server.url + words["prefix"]
    name = "王芳" if lang == "zh" else "Daniel Weber"
    complaint = register(site["supervisor"], name=name, language=words["django"], attachments=[files.png()])
    services.complaint_assign(complaint=complaint, actor=site["supervisor"], handler=site["handler"])
    services.complaint_accept(complaint=complaint, actor=site["handler"])
    template = LetterTemplate.objects.get(language=words["django"])
    context, page = signed_in(browser, words, base, "handler")

    page.goto(f"{base}/admin/complaints/complaint/{complaint.pk}/do/decide/")
    page.select_option("#id_template", str(template.pk))
    page.get_by_role("button", name=words["fill"]).click()
    page.wait_for_url(f"**/do/decide/?template={template.pk}")
    text = page.input_value('textarea[name="decision"]')
    keep(page, f"decide-from-template-{lang}")
    assert complaint.tracking_number in text
    placeholder, found = FOUND[lang]
    page.fill('textarea[name="decision"]', text.replace(placeholder, found))
    page.check('input[name="reliefs"][value="explanation"]')
    page.click('form.cp-action-form input[type="submit"]')
    page.wait_for_url(f"**/admin/complaints/complaint/{complaint.pk}/change/")

    keep(page, f"record-decided-{lang}")
    page.click('a[data-action="letter"]')
    page.wait_for_url(f"**/admin/complaints/complaint/{complaint.pk}/letter/")
    letter = page.locator("#decision-letter")
    assert found in letter.inner_text() and "12378" in letter.inner_text()
    page.emulate_media(media="print")
    assert not page.locator("#header").is_visible() and not page.locator("#letter-tools").is_visible()
    assert letter.is_visible()
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(Path(folder) / f"letter-{lang}.pdf"), prefer_css_page_size=True, print_background=True)
        page.set_viewport_size({"width": 794, "height": 1123})
        page.screenshot(path=str(Path(folder) / f"letter-{lang}-print.png"), full_page=True)
    printed = page.pdf(prefer_css_page_size=True, print_background=True)
    assert printed.startswith(b"%PDF") and b"/Count 1" in printed  # one A4 page
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    if folder:
        page.screenshot(path=str(Path(folder) / f"letter-{lang}-screen.png"), full_page=True)
    page.click("#record-letter")
    page.wait_for_selector("#letter-issued")
    event = complaint.events.get(action=EventAction.LETTER)
    assert found in event.note and event.actor == site["handler"]

    # The image attachment, shown inline in the sandbox: the browser still draws it.
    image = complaint.attachments.get()
    response = page.goto(f"{base}/admin/complaints/complaint/attachment/{image.pk}/preview/")
    assert response.headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert page.evaluate("document.images.length === 1 && document.images[0].naturalWidth") == 8
    # The printed letter, added as a staff document: Chromium's PDF viewer opens it inside the sandbox.
    services.complaint_add_staff_attachments(
        complaint=complaint,
        actor=site["handler"],
        files=[SimpleUploadedFile("letter.pdf", printed, content_type="application/pdf")],
    )
    document = complaint.attachments.get(content_type="application/pdf")
    page.goto(f"{base}/admin/complaints/complaint/attachment/{document.pk}/preview/")
    assert page.evaluate("document.contentType") == "application/pdf"  # shown, not downloaded
    if os.environ.get("PORTAL_SCREENSHOTS"):
        page.wait_for_timeout(2500)  # the viewer draws the page after the document has loaded
    keep(page, f"pdf-preview-{lang}")
    context.close()


REFUSED = {
    "zh": "处理决定中仍有模板提示语",
    "en": "The decision still holds the template's hint",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_decision_with_an_unfilled_hint_is_refused_with_the_hint_named(lang, site, live_server, browser):
    words = LANGUAGES[lang]
    base = live_server.url + words["prefix"]
    complaint = register(site["supervisor"], name="王芳" if lang == "zh" else "Daniel Weber", language=words["django"])
    services.complaint_assign(complaint=complaint, actor=site["supervisor"], handler=site["handler"])
    services.complaint_accept(complaint=complaint, actor=site["handler"])
    template = LetterTemplate.objects.get(language=words["django"])
    context, page = signed_in(browser, words, base, "handler")

    page.goto(f"{base}/admin/complaints/complaint/{complaint.pk}/do/decide/")
    page.select_option("#id_template", str(template.pk))
    page.get_by_role("button", name=words["fill"]).click()
    page.wait_for_url(f"**/do/decide/?template={template.pk}")
    page.check('input[name="reliefs"][value="explanation"]')
    page.click('form.cp-action-form input[type="submit"]')
    error = page.locator("ul.errorlist.nonfield")
    error.wait_for()
    placeholder, _found = FOUND[lang]
    assert REFUSED[lang] in error.inner_text() and placeholder in error.inner_text()
    keep(page, f"decide-hint-refused-{lang}")
    assert placeholder in page.input_value('textarea[name="decision"]')  # what was typed is kept
    complaint.refresh_from_db()
    assert not complaint.decision and not complaint.events.filter(action=EventAction.DECIDE).exists()
    context.close()
