"""The report's JSON for a year of the demo holds every figure of the dispute beyond the company and of the
protection of complainants, in the shapes the contract fixes (docs/design.md): the names other tools read."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.django_db

FORWARDED_KEYS = {"total", "closed", "closed_on_time", "on_time_rate", "reported_back", "reported_back_on_time"}


def report(year: int) -> dict:
    out = io.StringIO()
    call_command("complaint_report", "--year", str(year), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def amount(value: str) -> Decimal:
    """An amount as the contract gives it: a decimal string in yuan, with its fen."""
    assert isinstance(value, str), value
    number = Decimal(value)
    assert number >= 0 and number == number.quantize(Decimal("0.01")), value
    return number


def rate(value) -> None:
    assert value is None or (isinstance(value, float) and 0 <= value <= 1), value


@pytest.fixture
def years():
    load_demo()
    this_year = timezone.localdate().year
    return report(this_year - 1), report(this_year)


def test_a_demo_year_reports_every_figure_of_the_dispute_in_the_contracts_shapes(years):
    for figures in years:
        assert set(figures["by_source"]) == {"self", "regulator", "platform"}
        assert sum(figures["by_source"].values()) == figures["total"]
        assert set(figures["platform_forwarded"]) == set(figures["regulator_forwarded"]) == FORWARDED_KEYS
        assert figures["platform_forwarded"]["total"] == figures["by_source"]["platform"]
        redress = figures["redress"]
        assert {"monetary_count", "monetary_amount", "non_monetary_count", "explanation_count"} <= set(redress)
        amount(redress["monetary_amount"])
        mediation = figures["mediation"]
        assert set(mediation) >= {"requested", "responded_on_time", "settled", "settled_amount"}
        assert (
            mediation["requested"] >= mediation["responded_on_time"] and mediation["requested"] >= mediation["settled"]
        )
        amount(mediation["settled_amount"])
        rate(figures["escalation_rate"])
        assert set(figures["satisfaction"]) >= {"responses", "average"}
        assert isinstance(figures["first_contact_resolved"], int)
        assert set(figures["vulnerable"]) == {
            "elderly", "disability", "foreign_national", "new_citizen", "bereaved", "needs_help",
        }  # fmt: skip
        assert isinstance(figures["further_requests"], int)


def test_the_demo_holds_the_dispute_beyond_the_company_last_year_and_this(years):
    last_year, this_year = years
    assert last_year["mediation"]["requested"] > 0 and last_year["mediation"]["settled"] > 0
    assert amount(last_year["mediation"]["settled_amount"]) > 0
    # Last year is the record imported from before decisions recorded their redress; this year's decisions do.
    assert this_year["redress"]["monetary_count"] > 0 and this_year["redress"]["explanation_count"] > 0
    assert this_year["by_source"]["platform"] > 0 and this_year["platform_forwarded"]["reported_back"] > 0
    assert this_year["escalation_rate"] is not None and this_year["escalation_rate"] > 0
    assert this_year["first_contact_resolved"] > 0
    assert sum(this_year["vulnerable"].values()) > 0
