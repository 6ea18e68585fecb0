"""The public statistics as an API: /statistics/<period>.json holds exactly the figures its page shows (totals,
on-time rate, every breakdown's cells in the page's order with the page's markers), the version and every
correction note, in both languages, cached like the page and linked from it."""

import json
import re
from datetime import datetime
from html import unescape

import pytest
from django.utils import timezone

from complaints.compliance.reports import Period
from complaints.compliance.statistics import statistics_publish
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db


def page_figures(html: str) -> dict:
    """What the period's page shows: its totals and, per table, (label, shown) rows in order."""
    totals = [unescape(value).strip() for value in re.findall(r"<dd[^>]*>(.*?)</dd>", html)]
    tables = {}
    for key, body in re.findall(r'<caption id="stats-[\w-]+-(by_\w+)">.*?<tbody>(.*?)</tbody>', html, re.S):
        rows = re.findall(r'<th scope="row">(.*?)</th>.*?<td class="stats-num">(.*?)</td>', body, re.S)
        tables[key] = [(unescape(label).strip(), unescape(shown).strip()) for label, shown in rows]
    # What the decisions gave, and the uphold rate by category (decisions, rate).
    for key, body in re.findall(r'<caption id="stats-[\w-]+-(redress|uphold)">.*?<tbody>(.*?)</tbody>', html, re.S):
        rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body, re.S)
        tables[key] = [
            (unescape(label).strip(), *(unescape(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells)))
            for label, cells in rows
        ]
    return {"totals": totals, "tables": tables}


def json_figures(data: dict) -> dict:
    return {
        "totals": [str(data["total"]), str(data["closed"]), data["on_time_rate"] or "—"],
        "tables": {
            key: [(cell["label"], cell["shown"]) for cell in data[key]]
            for key in ("by_category", "by_channel", "by_business_channel", "by_province")
        }
        | {
            "redress": [(cell["label"], cell["shown"]) for cell in data["redress"]],
            "uphold": [
                (cell["label"], cell["decided"], cell["uphold_rate"] or "—") for cell in data["uphold_by_category"]
            ],
        },
    }


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_json_of_a_period_equals_the_figures_of_its_page(client, prefix):
    from tests.demo_snapshot import load_demo

    load_demo()
    page = client.get(f"{prefix}/statistics/2025/").content.decode()
    response = client.get(f"{prefix}/statistics/2025.json")
    data = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert json_figures(data) == page_figures(page)
    assert any(cell["count"] is None for cell in data["by_category"])  # withheld cells are null …
    assert [cell["code"] for cell in data["redress"]] == [
        "monetary_count",
        "monetary_amount",
        "non_monetary_count",
        "explanation_count",
    ]
    assert data["uphold_by_category"] and any(cell["uphold_rate"] for cell in data["uphold_by_category"])
    assert f'href="{prefix}/statistics/2025.json"' in page  # … and the page links its JSON
    assert data["version"] == 1 and data["versions"] == [{"version": 1, "published": data["published"], "note": ""}]


def test_a_corrected_period_gives_its_version_and_every_correction_note(client):
    from tests.demo_snapshot import load_demo

    load_demo()
    register(received_at=timezone.make_aware(datetime(2025, 6, 3, 10)), category="claims")
    statistics_publish(period=Period(2025), note="补录一件6月的来电投诉。")
    data = json.loads(client.get("/en/statistics/2025.json").content)
    assert data["version"] == 2 and data["note"] == "补录一件6月的来电投诉。"
    assert [(row["version"], row["note"]) for row in data["versions"]] == [(1, ""), (2, "补录一件6月的来电投诉。")]
    page = client.get("/en/statistics/2025/").content.decode()
    assert "Corrected (version 2):" in page and json_figures(data) == page_figures(page)


def test_an_unpublished_period_or_an_overlong_address_is_not_found(client):
    assert client.get("/statistics/2019.json").status_code == 404
    assert client.get("/en/statistics/20255-q9.json").status_code == 404
