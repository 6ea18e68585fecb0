"""Bookings' personal data fall under the retention period too: the one retention run anonymises them."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from complaints.compliance.retention import ANONYMISED, retention_apply
from reception.models import Booking

pytestmark = pytest.mark.django_db


def _booking(day, number):
    return Booking.objects.create(
        day=day, number=number, name="王五", phone="+8613812345678", topic="理赔", language="zh-hans"
    )


def test_bookings_of_days_past_retention_are_anonymised_and_recent_ones_kept(make_day, settings):
    settings.PORTAL_RETENTION_YEARS = 5
    old = _booking(make_day(day=date(2020, 3, 2)), "RB-OLD-1")
    recent = _booking(make_day(day=date(2024, 3, 2)), "RB-NEW-1")
    dry = retention_apply(today=date(2026, 3, 10), dry_run=True)
    assert dry.others["bookings"] == ["RB-OLD-1"] and Booking.objects.get(pk=old.pk).name == "王五"
    out = StringIO()
    call_command("apply_retention", stdout=out)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.phone, old.topic) == (ANONYMISED, "-", ANONYMISED)
    assert recent.name == "王五" and "1 bookings" in out.getvalue()
    assert retention_apply(today=date(2026, 3, 10)).others["bookings"] == []
