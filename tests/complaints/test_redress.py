"""Redress: every decision records what the complainant gets, fitting its outcome; payments come later, each a step
with its amount and day; the report counts decisions by what they gave and totals what was paid."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from complaints import services
from complaints.compliance.reports import Period, complaint_report
from complaints.models import EventAction
from portal import roles

from .factories import register, shanghai

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "editor": make_user("editor", groups=[roles.CONTENT_EDITOR]),
    }


def _accepted(team, phone="13812345678"):
    complaint = register(team["supervisor"], phone=phone)
    services.complaint_assign(complaint=complaint, actor=team["supervisor"], handler=team["handler"])
    return services.complaint_accept(complaint=complaint, actor=team["handler"])


def _decide(team, complaint, outcome, reliefs):
    return services.complaint_decide(
        complaint=complaint,
        actor=team["handler"],
        decision="经核查，作出如下处理。",
        outcome=outcome,
        remedies=["review"],
        reliefs=reliefs,
    )


@pytest.mark.parametrize(
    ("outcome", "reliefs"),
    [
        ("upheld", ["claim_paid"]),
        ("upheld", ["apology", "correction"]),
        ("partly_upheld", ["refund", "explanation"]),
        ("not_upheld", ["explanation"]),
        ("not_upheld", ["explanation", "goodwill"]),
        ("not_upheld", ["explanation", "apology"]),
    ],
)
def test_a_relief_that_fits_the_outcome_is_recorded_with_the_decision_and_its_event(team, outcome, reliefs):
    complaint = _decide(team, _accepted(team), outcome, reliefs)
    assert sorted(complaint.reliefs) == sorted(reliefs)
    assert sorted(complaint.events.get(action=EventAction.DECIDE).data["reliefs"]) == sorted(reliefs)


@pytest.mark.parametrize(
    ("outcome", "reliefs", "words"),
    [
        ("upheld", [], "redress"),
        ("upheld", ["explanation"], "does not fit"),
        ("partly_upheld", ["explanation"], "money or an action"),
        ("not_upheld", ["claim_paid", "explanation"], "does not fit"),
        ("not_upheld", ["goodwill"], "is explained"),
        ("upheld", ["free_holiday"], "from the list"),
    ],
)
def test_a_relief_that_does_not_fit_the_outcome_is_refused_and_nothing_is_decided(team, outcome, reliefs, words):
    complaint = _accepted(team)
    with translation.override("en"), pytest.raises(services.WorkflowError, match=words):
        _decide(team, complaint, outcome, reliefs)
    complaint.refresh_from_db()
    assert complaint.status == "accepted" and not complaint.decision


def test_payments_are_steps_of_their_own_and_the_complaint_keeps_their_total(team):
    with time_machine.travel(shanghai(2026, 11, 2), tick=False):
        complaint = _decide(team, _accepted(team), "upheld", ["claim_paid"])
    with time_machine.travel(shanghai(2026, 11, 20), tick=False):
        services.complaint_record_payment(complaint=complaint, actor=team["handler"], amount="1250.50")
        complaint = services.complaint_record_payment(
            complaint=complaint, actor=team["handler"], amount=Decimal("100"), paid_on=date(2026, 11, 19)
        )
    assert complaint.redress_paid == Decimal("1350.50") and complaint.redress_paid_on == date(2026, 11, 20)
    events = complaint.events.filter(action=EventAction.PAYMENT).order_by("id")
    assert [e.data for e in events] == [
        {"amount": "1250.50", "paid_on": "2026-11-20"},
        {"amount": "100.00", "paid_on": "2026-11-19"},
    ]


@pytest.mark.parametrize(
    ("amount", "paid_on", "code"),
    [
        ("0", None, "amount"),
        ("-5", None, "amount"),
        ("12.345", None, "amount"),
        ("abc", None, "amount"),
        ("1e400", None, "amount"),
        ("20000000", None, "amount"),
        ("10", date(2026, 11, 21), "future"),
        ("10", date(2026, 11, 1), "before_decision"),
    ],
)
def test_a_payment_with_a_bad_amount_or_day_is_refused_with_the_reason(team, amount, paid_on, code):
    with time_machine.travel(shanghai(2026, 11, 2), tick=False):
        complaint = _decide(team, _accepted(team), "upheld", ["compensation"])
    with time_machine.travel(shanghai(2026, 11, 20), tick=False), pytest.raises(services.WorkflowError) as refused:
        services.complaint_record_payment(complaint=complaint, actor=team["handler"], amount=amount, paid_on=paid_on)
    assert refused.value.code == code
    complaint.refresh_from_db()
    assert complaint.redress_paid is None


def test_no_payment_under_a_decision_that_gives_no_money_and_none_by_someone_not_allowed(team):
    explained = _decide(team, _accepted(team), "not_upheld", ["explanation"])
    with translation.override("en"), pytest.raises(services.WorkflowError, match="no money"):
        services.complaint_record_payment(complaint=explained, actor=team["handler"], amount="10")
    paid = _decide(team, _accepted(team, phone="13900001111"), "upheld", ["refund"])
    with pytest.raises(PermissionDenied):
        services.complaint_record_payment(complaint=paid, actor=team["editor"], amount="10")


def test_the_decide_form_asks_for_the_relief_and_the_payment_form_records_one(team):
    complaint = _accepted(team)
    client = Client()
    client.force_login(team["handler"])
    url = f"/admin/complaints/complaint/{complaint.pk}/do/decide/"
    form = {"decision": "同意赔付。", "outcome": "upheld", "remedies": ["review"], "delivered_on": "", "note": ""}
    refused = client.post(url, form)
    assert refused.status_code == 200 and "reliefs" in refused.text
    assert client.post(url, {**form, "reliefs": ["claim_paid"]}).status_code == 302
    paid = client.post(
        f"/admin/complaints/complaint/{complaint.pk}/do/payment/", {"amount": "800.00", "paid_on": "", "note": ""}
    )
    assert paid.status_code == 302
    complaint.refresh_from_db()
    assert complaint.redress_paid == Decimal("800.00")
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").text
    assert "已支付补偿款" in page and "800.00" in page and "理赔给付" in page


def test_the_report_counts_decisions_by_what_they_gave_and_totals_the_payments(team):
    with time_machine.travel(shanghai(2026, 11, 2), tick=False):
        money = _decide(team, _accepted(team), "upheld", ["claim_paid", "apology"])
        _decide(team, _accepted(team, phone="13900001111"), "not_upheld", ["explanation"])
        _decide(team, _accepted(team, phone="13900002222"), "not_upheld", ["explanation", "goodwill"])
        _decide(team, _accepted(team, phone="13900003333"), "upheld", ["correction"])
        _accepted(team, phone="13900004444")  # undecided: counts nowhere
    with time_machine.travel(shanghai(2026, 11, 5), tick=False):
        services.complaint_record_payment(complaint=money, actor=team["handler"], amount="1000.10")
        report = complaint_report(period=Period(2026))
    assert report["redress"] == {
        "monetary_count": 2,
        "monetary_amount": "1000.10",
        "non_monetary_count": 2,
        "explanation_count": 1,
    }
