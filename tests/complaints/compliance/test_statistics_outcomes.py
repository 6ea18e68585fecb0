"""The public statistics state what the decisions gave (redress) and the uphold rate by category, withholding
small cells as the rest of the page does; the disclosure draft states the uphold rate too."""

import json
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from complaints import services
from complaints.compliance.disclosure import complaint_section
from complaints.compliance.reports import Period
from complaints.compliance.statistics import statistics_publish
from portal.actors import system_actor
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db


def _decided(day, category, outcome, reliefs, phone):
    with time_machine.travel(timezone.make_aware(datetime(2025, 3, day, 10)), tick=False):
        complaint = register(category=category, phone=phone)
        complaint = services.complaint_accept(complaint=complaint, actor=system_actor())
        complaint = services.complaint_decide(
            complaint=complaint,
            actor=system_actor(),
            decision="经核查，作出如下处理。",
            outcome=outcome,
            remedies=["review"],
            reliefs=reliefs,
        )
    if "refund" in reliefs:
        with time_machine.travel(timezone.make_aware(datetime(2025, 3, day + 1, 10)), tick=False):
            services.complaint_record_payment(complaint=complaint, actor=system_actor(), amount="1200.50")
    return complaint


@pytest.fixture
def year():
    # Claims: 6 decided, 4 upheld or partly (66.7%), 3 paid a refund; sales: 2 decided (rate withheld);
    # service: 8 decided, 2 upheld (25.0%) by an apology.
    for n, outcome in enumerate(["upheld", "upheld", "partly_upheld", "partly_upheld", "not_upheld", "not_upheld"]):
        reliefs = ["refund"] if outcome == "upheld" or n == 2 else ["explanation"]
        reliefs = ["correction"] if n == 3 else reliefs
        _decided(n + 1, "claims", outcome, reliefs, f"1380000{n:04d}")
    for n in range(2):
        _decided(10 + n, "sales", "upheld", ["apology"], f"1390000{n:04d}")
    for n in range(8):
        outcome, reliefs = ("upheld", ["apology"]) if n < 2 else ("not_upheld", ["explanation"])
        _decided(12 + n, "service", outcome, reliefs, f"1370000{n:04d}")
    with time_machine.travel(timezone.make_aware(datetime(2026, 1, 10, 10)), tick=False):
        statistics_publish(period=Period(2025))
    yield


def test_the_page_and_its_json_show_redress_and_the_uphold_rate_by_category_withholding_small_cells(client, year):
    with time_machine.travel(timezone.make_aware(datetime(2026, 1, 11, 10)), tick=False):
        data = json.loads(client.get("/en/statistics/2025.json").content)
        page = client.get("/en/statistics/2025/").content.decode()
        chinese = client.get("/statistics/2025/").content.decode()
    redress = {cell["code"]: cell["shown"] for cell in data["redress"]}
    # 3 refunds (under 5: shown "< 5", and their sum withheld), 5 actions, 8 explanations.
    assert redress == {
        "monetary_count": "< 5",
        "monetary_amount": "withheld",
        "non_monetary_count": "5",
        "explanation_count": "8",
    }
    rates = {cell["code"]: (cell["decided"], cell["uphold_rate"]) for cell in data["uphold_by_category"]}
    # Sales (2 complaints) is withheld in the category table: its decisions show the same marker, without a rate.
    assert rates["service"] == ("8", "25.0%") and rates["claims"] == ("6", "66.7%") and rates["sales"] == ("< 5", None)
    assert "Uphold rate by category" in page and "66.7%" in page and "25.0%" in page
    assert "各类别投诉支持率" in chinese and "支持或部分支持" in chinese and "66.7%" in chinese


def test_the_amount_paid_is_published_once_five_decisions_gave_money(client, year):
    for n in range(2):
        _decided(25 + n, "claims", "upheld", ["refund"], f"1350000{n:04d}")
    with time_machine.travel(timezone.make_aware(datetime(2026, 1, 12, 10)), tick=False):
        statistics_publish(period=Period(2025), note="补录两件理赔投诉。")
        data = json.loads(client.get("/en/statistics/2025.json").content)
    redress = {cell["code"]: cell for cell in data["redress"]}
    assert redress["monetary_count"]["shown"] == "5"
    assert redress["monetary_amount"]["shown"] == "6,002.50" and redress["monetary_amount"]["value"] == "6002.50"


def test_the_disclosure_draft_states_the_uphold_rate_overall_and_by_category(year):
    with time_machine.travel(timezone.make_aware(datetime(2026, 1, 11, 10)), tick=False):
        section = complaint_section(2025)
    assert "作出处理决定的16件投诉中，支持或部分支持投诉人诉求的占50.0%" in section["zh_hans"]
    assert "服务类25.0%" in section["zh_hans"] and "理赔类66.7%" in section["zh_hans"]
    assert "Of the 16 decisions, 50.0% upheld the complaint in whole or in part" in section["en"]
