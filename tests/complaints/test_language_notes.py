"""Language notes that are true: the English status page says when the decision is in Chinese, its original
language, and says nothing when it is in English."""

import pytest
from django.test import Client

from complaints import services

from .factories import register
from .test_tracking import look_up

pytestmark = pytest.mark.django_db

NOTE = "The decision is shown as we wrote it, in Chinese, its original language."


def _decided_status_page(supervisor, decision: str, prefix: str) -> str:
    complaint = register(supervisor, phone="13912345678")
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision=decision,
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review"],
    )
    client = Client()
    look_up(client, complaint.tracking_number, "13912345678", prefix)
    return client.get(f"{prefix}/complaints/track/status/").text


def test_the_english_status_page_says_a_chinese_decision_is_in_its_original_language(demo, supervisor):
    page = _decided_status_page(supervisor, "经核实，同意按合同约定赔付。", "/en")
    assert NOTE in page
    assert '<div class="consumer-text decision-text" id="decision-text" lang="zh-Hans">经核实' in page
    assert page.index('id="decision-language"') < page.index('id="decision-text"')


def test_an_english_decision_and_the_chinese_page_carry_no_language_note(demo, supervisor):
    english = _decided_status_page(supervisor, "We checked the file and will pay the rest of the claim.", "/en")
    assert NOTE not in english and 'id="decision-text" lang=' not in english
    chinese = _decided_status_page(supervisor, "经核实，同意按合同约定赔付。", "")
    assert 'id="decision-language"' not in chinese
