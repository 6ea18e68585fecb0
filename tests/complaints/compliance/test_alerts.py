"""Early warning: a spike against a value's own baseline (Poisson tail), overdue risk, repeat complainants,
the command's JSON, the stored daily run and its email, and the false-alarm rate on steady data."""

import json
import random
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from complaints.compliance import alerts
from complaints.compliance.models import OversightWarning
from complaints.models import Category, Complaint
from portal import roles

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)
CATEGORIES = Category.values
PROVINCES = ["北京", "上海", "广东", "江苏", "浙江", "四川"]


def _make(rows):
    """Generated complaints (day, category, province[, phone]) written in one statement."""
    objects = []
    for index, (day, category, province, *phone) in enumerate(rows):
        moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9)) + timedelta(minutes=index % 600)
        objects.append(
            Complaint(
                tracking_number=f"TS-T-{index:07d}",
                received_at=moment,
                channel="phone",
                category=category,
                province=province,
                name="测试",
                phone=phone[0] if phone else f"+86138{index:08d}",
                description="生成的投诉",
                due_date=day + timedelta(days=15),
            )
        )
    Complaint.objects.bulk_create(objects, batch_size=2000)


def _steady_baseline(weeks=13, seed=1):
    """About one complaint a week per category and province, for `weeks` weeks before the week of AS_OF."""
    rng = random.Random(seed)
    first = AS_OF - timedelta(days=7 * weeks)
    days = (AS_OF - first).days
    return [
        (first + timedelta(days=rng.randrange(days - 7)), rng.choice(CATEGORIES), rng.choice(PROVINCES))
        for _ in range(weeks * 6)
    ]


def _warnings_json(as_of: date) -> list:
    out = StringIO()
    call_command("complaint_alerts", "--as-of", as_of.isoformat(), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_a_week_of_thirty_claims_complaints_in_one_province_raises_a_warning_for_claims_and_that_province():
    rows = _steady_baseline()
    rows += [(AS_OF - timedelta(days=index % 7), "claims", "四川") for index in range(30)]
    _make(rows)
    warnings = _warnings_json(AS_OF)
    week = {(w["dimension"], w["value"]): w for w in warnings if w["period"] == "week" and w["kind"] == "spike"}
    assert ("category", "claims") in week and ("province", "四川") in week
    claims = week[("category", "claims")]
    assert claims["count"] >= 30 and claims["baseline"] < 3 and claims["score"] > 10
    assert set(claims) >= {"dimension", "value", "period", "count", "baseline", "score"}
    # Quiet categories and provinces raise none.
    assert {key for key in week if key[0] == "category"} == {("category", "claims")}
    assert {key for key in week if key[0] == "province"} == {("province", "四川")}


def test_quiet_data_raises_no_warning():
    _make(_steady_baseline())
    assert _warnings_json(AS_OF) == []


def test_a_value_with_no_history_needs_at_least_the_minimum_count():
    _make([(AS_OF, "claims", "西藏")] * (alerts.MIN_COUNT["day"] - 1))
    assert [w for w in alerts.warnings_for(AS_OF) if w.dimension == "province"] == []


def test_the_poisson_tail_is_exact_for_small_and_large_counts():
    assert alerts.poisson_tail(0, 3.0) == 1.0
    assert alerts.poisson_tail(1, 2.0) == pytest.approx(1 - 2.718281828**-2)
    assert alerts.poisson_tail(30, 1.0) == pytest.approx(1.4330814e-33, rel=1e-6)
    assert alerts.spike_score(4, 0.0, "week") is None and alerts.spike_score(30, 1.0, "week") > 30


def test_the_false_alarm_rate_on_a_year_of_steady_data_is_a_few_a_year():
    measured = alerts.false_alarm_rate(365)
    assert measured["tests"] > 30_000
    assert measured["per_year"] <= 12 and measured["rate_per_test"] < 3 * alerts.ALPHA


def test_many_cases_of_one_handler_due_within_three_days_raise_an_overdue_risk(make_user):
    handler = make_user("busy", groups=[roles.COMPLAINT_HANDLER])
    _make([(AS_OF - timedelta(days=13), "service", "北京")] * 6)
    Complaint.objects.update(handler=handler)
    risk = [w for w in alerts.warnings_for(AS_OF) if w.kind == "overdue_risk"]
    assert len(risk) == 1 and risk[0].value == str(handler.pk) and risk[0].count == 6
    assert alerts.changelist_query(risk[0])["id__in"].count(",") == 5


def test_a_complainant_with_three_complaints_in_thirty_days_is_a_repeat():
    _make([(AS_OF - timedelta(days=days), "claims", "北京", "+8613900001111") for days in (1, 10, 20)])
    repeats = [w for w in alerts.warnings_for(AS_OF) if w.kind == "repeat"]
    assert len(repeats) == 1 and repeats[0].count == 3
    assert "13900001111" not in json.dumps(repeats[0].as_json())  # the phone number is masked


def test_the_daily_run_stores_each_warning_once_and_emails_compliance_and_supervisors(
    make_user, django_capture_on_commit_callbacks
):
    officer = make_user("officer", groups=[roles.COMPLIANCE_OFFICER])
    make_user("lead", groups=[roles.SUPERVISOR])
    make_user("agent", groups=[roles.COMPLAINT_HANDLER])
    rows = _steady_baseline()
    rows += [(AS_OF - timedelta(days=index % 7), "claims", "四川") for index in range(30)]
    _make(rows)
    with time_machine.travel(datetime(2026, 7, 1, 6, 0, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert alerts.run_daily() >= 2
        with django_capture_on_commit_callbacks(execute=True):
            assert alerts.run_daily() == 0
    assert (
        OversightWarning.objects.filter(as_of=AS_OF, dimension="category", value="claims", period="week").count() == 1
    )
    assert sorted(message.to[0] for message in mail.outbox) == ["lead@example.com", officer.email]
    assert "理赔" in mail.outbox[0].body


def test_the_command_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="not a date"):
        call_command("complaint_alerts", "--as-of", "2026-02-30")
