"""Public statistics: published periods only, as snapshots that later imports do not change, small cells
withheld, no personal data, both languages, the CSV, corrections as new versions, who may publish."""

import csv
import io
import re
from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from complaints.compliance.importer import complaint_import
from complaints.compliance.models import ExportLog, PublishedStatistics
from complaints.compliance.reports import Period
from complaints.compliance.statistics import shown, statistics_publish
from portal import pagecache
from tests.complaints.factories import frozen_at

from .files import csv_bytes, row, seed_year_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


_frozen = frozen_at(NOW)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_published_year_shows_its_total_in_both_languages_and_withholds_small_cells(client):
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    assert "2023" not in _text(client.get("/statistics/"))
    call_command("publish_statistics", "--year", "2023")
    chinese, english = _text(client.get("/statistics/")), _text(client.get("/en/statistics/"))
    assert 'id="stats-total">15<' in chinese and 'id="stats-total">15<' in english
    assert "2023年" in chinese or "2023" in chinese
    assert "Complaints in 2023" in english and "投诉" in chinese
    # Sales 7 and brokers 7 are shown; Anhui (1) and claims (1) are withheld.
    assert "&lt; 5" in english and ">7<" in english
    assert "安徽" in chinese and "Anhui" in english
    for personal in ("李明", "赵雷", "孙丽", "13800000001", "王芳", "13900001111", "代理人夸大收益"):
        assert personal not in chinese and personal not in english


def test_the_page_writes_its_dates_in_its_languages_style_and_names_each_breakdowns_column(client):
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    call_command("publish_statistics", "--year", "2023")
    chinese, english = _text(client.get("/statistics/2023/")), _text(client.get("/en/statistics/2023/"))
    assert "Received from 1 January 2023 to 31 December 2023" in english and "published 21 November 2026" in english
    assert "2023年1月1日" in chinese and "2023年12月31日" in chinese and "2026年11月21日" in chinese
    assert "2023-01-01" not in english + chinese and "Nov. 21" not in english
    for heading in ("Category", "Channel", "Business channel", "Province"):
        assert f'<th scope="col">{heading}</th>' in english
    assert ">Value<" not in english


def test_the_append_only_records_refuse_a_change_saying_the_record_cannot_change():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    published = statistics_publish(period=Period(2023))
    log = ExportLog.objects.create(via="command", filters={}, file_format="csv", rows=15, masked=True)
    for record in (published, log):
        with pytest.raises(PermissionError, match="This record cannot be changed"):
            record.save()
        with pytest.raises(PermissionError, match="This record cannot be deleted"):
            record.delete()
    statements = [
        "UPDATE complaints_publishedstatistics SET note = 'x'",
        "DELETE FROM complaints_publishedstatistics",
        "UPDATE complaints_exportlog SET rows = 0",  # a table without a note
        "DELETE FROM complaints_exportlog",
    ]
    for statement in statements:
        with pytest.raises(Exception) as refusal, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        message = str(refusal.value)
        assert message.startswith("This record cannot be changed or deleted:"), (statement, message)
        assert "append-only" in message and "has no field" not in message
    assert PublishedStatistics.objects.get().note == "" and ExportLog.objects.get().rows == 15


def test_complaints_imported_later_into_a_published_year_change_nothing_on_the_page(client):
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    statistics_publish(period=Period(2023))
    before = client.get("/en/statistics/2023/").content
    more = [row(f"2023-0{month}-11", phone=f"1390000{month:04d}", description=f"补录{month}") for month in range(1, 8)]
    complaint_import(data=csv_bytes(more), name="late.csv")
    pagecache.invalidate()
    assert client.get("/en/statistics/2023/").content == before
    assert 'id="stats-total">15<' in _text(client.get("/statistics/"))


def test_a_correction_is_a_new_version_with_a_note_and_an_unchanged_period_is_refused():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    first = statistics_publish(period=Period(2023))
    with pytest.raises(ValidationError):
        statistics_publish(period=Period(2023), note="again")
    complaint_import(data=csv_bytes([row("2023-04-02", phone="13900009999", description="补录")]), name="a.csv")
    with pytest.raises(ValidationError):
        statistics_publish(period=Period(2023))
    second = statistics_publish(period=Period(2023), note="A complaint of April was registered late.")
    assert (first.version, second.version) == (1, 2) and second.figures["total"] == 16
    with pytest.raises(PermissionError):
        first.save()


def test_only_a_compliance_officer_may_publish(make_user):
    from portal import roles

    supervisor = make_user("lead", groups=[roles.SUPERVISOR])
    officer = make_user("officer", groups=[roles.COMPLIANCE_OFFICER])
    with pytest.raises(PermissionDenied):
        statistics_publish(period=Period(2024), actor=supervisor)
    assert statistics_publish(period=Period(2024, 2), actor=officer).published_by == officer


def test_the_csv_and_the_sitemap_carry_the_published_period(client):
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    call_command("publish_statistics", "--year", "2023", "--quarter", "1")
    response = client.get("/en/statistics/2023-q1.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and "2023 Q1" in text and "< 5" in text
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/statistics/2023-q1/" in sitemap and "/en/statistics/" in sitemap
    assert client.get("/statistics/2023-q2/").status_code == 404
    assert client.get("/statistics/nonsense/").status_code == 404


def test_the_csv_is_tidy_with_one_kind_of_value_per_column_and_headers_in_the_pages_language(client):
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")
    call_command("publish_statistics", "--year", "2023")
    english = list(csv.reader(io.StringIO(client.get("/en/statistics/2023.csv").content.decode("utf-8-sig"))))
    assert english[0] == ["Period", "Figure", "Item", "Number of complaints", "Rate (%)", "Withheld"]
    chinese = list(csv.reader(io.StringIO(client.get("/statistics/2023.csv").content.decode("utf-8-sig"))))
    assert chinese[0] == ["期间", "指标", "分项", "投诉件数", "比率（%）", "不公布说明"]
    body = english[1:]
    assert all(line[3] == "" or line[3].isdigit() for line in body)  # counts only: no "92.2%", no "< 5"
    assert all(line[4] == "" or re.fullmatch(r"\d+\.\d", line[4]) for line in body)  # a rate, in percent
    assert all(line[5] in ("", "< 5", "withheld") for line in body)
    # A line holds a count, a rate or a marker: never two, never none.
    assert all(sum(bool(cell) for cell in line[3:]) == 1 for line in body)
    assert any(line[5] == "< 5" for line in body)
    on_time = next(line for line in body if line[1] == "On-time rate")
    assert on_time[3] == "" and (on_time[4] or on_time[5])


def test_the_command_refuses_a_year_out_of_range_and_an_unknown_user():
    with pytest.raises(CommandError):
        call_command("publish_statistics", "--year", "1999")
    with pytest.raises(CommandError, match="No such user"):
        call_command("publish_statistics", "--year", "2023", "--user", "nobody")
    assert not PublishedStatistics.objects.exists()


def test_small_counts_are_shown_as_under_five():
    assert [shown(n) for n in (0, 4, 5, 123)] == ["< 5", "< 5", "5", "123"]
