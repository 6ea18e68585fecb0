"""portal/admin_lists.py: the changelist's total and the date hierarchy's years without reading every row."""

from datetime import datetime

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint
from portal import admin_lists
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db


def _at(year, month=6):
    return timezone.make_aware(datetime(year, month, 1, 10))


def test_the_years_found_by_index_are_the_years_django_finds_by_scanning():
    for year in (2021, 2023, 2023, 2026):
        register(received_at=_at(year))
    by_index = list(Complaint.objects.datetimes("received_at", "year"))
    by_scan = list(Complaint.objects.order_by().values_list("received_at__year", flat=True).distinct())
    assert [moment.year for moment in by_index] == sorted(by_scan) == [2021, 2023, 2026]
    assert [moment.year for moment in Complaint.objects.datetimes("received_at", "year", order="DESC")] == [
        2026,
        2023,
        2021,
    ]
    assert list(Complaint.objects.filter(received_at__year=2030).datetimes("received_at", "year")) == []


def test_an_unfiltered_total_above_the_threshold_is_the_planners_estimate(monkeypatch):
    for _ in range(3):
        register()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
    monkeypatch.setattr(admin_lists, "ESTIMATE_ABOVE", 1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pg_class SET reltuples = 1234567 WHERE relname = 'complaints_complaint'")
    assert admin_lists.EstimatedCountPaginator(Complaint.objects.all(), 50).count == 1234567
    # A filtered list is counted exactly, whatever the table's size.
    assert admin_lists.EstimatedCountPaginator(Complaint.objects.filter(category="claims"), 50).count == 3


def test_a_small_table_is_counted_exactly():
    for _ in range(2):
        register()
    assert admin_lists.EstimatedCountPaginator(Complaint.objects.all(), 50).count == 2


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_checkbox_is_the_markup_djangos_widget_renders(language):
    from django.contrib import admin
    from django.test.html import parse_html
    from django.utils import translation

    complaint = register()
    plain = admin.ModelAdmin(Complaint, admin.site)
    fast = type("Fast", (admin_lists.ListCheckboxMixin, admin.ModelAdmin), {})(Complaint, admin.site)
    with translation.override(language):
        assert parse_html(fast.action_checkbox(complaint)) == parse_html(plain.action_checkbox(complaint))


def test_a_search_of_the_complaints_comes_without_the_date_bar_and_the_plain_list_keeps_it(make_user):
    from django.test import Client

    from portal import roles

    register(received_at=_at(2025), phone="13812345678")
    client = Client()
    client.force_login(make_user("supervisor", groups=[roles.SUPERVISOR]))
    plain = client.get("/en/admin/complaints/complaint/")
    found = client.get("/en/admin/complaints/complaint/", {"q": "138 1234 5678"})
    assert plain.context["cl"].date_hierarchy == "received_at" and 'id="date-hierarchy-label"' in plain.text
    assert found.context["cl"].date_hierarchy is None and found.context["cl"].result_count == 1
    assert 'id="date-hierarchy-label"' not in found.text
