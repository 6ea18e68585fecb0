"""Masked exports on PostgreSQL are written by COPY from one SELECT that formats every cell; the file must read
exactly as the Python writer's (export_rows + write_rows), whatever the text holds."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from complaints.compliance import exports
from complaints.compliance.exports import copy as export_copy
from complaints.compliance.models import ExportLog
from complaints.models import Channel, Complaint, Outcome, Status
from portal.models import Branch
from portal.privacy import (
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    scrub_text,
    sql_mask_email,
    sql_mask_id_number,
    sql_mask_name,
    sql_mask_phone,
    sql_scrub_text,
)

pytestmark = pytest.mark.django_db

RULES = [
    (mask_phone, sql_mask_phone),
    (mask_id_number, sql_mask_id_number),
    (mask_email, sql_mask_email),
    (mask_name, sql_mask_name),
    (scrub_text, sql_scrub_text),
]
EDGE_CASES = [
    None, "", " ", "\t", "a", "ab", "1234567", "12345678", "123456789", "13812345678", "+8613812345678",
    "+86 138-1234-5678", "+86138 1234567", "8613812345678", "+861381234567", "+86138123456789", "+86+3812345678", "010-85921177",
    "+861085921177", "+864008156688", "+12025550123", "+44 20 7946 0958", "(0)20 7946", "１３８１２３４５６７８",
    "张", "张三", "欧阳娜娜", " 张三 ", "张\u3000三", "John", "John Smith", "  John   Smith  ", "John\tSmith\n",
    "J\x1cS", "Jöhn Smith", "O'Brien-Smith Jr.", "a@", "@", "@x", "@x.com", "z@a.com", "zhang.san@example.com",
    "a@b@c", "no-at-sign-here", "short", "110101199003071234", " 110101199003071234 ", "E12345678", "E1234",
    "=1+1", "😀😀😀😀😀😀😀😀😀", "a\u0301bc", "请打13812345678或010-85921177", "卡号6222 0202 0000 1234 567",
    "身份证11010519491231002X,邮箱li.si+x@mail.example.cn", "138-1234-5678 和 138 1234 5678", "2024年1月31日",
]  # fmt: skip
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
PHONE_LIKE = st.from_regex(r"\A\+?(86)?[0-9 ()\-]{0,16}\Z")
EMAIL_LIKE = st.builds(lambda local, domain: f"{local}@{domain}", TEXT, TEXT)
ASCII_WORDS = st.lists(st.text(alphabet=" \t\x0bAbz.-'", max_size=8), max_size=4).map(" ".join)


def _sql_results(sql_rule, values: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql_rule('v.x')} FROM unnest(%s::text[]) WITH ORDINALITY AS v (x, n) ORDER BY v.n",  # noqa: S608
            [values],
        )
        return [value for (value,) in cursor.fetchall()]


def test_each_masking_rule_gives_the_same_text_in_sql_and_python_for_edge_cases():
    for python_rule, sql_rule in RULES:
        assert _sql_results(sql_rule, EDGE_CASES) == [python_rule(value) for value in EDGE_CASES], python_rule


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(TEXT, PHONE_LIKE, EMAIL_LIKE, ASCII_WORDS), min_size=1, max_size=40))
@example(["+8613812345678", "x@y", " J  S "])
def test_each_masking_rule_gives_the_same_text_in_sql_and_python_for_any_text(values):
    for python_rule, sql_rule in RULES:
        assert _sql_results(sql_rule, values) == [python_rule(value) for value in values], python_rule


HOSTILE = [
    "=HYPERLINK(\"http://evil\",\"x\")", "+86 call me", "-1", "@SUM(A1)", "\tstarts with a tab", "\rstarts with CR",
    "＝全角等号", "＋全角", "－", "＠", 'a "quoted" word', "comma, and; semicolon", "line one\nline two",
    "crlf\r\nline", "bell\x07 and \x01 and \x1f and \x0b\x0c", "_x0041_ looks escaped", "emoji 😀👍🏽 and 汉字",
    "<b>bold</b> & <script>alert(1)</script> &amp;", "  surrounded by spaces  ", "\u3000全角空格\u3000", "'apostrophe",
    "", "back\\slash \\. and \\N", "\ufffe\uffff nonchars", "tab\tinside", "x" * 3000,
]  # fmt: skip


def _hostile_complaints() -> list[Complaint]:
    branch = Branch.objects.create(name='=Branch, "quoted"', slug="hostile-branch", province="北京")
    base = datetime(2024, 3, 1, 16, 30, tzinfo=UTC)
    statuses, outcomes, channels = list(Status), [*Outcome, ""], list(Channel)
    complaints = []
    for index, text in enumerate(HOSTILE * 2):
        complaints.append(
            Complaint(
                tracking_number=f"TS-TEST-{index:04d}",
                # Out of insertion order, with ties, so that the id breaks them; one in the 1988 summer time.
                received_at=datetime(1988, 7, 1, 12, 0, tzinfo=UTC)
                if index == 7
                else base + timedelta(hours=(index * 7919) % 50),
                source=("regulator", "platform", "self")[index % 3],
                regulator_ref=text[:60] if index % 2 else "",
                platform_ref=f"{index}:{text[:50]}" if index % 3 == 1 else "",
                channel=channels[index % len(channels)],
                business_channel="" if index % 4 == 0 else "agency",
                category="claims",
                province="" if index % 5 == 0 else "广东",
                branch=branch if index % 2 else None,
                name=[text[:100], "张三丰", "John  Smith", "=x"][index % 4] or "李",
                phone=["+8613812345678", "+861085921177", "+12025550123", "abc"][index % 4],
                email=[text, "", "zhang@example.com", "@x"][index % 4][:254],
                id_number=text[:40],
                description=text or "空",
                status=statuses[index % len(statuses)],
                due_date=date(2024, 3, 16) if index % 3 else None,
                decided_at=base + timedelta(days=3, hours=index) if index % 2 else None,
                outcome=outcomes[index % len(outcomes)],
                # Several issues (labels joined in their order) and first contact, the same both ways.
                secondary_categories=[[], ["sales", "service"], ["other"]][index % 3],
                resolved_at_first_contact=index % 5 == 2,
            )
        )
    return Complaint.objects.bulk_create(complaints)


def _python_file(file_format, path):
    rows = exports.export_rows(exports.export_queryset({}), masked=True)
    exports.write_rows(rows, file_format, str(path))


def _csv_rows(path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _xlsx_rows(path) -> list[list[str]]:
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["投诉数据"]
    rows = [["" if value is None else value for value in row] for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    return [row[: max((i + 1 for i, value in enumerate(row) if value != ""), default=0)] for row in rows]


def test_copy_csv_reads_exactly_as_the_python_csv_for_hostile_text(tmp_path):
    _hostile_complaints()
    fast, slow = tmp_path / "fast.csv", tmp_path / "slow.csv"
    assert exports.copy_export(exports.export_queryset({}), "csv", str(fast)) == len(HOSTILE) * 2
    _python_file("csv", slow)
    fast_rows, slow_rows = _csv_rows(fast), _csv_rows(slow)
    assert len(fast_rows) == len(HOSTILE) * 2 + 1
    assert fast_rows == slow_rows
    # Formulas are neutralised, oldest first (the 1988 complaint, in Beijing summer time, +9 h).
    assert fast_rows[1][1] == "1988-07-01 21:00"
    assert "'=HYPERLINK" in {cell[:11] for row in fast_rows for cell in row}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in fast_rows for cell in row)


def test_copy_csv_leaves_empty_cells_unquoted_and_ends_lines_with_lf(tmp_path):
    _hostile_complaints()
    fast = tmp_path / "fast.csv"
    exports.copy_export(exports.export_queryset({}), "csv", str(fast))
    data = fast.read_bytes()
    header, first = data.split(b"\n")[:2]
    assert header == "\ufeff".encode() + ",".join(heading for _field, heading in exports.COLUMNS).encode()
    assert not header.endswith(b"\r") and not first.endswith(b"\r")
    # TS-TEST-0000 has no regulator reference: nothing between the commas, not "".
    assert "\nTS-TEST-0000,2024-03-02 00:30,监管转办,,".encode() in data
    assert b',"",' not in data and b",," in data


def test_copy_xlsx_reads_exactly_as_the_python_xlsx_for_hostile_text(tmp_path):
    _hostile_complaints()
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    assert exports.copy_export(exports.export_queryset({}), "xlsx", str(fast)) == len(HOSTILE) * 2
    _python_file("xlsx", slow)
    fast_rows = _xlsx_rows(fast)
    assert len(fast_rows) == len(HOSTILE) * 2 + 1
    assert fast_rows == _xlsx_rows(slow)
    # Text stays text: a formula-looking cell is a string, never a formula, and the header is bold, frozen and
    # filtered; moments and days are date cells with a format, as in the Python writer's file.
    workbook = load_workbook(fast)
    sheet = workbook["投诉数据"]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert (
        sheet.freeze_panes == "A2"
        and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(exports.COLUMNS)).column_letter}{len(HOSTILE) * 2 + 1}"
    )
    headings = [heading for _field, heading in exports.COLUMNS]
    dated = {headings.index(name) for name in ("接收时间", "办理期限", "办结日期", "结案日期")}
    numbers = {headings.index("延期次数")}
    for row in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row):
            if cell.value is None:
                continue
            expected = "d" if index in dated else "n" if index in numbers else "s"
            assert cell.data_type == expected, (headings[index], cell.value)
    assert sheet.cell(2, 2).number_format == "yyyy-mm-dd hh:mm" and sheet.cell(2, 2).value == datetime(
        1988, 7, 1, 21, 0
    )
    assert load_workbook(slow)["投诉数据"].cell(2, 2).number_format == "yyyy-mm-dd hh:mm"


def test_copy_xlsx_sheet_is_well_formed_xml_streamed_into_the_zip(tmp_path):
    from xml.etree import ElementTree

    _hostile_complaints()
    path = tmp_path / "fast.xlsx"
    exports.copy_export(exports.export_queryset({}), "xlsx", str(path))
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        sheet = ElementTree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    namespace = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rows = sheet.find(f"{namespace}sheetData").findall(f"{namespace}row")
    assert len(rows) == len(HOSTILE) * 2 + 1
    assert {len(row) for row in rows} == {len(exports.COLUMNS)}


def test_masked_exports_on_postgresql_go_through_copy_and_unmasked_ones_through_python():
    queryset = exports.export_queryset({})
    assert exports.copy_applies(queryset, masked=True)
    assert not exports.copy_applies(queryset, masked=False)


def test_the_command_export_is_written_by_copy_counted_and_logged(tmp_path):
    from django.core.management import call_command

    _hostile_complaints()
    path = tmp_path / "all.xlsx"
    call_command("export_complaints", "--start=1980-01-01", "--end=2030-12-31", "--format=xlsx", f"--output={path}")
    with zipfile.ZipFile(path) as package:
        # Only the parts the streamed writer makes (XlsxWriter would add docProps/).
        assert not any(name.startswith("docProps/") for name in package.namelist())
    assert ExportLog.objects.get().rows == len(HOSTILE) * 2


def test_inside_a_transaction_a_copy_export_reports_its_progress_once_at_the_end(tmp_path, monkeypatch):
    _hostile_complaints()
    monkeypatch.setattr(export_copy, "COPY_BATCH_ROWS", 10)
    seen = []
    count = exports.complaint_export(
        filters={}, file_format="csv", target=str(tmp_path / "p.csv"), progress=seen.append, via="command"
    )
    assert count == len(HOSTILE) * 2
    assert seen == [count]


def test_copy_export_follows_the_filters_of_the_python_export(tmp_path):
    _hostile_complaints()
    raw = {"start": "2024-03-02", "end": "2024-03-02", "branch": "hostile-branch", "q": "ts-test-00%", "deadline": ""}
    assert exports.copy_export(exports.export_queryset(exports.clean_filters(raw)), "csv", str(tmp_path / "q.csv")) == 0
    filters = exports.clean_filters(
        {"start": "2024-03-02", "end": "2024-03-02", "branch": "hostile-branch", "q": "st-00"}
    )
    queryset = exports.export_queryset(filters)
    path = tmp_path / "some.csv"
    count = exports.copy_export(queryset, "csv", str(path))
    assert 0 < count < len(HOSTILE) * 2
    assert count == queryset.count() == len(_csv_rows(path)) - 1


@pytest.mark.django_db(transaction=True)
def test_a_background_export_commits_its_progress_while_copy_streams_and_leaves_the_session_as_it_was(
    tmp_path, monkeypatch, supervisor
):
    import psycopg2
    from django.conf import settings

    from complaints.compliance.models import ExportJob

    _hostile_complaints()
    monkeypatch.setattr(export_copy, "COPY_BATCH_ROWS", 10)
    job = ExportJob.objects.create(user=supervisor, filters={}, file_format="csv", masked=True, rows_total=52)
    database = settings.DATABASES["default"]
    seen_elsewhere = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')")
        before = cursor.fetchone()
    other = psycopg2.connect(
        dbname=database["NAME"], user=database["USER"], password=database["PASSWORD"],
        host=database["HOST"], port=database["PORT"],
    )  # fmt: skip
    try:

        def progress(done):
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
            with other.cursor() as cursor:
                cursor.execute("SELECT rows_done FROM complaints_exportjob WHERE id = %s", [str(job.pk)])
                seen_elsewhere.append(cursor.fetchone()[0])

        exports.complaint_export(filters={}, file_format="csv", target=str(tmp_path / "job.csv"), user=supervisor,
                                 via="admin", progress=progress)  # fmt: skip
    finally:
        other.close()
    assert seen_elsewhere[:2] == [10, 20] and seen_elsewhere[-1] == len(HOSTILE) * 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == before
    assert ExportLog.objects.get().rows == len(HOSTILE) * 2


@pytest.mark.django_db(transaction=True)
def test_a_large_csv_export_computed_in_parts_side_by_side_is_the_same_file_as_one_copy(
    tmp_path, monkeypatch, settings
):
    """Cut at rows whose receipt times tie (the id orders them), the parts, each computed on its own connection
    and appended in order, give byte for byte the file of one COPY; progress ends at the whole count."""
    _hostile_complaints()
    monkeypatch.setattr(export_copy, "PARALLEL_MIN_ROWS", 1)
    queryset = exports.export_queryset({})
    settings.PORTAL_EXPORT_PARTS = 1
    whole = tmp_path / "whole.csv"
    assert exports.copy_export(queryset, "csv", str(whole)) == len(HOSTILE) * 2
    settings.PORTAL_EXPORT_PARTS = 3
    parts = export_copy._parts(queryset)
    assert [part.count() for part in parts] == [len(HOSTILE) * 2 // 3] * 2 + [
        len(HOSTILE) * 2 - 2 * (len(HOSTILE) * 2 // 3)
    ]
    seen = []
    cut = tmp_path / "cut.csv"
    assert exports.copy_export(queryset, "csv", str(cut), progress=seen.append) == len(HOSTILE) * 2
    assert cut.read_bytes() == whole.read_bytes()
    assert seen[-1] == len(HOSTILE) * 2


def test_inside_a_transaction_an_export_is_one_copy_whatever_its_size(monkeypatch, settings):
    """Other connections cannot see what the caller's transaction wrote: the export is then not cut."""
    _hostile_complaints()
    monkeypatch.setattr(export_copy, "PARALLEL_MIN_ROWS", 1)
    settings.PORTAL_EXPORT_PARTS = 3
    assert len(export_copy._parts(exports.export_queryset({}))) == 1
