"""Exports: one exporter for the command and the admin, masked unless a permitted user asks, logged every
time, formula-safe, streamed; row counts agree with the report."""

import csv
import io
import json
import re
from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from complaints.compliance import exports, jobs
from complaints.compliance.importer import complaint_import
from complaints.compliance.models import ExportJob, ExportLog
from portal import roles
from portal.actors import system_actor
from tests.complaints.factories import frozen_at

from .files import csv_bytes, row, seed_year_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
FULL_PHONE = re.compile(r"1[3-9]\d{9}")


_frozen = frozen_at(NOW, language="en")


@pytest.fixture
def year_2023():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")


@pytest.fixture
def permitted(make_user):
    return make_user("supervisor", groups=[roles.SUPERVISOR])


def _csv_rows(path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_row_counts_match_the_report(year_2023, tmp_path):
    complaint_import(data=csv_bytes([row(received="2024-01-01 00:30")]), name="2024.csv")
    out = StringIO()
    call_command("complaint_report", "--year", "2023", stdout=out)
    total = json.loads(out.getvalue())["total"]
    output = tmp_path / "2023.csv"
    call_command("export_complaints", "--start", "2023-01-01", "--end", "2023-12-31", "--format", "csv",
                 "--output", str(output), stdout=StringIO())  # fmt: skip
    assert len(_csv_rows(output)) - 1 == total == 15
    xlsx = tmp_path / "2023.xlsx"
    call_command("export_complaints", "--start", "2023-01-01", "--end", "2023-12-31", "--format", "xlsx",
                 "--output", str(xlsx), stdout=StringIO())  # fmt: skip
    assert len(list(load_workbook(xlsx, read_only=True).active.iter_rows())) - 1 == 15


def test_no_full_phone_number_appears_in_a_masked_export(year_2023, tmp_path):
    output, said = tmp_path / "masked.csv", StringIO()
    call_command("export_complaints", "--start", "2023-01-01", "--end", "2023-12-31", "--format", "csv",
                 "--output", str(output), stdout=said)  # fmt: skip
    assert "Logged as made by the system account (no --user given)." in said.getvalue()
    text = output.read_text(encoding="utf-8-sig")
    assert not FULL_PHONE.search(text)
    assert "138****0001" in text
    log = ExportLog.objects.get()
    # No --user: the operator's export is logged as the system's account, and the command says so.
    assert log.masked and log.rows == 15 and log.user == system_actor() and log.via == "command"
    assert log.filters == {"start": "2023-01-01", "end": "2023-12-31"}


def test_unmasked_needs_a_user_with_the_permission_and_is_logged_when_allowed(year_2023, tmp_path, make_user):
    output = tmp_path / "full.csv"
    args = ["--start", "2023-01-01", "--end", "2023-12-31", "--format", "csv", "--output", str(output), "--unmasked"]
    with pytest.raises(CommandError, match="--user"):
        call_command("export_complaints", *args)
    officer = make_user("officer", groups=[roles.COMPLIANCE_OFFICER])
    with pytest.raises(CommandError, match="unmasked"):
        call_command("export_complaints", *args, "--user", "officer")
    assert not output.exists() and ExportLog.objects.count() == 0

    officer.user_permissions.add(
        Permission.objects.get(codename="view_full_personal_data", content_type__app_label="complaints")
    )
    call_command("export_complaints", *args, "--user", "officer", stdout=StringIO())
    text = output.read_text(encoding="utf-8-sig")
    assert "13800000001" in text
    log = ExportLog.objects.get()
    assert not log.masked and log.user.username == "officer" and log.rows == 15


def test_a_user_without_the_export_permission_is_refused(year_2023, tmp_path, make_user):
    make_user("clerk")
    with pytest.raises(CommandError, match="permission"):
        call_command("export_complaints", "--start", "2023-01-01", "--end", "2023-12-31",
                     "--output", str(tmp_path / "x.csv"), "--user", "clerk")  # fmt: skip


def test_a_cell_starting_with_equals_cannot_execute(tmp_path):
    complaint_import(data=csv_bytes([row(description='=HYPERLINK("http://evil.example","点我")', name="=1+1")]))
    csv_path, xlsx_path = tmp_path / "x.csv", tmp_path / "x.xlsx"
    for path, file_format in ((csv_path, "csv"), (xlsx_path, "xlsx")):
        exports.complaint_export(
            filters={"start": "2023-01-01", "end": "2023-12-31"}, file_format=file_format, target=str(path)
        )
    column = [heading for _field, heading in exports.COLUMNS].index("投诉内容")
    description = _csv_rows(csv_path)[1][column]
    assert description.startswith("'=HYPERLINK")
    sheet = load_workbook(xlsx_path).active
    cell = sheet.cell(row=2, column=column + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_export_log_cannot_be_changed_or_deleted(year_2023, tmp_path):
    exports.complaint_export(filters={}, file_format="csv", target=str(tmp_path / "x.csv"))
    log = ExportLog.objects.get()
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        log.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        ExportLog.objects.filter(pk=log.pk).update(rows=0)


def test_the_exporter_yields_a_header_then_rows_read_in_chunks(year_2023, django_assert_max_num_queries):
    queryset = exports.export_queryset({"start": "2023-01-01", "end": "2023-12-31"})
    rows = exports.export_rows(queryset)
    header = next(rows)
    assert header[0] == "投诉编号" and "投诉内容" in header
    with django_assert_max_num_queries(3):
        assert sum(1 for _row in rows) == 15


def test_bad_dates_and_formats_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="not a date"):
        call_command("export_complaints", "--start", "2023-02-30", "--end", "2023-12-31",
                     "--output", str(tmp_path / "x.csv"))  # fmt: skip
    with pytest.raises(CommandError, match="after"):
        call_command("export_complaints", "--start", "2023-12-31", "--end", "2023-01-01",
                     "--output", str(tmp_path / "x.csv"))  # fmt: skip


def test_changelist_filters_become_export_filters_and_unknown_ones_are_refused(demo):
    from django.http import QueryDict

    filters = exports.filters_from_changelist(
        QueryDict("received_at__year=2023&received_at__month=2&category__exact=sales&o=1&q=TS")
    )
    assert filters == {"start": "2023-02-01", "end": "2023-02-28", "category": "sales", "q": "TS"}
    with pytest.raises(exports.ExportRefused):
        exports.filters_from_changelist(QueryDict("name__icontains=张"))
    with pytest.raises(exports.ExportRefused):
        exports.filters_from_changelist(QueryDict("category__exact=lottery"))


def test_a_large_admin_export_runs_as_a_background_task_with_progress(year_2023, permitted, settings):
    settings.COMPLAINT_EXPORT_INLINE_ROWS = 5
    job = jobs.export_job_start(user=permitted, filters={"start": "2023-01-01"}, file_format="xlsx")
    assert job.state == ExportJob.State.QUEUED and job.rows_total == 15 and job.percent == 0
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [str(job.pk)]
    jobs.export_job_run(str(job.pk))  # what the worker does with it
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.rows_done == 15 and job.percent == 100
    assert jobs.export_file_path(job).is_file()
    assert ExportLog.objects.get().via == "admin"


def test_export_files_are_removed_after_a_week_and_the_log_stays(year_2023, permitted):
    job = jobs.export_job_start(user=permitted, filters={}, file_format="csv")
    path = jobs.export_file_path(job)
    assert path.is_file()
    with time_machine.travel(datetime(2026, 11, 29, 10, 0, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        assert jobs.purge_old_exports() == 1
    job.refresh_from_db()
    assert not path.exists() and jobs.export_file_path(job) is None
    assert ExportLog.objects.count() == 1
