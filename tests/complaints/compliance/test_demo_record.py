"""The demo's record of last year: imported through the importer, and the year's disclosure drafted from it and published."""

import io
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command

from complaints.compliance import demo as compliance_demo
from complaints.compliance.reports import Period, complaint_report
from complaints.models import Complaint, Status
from notices.models import Category, Notice
from notices.models import Status as NoticeStatus
from portal.beijing import BEIJING

pytestmark = pytest.mark.django_db


def test_the_record_of_a_year_is_the_same_every_time_and_lies_inside_that_year():
    rows = compliance_demo.last_year_rows(2025)
    assert rows == compliance_demo.last_year_rows(2025)
    assert len(rows) == compliance_demo.ROWS
    for row in rows:
        received = datetime.fromisoformat(row["received_at"])
        closed = datetime.fromisoformat(row["closed_at"])
        assert received.year == 2025 and closed > received
        assert bool(row["regulator_ref"]) == (row["source"] == "regulator")
    assert {row["category"] for row in rows} >= {"sales", "policy_service", "claims"}


@time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING), tick=False)
def test_loading_the_demo_imports_last_year_and_publishes_its_disclosure_once(demo):
    call_command("load_demo", "--demo-site", stdout=io.StringIO())
    last_year = Complaint.objects.filter(received_at__year=2025)
    assert last_year.count() == compliance_demo.ROWS
    assert set(last_year.values_list("status", flat=True)) == {Status.CLOSED}
    disclosure = Notice.objects.get(category=Category.DISCLOSURES, disclosure_year=2025)
    # Drafted from the record, completed and published as the editor would, on 20 January of the next year.
    assert disclosure.status == NoticeStatus.PUBLISHED and disclosure.is_public()
    assert disclosure.publish_at == datetime(2026, 1, 20, 10, 0, tzinfo=BEIJING)
    total = complaint_report(period=Period(2025))["total"]
    assert total == compliance_demo.ROWS
    body_zh, body_en = disclosure.body_zh_hans, disclosure.body_en
    assert f"共处理消费投诉{total}件" in body_zh and f"we handled {total} complaints" in body_en
    for heading in ("## 制度与机制", "## 消保审查", "## 消费投诉情况", "## 如对处理结果有异议"):
        assert heading in body_zh
    assert body_en.index("## Consumer-protection reviews") < body_en.index("## Complaints") < body_en.index("12378")
    assert "{year}" not in body_zh + body_en + disclosure.summary_en and "2025" in disclosure.summary_zh_hans
    # The year before has its own disclosure, published by hand (notices/demo_data/notices.toml).
    year_before = Notice.objects.get(category=Category.DISCLOSURES, slug="consumer-protection-disclosure-2024")
    assert year_before.is_public() and year_before.disclosure_year == 2024 and "41" in year_before.body_en
    out = io.StringIO()
    call_command("load_demo", "--demo-site", stdout=out)
    assert Complaint.objects.filter(received_at__year=2025).count() == compliance_demo.ROWS
    assert Notice.objects.filter(category=Category.DISCLOSURES, disclosure_year=2025).count() == 1
    assert f"0 imported, {compliance_demo.ROWS} already there" in out.getvalue()
