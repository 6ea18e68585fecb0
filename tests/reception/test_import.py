import io
from datetime import date, time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from portal.models import Branch
from reception import importer
from reception.models import ReceptionDay

FIXTURES = Path(__file__).parent / "fixtures"
ISO = FIXTURES / "reception_beijing_2023.csv"
PUBLISHED = FIXTURES / "reception_beijing_2023_as_published.csv"
HEADER = "分支机构,接待日期,接待人员,职务,接待电话,接待地点,接待时间,联络人员\n"


def days_as_tuples():
    return sorted(
        (day.branch.slug, day.date, day.start_time, day.end_time, day.receptionist, day.title_zh_hans, day.phone,
         day.place_zh_hans, day.liaison)
        for day in ReceptionDay.objects.select_related("branch")
    )  # fmt: skip


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_reception", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, text: str, name="table.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_published_table_with_year_gives_the_same_twelve_days_as_the_iso_table(demo):
    run(ISO)
    iso_days = days_as_tuples()
    ReceptionDay.objects.all().delete()
    run(PUBLISHED, "--year", "2023")
    assert days_as_tuples() == iso_days
    assert len(iso_days) == 12
    first = ReceptionDay.objects.order_by("date").first()
    assert (first.branch.slug, first.date, first.start_time, first.end_time) == (
        "beijing",
        date(2023, 1, 11),
        time(9, 0),
        time(11, 30),
    )
    assert first.title_en == "General Manager"


def test_importing_twice_leaves_twelve_days_and_reports_them_unchanged(demo):
    run(PUBLISHED, "--year", "2023")
    output = run(PUBLISHED, "--year", "2023")
    assert ReceptionDay.objects.count() == 12
    assert "12" in output
    assert ReceptionDay.objects.filter(branch__slug="beijing").count() == 12


def test_reimport_updates_a_changed_row_in_place(demo, tmp_path):
    run(ISO)
    changed = ISO.read_text(encoding="utf-8").replace("2023-03-15,张丹", "2023-03-15,李四")
    run(write(tmp_path, changed))
    assert ReceptionDay.objects.count() == 12
    assert ReceptionDay.objects.get(date=date(2023, 3, 15)).receptionist == "李四"


def test_impossible_date_refuses_the_whole_file_naming_the_row(demo, tmp_path):
    text = PUBLISHED.read_text(encoding="utf-8").replace("2月22日", "2月30日")
    with translation.override("en"), pytest.raises(CommandError) as refused:
        run(write(tmp_path, text), "--year", "2023")
    message = str(refused.value)
    assert "Row 3" in message and "date" in message and "2月30日" in message
    assert ReceptionDay.objects.count() == 0


def test_refusal_is_in_chinese_by_default(demo, tmp_path):
    text = PUBLISHED.read_text(encoding="utf-8").replace("2月22日", "2月30日")
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        run(write(tmp_path, text), "--year", "2023")
    assert "第 3 行" in str(refused.value)


def test_command_exits_non_zero_on_a_refused_file(demo, tmp_path):
    import subprocess
    import sys

    path = write(tmp_path, HEADER + "北京分公司,2023-02-30,张丹,总经理,010-85921177,某地,上午9:00-11:30,王珊珊\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_reception", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "2023-02-30" in result.stderr


def test_impossible_window_refuses_the_file_naming_row_and_column(demo, tmp_path):
    text = PUBLISHED.read_text(encoding="utf-8").replace("上午9:00-11:30,张颖", "上午9:00-25:30,张颖", 1)
    with translation.override("en"), pytest.raises(CommandError) as refused:
        run(write(tmp_path, text), "--year", "2023")
    assert "Row 6, column time" in str(refused.value)
    assert ReceptionDay.objects.count() == 0


def test_every_bad_row_is_named_not_only_the_first(demo, tmp_path):
    text = HEADER + (
        "北京分公司,2月30日,张丹,总经理,010-85921177,某地,上午9:00-11:30,王珊珊\n"
        ",3月1日,张丹,总经理,010-85921177,某地,上午11:30-9:00,王珊珊\n"
        ",4月1日,张丹,总经理,010-85921177,某地,上午9:00-11:30,王珊珊\n"
    )
    with translation.override("en"):
        parsed = importer.parse(text.encode(), year=2023)
        rows = [(problem.row, problem.column) for problem in parsed.problems]
    assert rows == [(2, "date"), (3, "window")]


def test_published_date_without_year_is_refused_with_a_hint(demo):
    with translation.override("en"):
        parsed = importer.parse(PUBLISHED.read_bytes())
    assert not parsed.ok
    assert "--year" in str(parsed.problems[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上午9:00-11:30", (time(9, 0), time(11, 30))),
        ("下午14:00-16:30", (time(14, 0), time(16, 30))),
        ("下午2:00-4:30", (time(14, 0), time(16, 30))),
        ("09:00-11:30", (time(9, 0), time(11, 30))),
        ("上午９：００－１１：３０", (time(9, 0), time(11, 30))),
        ("上午 9:00 — 11:30", (time(9, 0), time(11, 30))),
        ("上午9:00至下午2:00", (time(9, 0), time(14, 0))),
        ("9:00~11:30", (time(9, 0), time(11, 30))),
    ],
)
def test_time_windows_as_published_are_read(text, expected):
    assert importer.parse_window(text) == expected


@pytest.mark.parametrize("text", ["上午9:00", "25:00-26:00", "11:30-9:00", "9:61-10:00", "全天", ""])
def test_impossible_windows_are_refused(text):
    with pytest.raises(ValueError):
        importer.parse_window(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-11", date(2023, 1, 11)),
        ("2023/1/11", date(2023, 1, 11)),
        ("2023年1月11日", date(2023, 1, 11)),
        ("1月11日", date(2023, 1, 11)),
        (" 1 月 11 日 ", date(2023, 1, 11)),
        ("２０２３－０１－１１", date(2023, 1, 11)),
    ],
)
def test_dates_as_published_or_iso_are_read(text, expected):
    assert importer.parse_date(text, 2023) == expected


def test_utf8_with_bom_and_gb18030_csv_give_the_same_days(demo, tmp_path):
    text = PUBLISHED.read_text(encoding="utf-8")
    run(write(tmp_path, text, "bom.csv", "utf-8-sig"), "--year", "2023")
    expected = days_as_tuples()
    ReceptionDay.objects.all().delete()
    run(write(tmp_path, text.replace("\n", "\r\n"), "excel.csv", "gb18030"), "--year", "2023")
    assert days_as_tuples() == expected
    assert len(expected) == 12


def test_extra_spaces_full_width_signs_and_a_title_line_are_tolerated(demo, tmp_path):
    text = (
        "小康人寿北京分公司2024年总经理接待日安排\n"
        " 分支机构 , 接待日期 ,接待人员,职务,接待电话,接待地点,接待时间,联络人员\n"
        "  北京分公司  , 1月10日 , 张丹 ,总经理, 010－85921177 ,北京市朝阳区　东三环,上午９：００－１１：３０, 王珊珊 \n"
    )
    run(write(tmp_path, text), "--year", "2024")
    day = ReceptionDay.objects.get()
    assert (day.branch.slug, day.date, day.start_time, day.end_time) == (
        "beijing",
        date(2024, 1, 10),
        time(9),
        time(11, 30),
    )
    assert (day.receptionist, day.liaison, day.phone, day.place_zh_hans) == (
        "张丹",
        "王珊珊",
        "010-85921177",
        "北京市朝阳区 东三环",
    )


def test_english_headers_are_accepted(demo, tmp_path):
    text = "Branch,Date,Receptionist,Title,Phone,Place,Time,Liaison\nBeijing Branch,2024-03-13,Zhang Dan,General Manager,010-85921177,Fortune Financial Center,09:00-11:30,Zhang Ying\n"
    run(write(tmp_path, text))
    assert ReceptionDay.objects.get().branch.slug == "beijing"


def test_missing_column_is_refused_naming_it(demo, tmp_path):
    text = "分支机构,接待日期,接待人员,职务,接待电话,接待地点,联络人员\n北京分公司,2024-03-13,张丹,总经理,010-85921177,某地,王珊珊\n"
    with translation.override("en"), pytest.raises(CommandError) as refused:
        run(write(tmp_path, text))
    assert "Missing column" in str(refused.value) and "time" in str(refused.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (bytes(range(256)) * 20, "neither a CSV"),
        (b"PK\x03\x04garbage-not-a-zip", "XLSX file cannot be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Old Excel"),
        (HEADER.encode(), "no rows"),
        (b"name,value\nx,1\n", "No header row"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(demo, tmp_path, content, words):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with translation.override("en"), pytest.raises(CommandError) as refused:
        run(path)
    assert words in str(refused.value)
    assert ReceptionDay.objects.count() == 0


def test_missing_file_is_a_clear_error(demo, tmp_path):
    with translation.override("en"), pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "nope.csv")


def test_first_row_without_branch_is_refused(demo, tmp_path):
    text = HEADER + ",2024-03-13,张丹,总经理,010-85921177,某地,上午9:00-11:30,王珊珊\n"
    with translation.override("en"):
        parsed = importer.parse(text.encode())
    assert [(problem.row, problem.column) for problem in parsed.problems] == [(2, "branch")]


def test_same_branch_and_date_twice_in_a_file_is_refused(demo, tmp_path):
    row = "北京分公司,2024-03-13,张丹,总经理,010-85921177,某地,上午9:00-11:30,王珊珊\n"
    with translation.override("en"):
        parsed = importer.parse((HEADER + row + row).encode())
    assert [(problem.row, problem.column) for problem in parsed.problems] == [(3, "date")]
    assert "row 2" in str(parsed.problems[0])


def test_unknown_branch_is_created_with_an_ascii_slug_and_guessed_province(demo, tmp_path):
    text = HEADER + (
        "内蒙古分公司,2024-03-13,王五,总经理,0471-1234567,呼和浩特,上午9:00-11:30,赵六\n"
        "北京朝阳中心支公司,2024-03-13,王五,总经理,,朝阳区,上午9:00-11:30,赵六\n"
        "总公司营业部,2024-03-13,王五,总经理,,某地,上午9:00-11:30,赵六\n"
    )
    output = run(write(tmp_path, text))
    mongolia = Branch.objects.get(name_zh_hans="内蒙古分公司")
    assert (mongolia.slug, mongolia.province) == ("inner-mongolia", "内蒙古")
    chaoyang = Branch.objects.get(name_zh_hans="北京朝阳中心支公司")
    assert (chaoyang.slug, chaoyang.province) == ("beijing-2", "北京")
    head_office = Branch.objects.get(name_zh_hans="总公司营业部")
    assert head_office.slug.startswith("branch-") and head_office.slug.isascii()
    assert "内蒙古分公司" in output
    run(write(tmp_path, text))
    assert Branch.objects.filter(name_zh_hans="内蒙古分公司").count() == 1


def test_invalid_phone_is_refused(demo, tmp_path):
    text = HEADER + "北京分公司,2024-03-13,张丹,总经理,12345,某地,上午9:00-11:30,王珊珊\n"
    with translation.override("en"):
        parsed = importer.parse(text.encode())
    assert [(problem.row, problem.column) for problem in parsed.problems] == [(2, "phone")]


def test_xlsx_with_merged_branch_cells_and_real_dates_is_imported(demo, tmp_path):
    import xlsxwriter

    path = tmp_path / "table.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER.strip().split(","))
    sheet.merge_range(1, 0, 3, 0, "北京分公司")
    for row, (month, day) in enumerate([(1, 10), (2, 21), (3, 13)], start=1):
        from datetime import datetime

        sheet.write_datetime(row, 1, datetime(2024, month, day), date_format)
        sheet.write_row(row, 2, ["张丹", "总经理", "010-85921177"])
        sheet.write(row, 6, "上午9:00-11:30")
        sheet.write(row, 7, "张颖")
    sheet.merge_range(1, 5, 3, 5, "北京市朝阳区东三环中路5号")
    workbook.close()
    run(path)
    days = list(ReceptionDay.objects.order_by("date"))
    assert [day.date for day in days] == [date(2024, 1, 10), date(2024, 2, 21), date(2024, 3, 13)]
    assert {day.branch.slug for day in days} == {"beijing"}
    assert {day.place_zh_hans for day in days} == {"北京市朝阳区东三环中路5号"}


def test_xlsx_with_published_dates_needs_the_year(demo, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["北京分公司", "1月11日", "张丹", "总经理", "010-85921177", "某地", "上午9:00-11:30", "王珊珊"])
    path = tmp_path / "published.xlsx"
    workbook.save(path)
    run(path, "--year", "2023")
    assert ReceptionDay.objects.get().date == date(2023, 1, 11)


def test_dry_run_writes_nothing(demo):
    output = run(PUBLISHED, "--year", "2023", "--dry-run")
    assert "12" in output
    assert ReceptionDay.objects.count() == 0
