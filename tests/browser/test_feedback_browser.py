"""Satisfaction in a real browser, in Chinese and in English: the complainant opens the texted link on a phone in
elderly mode, rates the handling 2 with a comment, is offered a review, and axe finds nothing on the page; the
supervisor finds the low score in the inbox."""

import re

import pytest
import time_machine

from complaints import services
from portal.messaging.models import Message
from tests.complaints.factories import register, shanghai

from . import test_extension_approval
from .conftest import format_findings
from .test_extension_approval import LANGUAGES, signed_in

site = test_extension_approval.site  # the same handler, supervisor and senior manager

LINK = re.compile(r"(/(?:en/)?complaints/feedback/[A-Za-z0-9_-]+/)")
WORDS = {
    "zh": {"score": "2分——不满意", "send": "提交评价", "review": "查询投诉并申请核查", "alert": "评价为2分"},
    "en": {"score": "2 – dissatisfied", "send": "Send my answer", "review": "request a review", "alert": "2 out of 5"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_complainant_rates_the_handling_on_a_phone_in_elderly_mode_and_the_supervisor_is_alerted(
    lang, site, live_server, browser, check_a11y
):
    words, own = LANGUAGES[lang], WORDS[lang]
    with time_machine.travel(shanghai(2026, 12, 1, 9), tick=False):
        complaint = register(site["supervisor"], phone="13812345678", language=words["django"])
        services.complaint_assign(complaint=complaint, actor=site["supervisor"], handler=site["handler"])
        services.complaint_accept(complaint=complaint, actor=site["handler"])
        services.complaint_decide(
            complaint=complaint,
            actor=site["handler"],
            decision="经核查，理赔款已于今日支付。",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["review", "mediation"],
        )
    with time_machine.travel(shanghai(2026, 12, 2, 10), tick=False):
        services.feedback_invitations_send()
    link = LINK.search(Message.objects.about(complaint).get(template="complaint.feedback").text).group(1)

    phone = browser.new_context(locale=words["locale"], viewport={"width": 360, "height": 800})
    phone.add_cookies([{"name": "display_mode", "value": "elderly", "url": live_server.url}])
    page = phone.new_page()
    page.goto(live_server.url + link)
    assert complaint.tracking_number in page.locator("main").inner_text()
    findings = check_a11y(page)
    assert findings == [], format_findings(findings)
    page.get_by_label(own["score"]).check()
    page.fill("textarea[name=comment]", "等得太久了" if lang == "zh" else "It took too long.")
    page.get_by_role("button", name=own["send"]).click()
    page.wait_for_url("**" + link)
    offer = page.locator("#next-steps").locator("..")
    assert own["review"] in offer.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    findings = check_a11y(page)
    assert findings == [], format_findings(findings)
    phone.close()

    context, supervisor = signed_in(browser, words, live_server.url + words["prefix"], "supervisor")
    supervisor.goto(live_server.url + words["prefix"] + "/admin/portal/staffalert/?read=no")
    inbox = supervisor.locator("#result_list").inner_text()
    assert complaint.tracking_number in inbox and own["alert"] in inbox
    context.close()
