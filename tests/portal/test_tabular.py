"""Tables in and out: encodings, header aliases, row numbers, formula neutralisation, XLSX round trip."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from portal.tabular import TableError, csv_stream, read_table, xlsx_write

ALIASES = {"date": "date", "日期": "date", "name": "name", "姓名": "name"}


def test_utf8_csv_with_bom_and_chinese_headers_reads_with_row_numbers():
    data = "\ufeff日期,姓名\n2023-01-11,张丹\n\n2023-02-22,王珊珊\n".encode()
    rows = read_table(data, "x.csv", ALIASES, ["date", "name"])
    assert [(row.number, row.values) for row in rows] == [
        (2, {"date": "2023-01-11", "name": "张丹"}),
        (4, {"date": "2023-02-22", "name": "王珊珊"}),
    ]


def test_gb18030_csv_from_chinese_excel_reads_the_same():
    data = "日期,姓名\n2023-01-11,张丹\n".encode("gb18030")
    assert read_table(data, "x.csv", ALIASES, ["date"])[0].values["name"] == "张丹"


def test_xlsx_reads_dates_and_numbers_as_text():
    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Name"])
    sheet.append(["2023-01-11", 12345.0])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read_table(buffer.getvalue(), "x.xlsx", ALIASES, ["date", "name"])
    assert rows[0].values == {"date": "2023-01-11", "name": "12345"}


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01\x02garbage\xff\xfe", b"PK\x03\x04not really a zip", "姓名\n张丹\n".encode()]
)
def test_unreadable_empty_or_incomplete_files_are_refused_as_a_whole(data):
    with pytest.raises(TableError):
        read_table(data, "x.csv", ALIASES, ["date", "name"])


def test_csv_output_has_a_bom_and_cannot_run_formulas():
    rows = [["name", "note", "count"], ['=HYPERLINK("http://x")', "+1", -5], ["@SUM(A1)", "ok", 3]]
    text = b"".join(csv_stream(rows)).decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK" in text and "'+1" in text and "'@SUM" in text
    assert ",-5\r\n" in text


def test_xlsx_output_stores_formula_like_text_as_plain_strings(tmp_path):
    target = tmp_path / "out.xlsx"
    xlsx_write(str(target), [("Data", [["a", "b"], ["=1+1", 2]])])
    sheet = load_workbook(target).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 2
