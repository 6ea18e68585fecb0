"""Nothing goes out half-written: a template's hints ([[…]]) left in a decision or a letter are refused and named,
in Chinese and in English; a decision whose outcome is not its template's needs a reason, kept in the event; the
letter's print preview shows the same check."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints import demo, letters, placeholders, services
from complaints.models import Complaint, EventAction, LetterTemplate, Status

from .factories import frozen_at, register
from .test_enrich_and_letters import client_for

pytestmark = pytest.mark.django_db

ADMIN = "/admin/complaints/complaint/"
NOW = "2026-11-20 10:00 +0800"
REMEDIES = ["review", "mediation", "arbitration", "litigation"]
ZH_HINT = "[[写明核查的事实与依据的合同条款]]"
EN_HINT = "[[state the facts found and the policy terms relied on]]"

_frozen = frozen_at(NOW)


@pytest.fixture
def templates():
    demo._load_letter_templates()
    return {
        "zh-hans": LetterTemplate.objects.get(language="zh-hans"),
        "en": LetterTemplate.objects.get(language="en"),
    }


@pytest.fixture
def case(people):
    complaint = register(people["supervisor"], name="张三")
    complaint = services.complaint_assign(complaint=complaint, actor=people["supervisor"], handler=people["handler"])
    return services.complaint_accept(complaint=complaint, actor=people["handler"])


def _decide(case, people, decision, **extra):
    return services.complaint_decide(
        complaint=case,
        actor=people["handler"],
        decision=decision,
        outcome="not_upheld",
        remedies=REMEDIES,
        **{"reliefs": ["explanation"], **extra},
    )


def test_hints_are_found_in_their_one_syntax_half_deleted_and_left_in_the_old_brackets():
    known = ["写明核查的事实与依据的合同条款", "金额"]
    assert placeholders.find_hints("经核查，[[写明事实]]，[[写明条款]]。", known) == ["[[写明事实]]", "[[写明条款]]"]
    assert placeholders.find_hints("经核查，［［全角括号］］。") == ["[[全角括号]]"]
    assert placeholders.find_hints("经核查，[[写明核查的事实\n因此维持") == ["[[写明核查的事实"]
    assert placeholders.find_hints("经核查，合同条款]]，因此") == ["经核查，合同条款]]"]
    assert placeholders.find_hints("经核查，[写明核查的事实与依据的合同条款]。", known) == [
        "[写明核查的事实与依据的合同条款]"
    ]
    assert placeholders.find_hints("经核查，【写明核查的事实与依据的合同条款】。", known) == [
        "【写明核查的事实与依据的合同条款】"
    ]
    assert placeholders.find_hints("经核查，写明核查的事实与依据的合同条款，因此", known) == [
        "写明核查的事实与依据的合同条款"
    ]
    # Short hint words are everyday words of a decision: only their brackets give them away.
    assert placeholders.find_hints("理赔金额为五千元。【重要提示】请保留本函。", known) == []
    assert placeholders.hint_words("{name}：[[写明事实]] [[写明事实]] [[ 条款 ]]") == ["写明事实", "条款"]


def test_a_template_whose_hint_is_in_full_width_or_unclosed_brackets_is_refused_with_a_translated_error(people):
    client = client_for(people["supervisor"])
    form = {"name": "理赔", "language": "zh-hans", "outcome": "", "is_active": "on", "body": "{name}：【【写明事实】】"}
    response = client.post("/admin/complaints/lettertemplate/add/", form)
    assert response.status_code == 200 and "提示语请用半角双方括号书写" in response.text
    response = client.post("/admin/complaints/lettertemplate/add/", {**form, "body": "{name}：[[写明事实。"})
    assert response.status_code == 200 and "提示语的括号不完整：[[写明事实。" in response.text
    response = client.post("/en/admin/complaints/lettertemplate/add/", {**form, "body": "{name}: facts]]."})
    assert response.status_code == 200 and "A hint is not closed or not opened: {name}: facts]]." in response.text
    response = client.post("/admin/complaints/lettertemplate/add/", {**form, "body": "{name}：[[写明事实]]。"})
    assert response.status_code == 302
    assert "[[" in str(LetterTemplate._meta.get_field("body").help_text)


def test_the_demo_templates_write_their_hints_in_the_one_syntax(templates):
    assert placeholders.hint_words(templates["zh-hans"].body) == ["写明核查的事实与依据的合同条款"]
    assert placeholders.hint_words(templates["en"].body) == ["state the facts found and the policy terms relied on"]
    for template in templates.values():
        template.full_clean()


@pytest.mark.parametrize(
    ("language", "hint", "refusal"),
    [
        ("zh-hans", ZH_HINT, "处理决定中仍有模板提示语「[[写明核查的事实与依据的合同条款]]」，请改写为本案的事实。"),
        ("en", EN_HINT, "The decision still holds the template's hint " + EN_HINT + "."),
    ],
)
def test_a_decision_still_holding_a_hint_is_refused_naming_the_hint(language, hint, refusal, case, people, templates):
    text = letters.fill(templates[language], case)
    assert hint in text
    with translation.override(language), pytest.raises(ValidationError) as refused:
        _decide(case, people, text)
    assert refusal in refused.value.messages[0]
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and not case.decision
    assert not case.events.filter(action=EventAction.DECIDE).exists()


def test_a_decision_with_two_hints_names_both_and_one_with_its_old_brackets_is_refused_too(case, people, templates):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _decide(case, people, "We found [[the facts]] and [[the terms]].")
    assert "still holds the template's hints [[the facts]], [[the terms]]. Replace each" in refused.value.messages[0]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        _decide(case, people, "经核查，[写明核查的事实与依据的合同条款]，因此不予支持。")
    assert "[写明核查的事实与依据的合同条款]" in refused.value.messages[0]
    complaint = _decide(case, people, "经核查，投保时未如实告知既往病史，依据合同第七条，因此不予支持。")
    assert complaint.status == Status.DECIDED


def test_the_decide_page_refuses_a_decision_with_a_hint_naming_it_and_keeps_what_was_typed(case, people, templates):
    client = client_for(people["handler"])
    text = letters.fill(templates["zh-hans"], case)
    response = client.post(
        f"{ADMIN}{case.pk}/do/decide/",
        {
            "decision": text,
            "outcome": "not_upheld",
            "remedies": REMEDIES,
            "reliefs": ["explanation"],
            "delivered_on": "2026-11-20",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "处理决定中仍有模板提示语「[[写明核查的事实与依据的合同条款]]」" in response.text
    assert "投诉（编号" in response.text  # the decision typed is kept
    page = client.get(f"{ADMIN}{case.pk}/do/decide/?template={templates['zh-hans'].pk}").text
    assert f"请将双方括号中的提示语逐一改写为本案的事实：{ZH_HINT}。" in page
    assert Complaint.objects.get(pk=case.pk).status == Status.ACCEPTED


def _partly_upheld(case, people, template, reason=""):
    return services.complaint_decide(
        complaint=case,
        actor=people["handler"],
        decision="经核查，部分费用属于合同责任范围，我司将赔付该部分费用。",
        outcome="partly_upheld",
        reliefs=["claim_paid", "explanation"],
        remedies=REMEDIES,
        template=template,
        outcome_reason=reason,
    )


def test_a_decision_whose_outcome_is_not_its_templates_is_refused_without_a_reason(case, people, templates):
    template = templates["zh-hans"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        _partly_upheld(case, people, template, reason="  ")
    message = refused.value.messages[0]
    assert f"模板“{template.name}”适用于处理结果“投诉不成立”，而非“部分成立”" in message
    assert Complaint.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_a_decision_whose_outcome_is_not_its_templates_is_accepted_with_a_reason_kept_in_the_event(
    case, people, templates
):
    template = templates["zh-hans"]
    complaint = _partly_upheld(case, people, template, reason="核查后部分费用属于保险责任，结论改为部分成立")
    assert complaint.status == Status.DECIDED and complaint.outcome == "partly_upheld"
    event = complaint.events.get(action=EventAction.DECIDE)
    assert event.data == {
        "template": template.name,
        "outcome_reason": "核查后部分费用属于保险责任，结论改为部分成立",
        "reliefs": ["claim_paid", "explanation"],
    }


def test_a_decision_with_its_templates_outcome_needs_no_reason_and_the_event_names_the_template(
    case, people, templates
):
    complaint = _decide(case, people, "经核查，投保时未如实告知既往病史，因此不予支持。", template=templates["zh-hans"])
    assert complaint.events.get(action=EventAction.DECIDE).data == {
        "template": templates["zh-hans"].name,
        "reliefs": ["explanation"],
    }


def test_the_decide_form_carries_its_template_and_asks_why_when_the_outcome_differs(case, people, templates):
    template = templates["en"]
    client = client_for(people["handler"])
    assert 'name="outcome_reason"' not in client.get(f"/en{ADMIN}{case.pk}/do/decide/").text
    page = client.get(f"/en{ADMIN}{case.pk}/do/decide/?template={template.pk}").text
    assert f'name="from_template" value="{template.pk}"' in page
    assert "Why the outcome differs from the template&#x27;s" in page
    assert f"Replace each hint in double square brackets with the facts of this case: {EN_HINT}." in page
    form = {
        "decision": "We found that part of the bill is covered; we will pay that part.",
        "outcome": "partly_upheld",
        "remedies": REMEDIES,
        "reliefs": ["claim_paid", "explanation"],
        "delivered_on": "2026-11-20",
        "note": "",
        "from_template": str(template.pk),
        "outcome_reason": "",
    }
    response = client.post(f"/en{ADMIN}{case.pk}/do/decide/", form)
    assert response.status_code == 200
    assert "is written for the outcome “Not upheld”, not “Partly upheld”" in response.text
    response = client.post(f"/en{ADMIN}{case.pk}/do/decide/", {**form, "outcome_reason": "Part is covered."})
    assert response.status_code == 302
    event = Complaint.objects.get(pk=case.pk).events.get(action=EventAction.DECIDE)
    assert event.data["outcome_reason"] == "Part is covered."


def _decided_with_a_hint_left(case, people, hint=ZH_HINT):
    """A decision recorded before hints were refused: its text still holds one."""
    complaint = _decide(case, people, "经核查，依据合同第七条，不予支持。")
    Complaint.objects.filter(pk=complaint.pk).update(decision=f"经核查，{hint}，因此不予支持。")
    return Complaint.objects.get(pk=complaint.pk)


def test_the_letter_preview_warns_naming_each_hint_and_offers_neither_print_nor_record(case, people, templates):
    complaint = _decided_with_a_hint_left(case, people)
    client = client_for(people["handler"])
    page = client.get(f"{ADMIN}{complaint.pk}/letter/").text
    assert 'id="letter-hints"' in page and f"<li>「{ZH_HINT}」</li>" in page
    assert "函件中仍有以下模板提示语。处理决定写明本案事实前，函件不能打印，也不能记录为已发出：" in page
    # On screen the hint is named once, in the list; the page printed names it in the sentence (print only).
    warning = page.split('id="letter-hints"', 1)[1].split("</div>", 1)[0]
    assert warning.count(ZH_HINT) == 1 and "<code>" not in warning
    assert f"函件中仍有模板提示语「{ZH_HINT}」。处理决定写明本案事实前，函件不能打印，也不能记录为已发出。" in page
    assert 'id="print-letter"' not in page
    assert 'id="record-letter"' in page and "disabled>" in page.split('id="record-letter"', 1)[1].split("\n", 1)[0]
    assert 'id="letter-refused-print"' in page and "cp-letter-unfinished" in page
    response = client.post(f"{ADMIN}{complaint.pk}/letter/", follow=True)
    assert f"函件中仍有模板提示语「{ZH_HINT}」" in response.text
    assert not complaint.events.filter(action=EventAction.LETTER).exists()


def test_issuing_a_letter_still_holding_a_hint_is_refused_naming_it_in_english(case, people, templates):
    complaint = _decided_with_a_hint_left(case, people, hint=EN_HINT)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.complaint_issue_letter(complaint=complaint, actor=people["handler"])
    assert refused.value.messages[0].startswith(f"The letter still holds the template's hint {EN_HINT}.")
    page = client_for(people["handler"]).get(f"/en{ADMIN}{complaint.pk}/letter/").text
    assert 'id="letter-hints"' in page and 'id="print-letter"' not in page


def test_a_letter_without_hints_prints_and_is_recorded_as_before(case, people, templates):
    complaint = _decide(case, people, "经核查，依据合同第七条，不予支持。")
    client = client_for(people["handler"])
    page = client.get(f"{ADMIN}{complaint.pk}/letter/").text
    assert 'id="print-letter"' in page and 'id="letter-hints"' not in page and "cp-letter-unfinished" not in page
    assert client.post(f"{ADMIN}{complaint.pk}/letter/").status_code == 302
    assert complaint.events.filter(action=EventAction.LETTER).exists()


def test_the_migration_rewrites_single_bracketed_hints_of_existing_templates_as_double(people):
    migration = importlib.import_module("complaints.migrations.0017_letters_hints")
    old = LetterTemplate.objects.create(
        name="旧", language="zh-hans", body="{name}：经核查，[写明事实]，[[已是提示语]]。"
    )
    migration.double_the_brackets(apps, None)
    old.refresh_from_db()
    assert old.body == "{name}：经核查，[[写明事实]]，[[已是提示语]]。"
