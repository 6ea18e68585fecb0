"""Tables in and out: encodings, header aliases, row numbers, formula neutralisation, XLSX round trip."""

import io

import pytest
from django.utils import translation
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


def test_xlsx_output_keeps_text_that_looks_like_rich_text_markup_as_typed(tmp_path):
    target = tmp_path / "out.xlsx"
    hostile = ["<r><t>fake</t></r>", "<r>a & b < c</r>", "<r></r><sheetData>x</r>", "<r> spaced </r>"]
    xlsx_write(str(target), [("Data", [["text"], *[[text] for text in hostile]])])
    sheet = load_workbook(target).active
    assert [sheet.cell(row=row, column=1).value for row in range(2, 6)] == hostile


def english_error(data, *args, **options) -> str:
    with translation.override("en"):
        with pytest.raises(TableError) as refused:
            read_table(data, "x.csv", ALIASES, ["date", "name"], *args, **options)
        return str(refused.value)


def test_old_excel_xls_is_refused_with_a_hint_to_save_as_xlsx_or_csv():
    message = english_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert "Old Excel (.xls)" in message and ".xlsx or .csv" in message


@pytest.mark.parametrize(
    "data",
    [
        b"date,name\n2023-01-11,\x07bell\n",
        "date,name\n2023-01-11,\ufffd\n".encode(),
        bytes(range(256)) * 20,
    ],
)
def test_text_with_control_characters_or_replacement_characters_is_not_a_table(data):
    assert "neither a CSV" in english_error(data)


def test_the_refusal_is_translated():
    with translation.override("zh-hans"):
        with pytest.raises(TableError) as refused:
            read_table(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "x.xls", ALIASES, ["date"])
        assert "旧版 Excel" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("日期\t姓名\n2023-01-11\t张丹, 王珊珊\n", {"date": "2023-01-11", "name": "张丹, 王珊珊"}),
        ('日期,姓名\n2023-01-11,"张丹\t王珊珊"\n', {"date": "2023-01-11", "name": "张丹\t王珊珊"}),
        ("日期;姓名\n2023-01-11;张丹\n", {"date": "2023-01-11", "name": "张丹"}),
        ("名单\n日期\t姓名\n2023-01-11\t张丹\n", {"date": "2023-01-11", "name": "张丹"}),
    ],
)
def test_the_delimiter_is_the_comma_tab_or_semicolon_the_first_lines_use_most(text, cells):
    rows = read_table(text.encode(), "x.csv", ALIASES, ["date", "name"], header_must_have=["date"])
    assert rows[0].values == cells


def test_header_below_a_title_line_is_found_by_the_columns_it_must_have_and_rows_keep_sheet_numbers():
    data = "2024年接待安排\n\n日期,姓名\n2023-01-11,张丹\n\n2023-02-22,王珊珊\n".encode()
    rows = read_table(data, "x.csv", ALIASES, ["date", "name"], header_must_have=["date", "name"])
    assert [(row.number, row.values["name"]) for row in rows] == [(4, "张丹"), (6, "王珊珊")]


def test_without_a_header_rule_a_title_line_is_taken_as_the_header():
    data = "2024年接待安排\n日期,姓名\n2023-01-11,张丹\n".encode()
    assert "Missing columns" in english_error(data)


def test_header_is_looked_for_only_among_the_first_ten_rows():
    data = ("标题\n" * 10 + "日期,姓名\n2023-01-11,张丹\n").encode()
    message = english_error(data, header_must_have=["date"], labels={"date": "Date", "name": "Name"})
    assert "No header row found" in message and "Date, Name" in message
    found = ("标题\n" * 9 + "日期,姓名\n2023-01-11,张丹\n").encode()
    assert read_table(found, "x.csv", ALIASES, ["date"], header_must_have=["date"])[0].number == 11


def test_missing_columns_are_named_by_their_labels():
    assert "Missing columns: Name." in english_error("日期\n2023-01-11\n".encode(), labels={"name": "Name"})


@pytest.mark.parametrize("header", ["Date,NAME", " 日 期 ,姓名", "da_te,na me", "\u3000日期\u3000,姓名"])
def test_headers_match_whatever_their_case_spaces_or_underscores(header):
    rows = read_table(f"{header}\n2023-01-11,张丹\n".encode(), "x.csv", ALIASES, ["date", "name"])
    assert rows[0].values == {"date": "2023-01-11", "name": "张丹"}


def test_more_rows_than_the_limit_refuses_the_file_and_blank_rows_do_not_count():
    data = ("日期,姓名\n" + "2023-01-11,张丹\n\n" * 3).encode()
    assert len(read_table(data, "x.csv", ALIASES, ["date"], max_rows=3)) == 3
    assert "more than 2 rows" in english_error(data, max_rows=2)


def test_xlsx_with_more_rows_than_the_limit_is_refused():
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "name"])
    for _ in range(4):
        sheet.append(["2023-01-11", "张丹"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert "more than 3 rows" in english_error(buffer.getvalue(), max_rows=3)


def test_a_file_over_the_byte_limit_is_refused_naming_the_limit():
    data = ("日期,姓名\n" + "2023-01-11,张丹\n" * 200).encode()
    assert "larger than 1.0\xa0KB" in english_error(data, max_bytes=1024)
    assert len(read_table(data, "x.csv", ALIASES, ["date"], max_bytes=len(data))) == 200


def test_a_file_of_blank_lines_is_empty():
    assert "empty" in english_error(b"  \r\n\n")


def test_damaged_xlsx_is_refused_as_unreadable():
    assert "XLSX file cannot be read" in english_error(b"PK\x03\x04garbage-not-a-zip")
