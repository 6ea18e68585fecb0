"""Approvals someone sees, in a real browser, in Chinese and in English: a handler asks for more time, the
supervisor finds the request in the queue on the admin index and in the inbox, opens it from the inbox, grants
it, and the handler's inbox tells them."""

import pytest

from complaints import services
from portal.messaging.models import StaffAlert
from tests.complaints.factories import register

from . import test_extension_approval
from .test_extension_approval import LANGUAGES, ask, signed_in

site = test_extension_approval.site  # the same handler, supervisor and senior manager

GRANTED = {"zh": "已由supervisor批准", "en": "was granted by supervisor"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_supervisor_sees_the_request_in_the_queue_and_the_inbox_grants_it_and_the_handler_is_told(
    lang, site, live_server, browser
):
    words = LANGUAGES[lang]
    base = live_server.url + words["prefix"]
    complaint = register(site["supervisor"], phone="13812345678", language=words["django"])
    services.complaint_assign(complaint=complaint, actor=site["supervisor"], handler=site["handler"])
    services.complaint_accept(complaint=complaint, actor=site["handler"])

    handler_context, handler = signed_in(browser, words, base, "handler")
    ask(handler, base, complaint, "需要调取销售录音录像" if lang == "zh" else "We need the call recording.", 15)

    supervisor_context, supervisor = signed_in(browser, words, base, "supervisor")
    approvals = supervisor.locator('#queue-team tr[data-queue="approvals"] .cp-queue-count')
    assert approvals.inner_text() == "1"
    supervisor.goto(base + "/admin/portal/staffalert/?read=no")
    assert complaint.tracking_number in supervisor.locator("#result_list").inner_text()
    alert = StaffAlert.objects.get(user=site["supervisor"], template="extension_requested")
    supervisor.goto(f"{base}/admin/portal/staffalert/{alert.pk}/change/")
    supervisor.wait_for_url("**/decide/")
    supervisor.check('input[name="decision"][value="grant"]')
    supervisor.click('form.cp-action-form input[type="submit"]')
    supervisor.wait_for_url("**/admin/complaints/extensionrequest/")
    supervisor.goto(base + "/admin/")
    assert supervisor.locator('#queue-team tr[data-queue="approvals"] .cp-queue-count').inner_text() == "0"
    supervisor_context.close()

    handler.goto(base + "/admin/portal/staffalert/?read=no")
    inbox = handler.locator("#result_list").inner_text()
    assert complaint.tracking_number in inbox and GRANTED[lang] in inbox
    handler_context.close()
