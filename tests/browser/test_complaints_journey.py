"""A complainant's journey in a real browser, in Chinese and in English: file with an attachment, receipt,
track with the wrong phone and the right one, a handler accepts, asks for an extension (granted by the supervisor) and decides in the admin, the
complainant sees the decision and requests a review."""

import pytest

from complaints import services
from complaints.models import Complaint
from portal import demo as portal_demo
from portal import roles

from .conftest import format_findings

PASSWORD = "a-long-test-password-1"
LANGUAGES = {
    "zh": {
        "prefix": "",
        "fixture": "zh_page",
        "not_found": "没有找到与该查询编号和联系电话相符的投诉",
        "received": "已收到",
        "decided": "已作出处理决定",
        "decision": "经核实，同意按合同约定补付理赔款。",
        "extended": "办理期限已延长",
    },
    "en": {
        "prefix": "/en",
        "fixture": "page",
        "not_found": "We found no complaint with this tracking number and phone number",
        "received": "Received",
        "decided": "Decided",
        "decision": "We checked the file and will pay the rest of the claim under the contract.",
        "extended": "Time limit extended",
    },
}


@pytest.fixture
def site(transactional_db, make_user):
    portal_demo.load()
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER], password=PASSWORD),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR], password=PASSWORD),
    }


def log_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('#login-form input[type="submit"]')
    page.wait_for_url("**/admin/")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_complainant_files_tracks_and_requests_a_review_after_the_handler_decides(
    lang, site, live_server, browser, request, check_a11y, tmp_path
):
    words = LANGUAGES[lang]
    page = request.getfixturevalue(words["fixture"])
    base = live_server.url + words["prefix"]
    evidence = tmp_path / "claim-letter.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    page.goto(base + "/complaints/new/")
    assert check_a11y(page) == [], format_findings(check_a11y(page))
    # The proxy's fields appear only for proxies and heirs (no JavaScript: the radio's state decides).
    assert not page.locator('input[name="principal_name"]').is_visible()
    page.check('input[name="capacity"][value="proxy"]')
    assert page.locator('input[name="principal_name"]').is_visible()
    page.check('input[name="capacity"][value="self"]')
    page.fill('input[name="name"]', "陈晓梅" if lang == "zh" else "Daniel Weber")
    page.fill('input[name="phone"]', "138 1234 5678")
    page.fill('input[name="email"]', "complainant@example.com")
    page.click('form.form button[type="submit"]')
    page.wait_for_url("**/complaints/new/?step=what")
    page.select_option('select[name="category"]', "claims")
    page.fill('textarea[name="description"]', '<script>alert("x")</script> 理赔三个月没有结果 😀')
    page.click('form.form button[type="submit"]')
    page.click('form.form button[type="submit"]')  # what you want: optional
    page.wait_for_url("**/complaints/new/?step=documents")
    page.set_input_files('input[name="attachments"]', str(evidence))
    page.click('form.form button[type="submit"]')
    page.wait_for_url("**/complaints/new/?step=check")
    assert "claim-letter.pdf" in page.content() and "12378" in page.content()
    assert check_a11y(page) == [], format_findings(check_a11y(page))
    page.check('input[name="consent"]')
    page.click('form.form button[type="submit"]')
    page.wait_for_url("**/complaints/receipt/")
    number = page.locator("#tracking-number").inner_text().strip()
    assert number.startswith("TS-")
    assert "claim-letter.pdf" in page.content()
    assert '<script>alert("x")</script>' not in page.content()
    assert check_a11y(page) == [], format_findings(check_a11y(page))
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.language == ("zh-hans" if lang == "zh" else "en")
    assert complaint.attachments.count() == 1

    page.goto(base + "/complaints/track/")
    page.fill('input[name="tracking_number"]', number.lower())
    page.fill('input[name="phone"]', "13900000000")
    page.click('form.form button[type="submit"]')
    assert words["not_found"] in page.locator("#track-failed").inner_text()
    assert page.locator("#timeline").count() == 0
    page.fill('input[name="phone"]', "13812345678")
    page.click('form.form button[type="submit"]')
    page.wait_for_url("**/complaints/track/status/")
    assert page.locator("#complaint-status").inner_text() == words["received"]
    assert number not in page.url
    assert check_a11y(page) == [], format_findings(check_a11y(page))

    services.complaint_assign(complaint=complaint, actor=site["supervisor"], handler=site["handler"])
    staff_context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US")
    staff = staff_context.new_page()
    log_in(staff, base, "handler")
    staff.goto(base + "/admin/complaints/complaint/")
    staff.fill("#searchbar", number)
    staff.press("#searchbar", "Enter")
    staff.click(f"#result_list >> text={number}")
    staff.click('a[data-action="accept"]')
    staff.click('form.cp-action-form input[type="submit"]')
    staff.click('a[data-action="request_extension"]')
    staff.fill('textarea[name="reason"]', "需要调取医院病历" if lang == "zh" else "We need the hospital records.")
    staff.click('form.cp-action-form input[type="submit"]')
    # The supervisor grants it (their list in the admin is tried in test_extension_approval.py).
    services.extension_grant(request=complaint.extension_requests.get(), actor=site["supervisor"])
    staff.click('a[data-action="decide"]')
    staff.fill('textarea[name="decision"]', words["decision"])
    staff.select_option('select[name="outcome"]', "upheld")
    staff.check('input[name="reliefs"][value="claim_paid"]')
    staff.click('form.cp-action-form input[type="submit"]')
    assert words["decided"] in staff.locator("#content-main").inner_text()
    assert words["extended"] in staff.locator("#complaint-history").inner_text()
    staff_context.close()

    page.goto(base + "/complaints/track/status/")
    assert page.locator("#complaint-status").inner_text() == words["decided"]
    assert page.locator("#decision-text").inner_text() == words["decision"]
    assert words["extended"] in page.locator("#timeline").inner_text()
    page.click(f'a[href="{words["prefix"]}/complaints/track/review/"]')
    page.fill('textarea[name="reason"]', "赔付金额不对" if lang == "zh" else "The amount is wrong.")
    page.click('form.form button[type="submit"]')
    page.wait_for_url("**/complaints/track/status/")
    review = Complaint.objects.get(review_of=complaint)
    assert review.tracking_number in page.content()
    assert check_a11y(page) == [], format_findings(check_a11y(page))
