"""Reading and writing tables (CSV and XLSX) for every import and export. One place for the rules:

Reading
- CSV in UTF-8 (with or without the BOM Excel adds) or GB18030 (what Chinese Excel saves as "CSV"), detected by
  trying UTF-8 first; XLSX through openpyxl in read-only mode. Old Excel (.xls), text with control characters or
  undecodable bytes, and anything else are refused as a whole with a clear, translated error.
- The delimiter is a comma, a tab (what copying from Excel gives) or a semicolon: the one the first lines use most.
- The header is the first non-empty row, or, when the caller names columns it must have, the first of the first
  ten rows that has them (published tables often carry a title line above the header).
- Rows come back as dicts keyed by canonical column names (a header alias map turns 接待日期 or received_at into
  the same key; spaces and underscores in headers do not count), each with its 1-based spreadsheet row number,
  so that errors can name the row people see.
- Limits on size (bytes) and on the number of rows are the caller's; the row limit stops reading early.

Writing
- `csv_stream(rows)` yields UTF-8 with a BOM (Excel opens it as UTF-8) and neutralises spreadsheet formulas:
  a cell starting with = + - @ (or a tab/CR) gets a leading apostrophe, so it shows as text and never executes.
- `xlsx_write(path_or_file, sheets)` uses XlsxWriter's constant-memory mode (memory stays flat however many
  rows) and stores every text as a string cell, which Excel never evaluates.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape as xml_escape

import xlsxwriter
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from xlsxwriter.utility import xl_rowcol_to_cell

from portal.privacy import sql_literal

MAX_IMPORT_BYTES = 20 * 1024 * 1024
# How far down a caller-described header is looked for (title lines and blank lines above it).
HEADER_SEARCH_ROWS = 10
_DELIMITERS = (",", "\t", ";")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


class TableError(ValueError):
    """The file as a whole cannot be read (not a table, wrong encoding, no header, missing columns, too big)."""


class ImportRefused(ValueError):
    """An imported file refused whole (every importer is all or nothing): `problems` names every bad row and
    column, each problem printing as one translated sentence (its `row` is None for the file as a whole)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def bad_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems if problem.row is not None})


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (the first line of the file is row 1)
    values: dict[str, str] = field(default_factory=dict)


def _clean_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).replace("\x00", "")
    return text.strip()


def _header_key(text: str) -> str:
    # "Received at", "received_at" and " 接待 日期 " name the same column as "receivedat" and "接待日期".
    return re.sub(r"[\s_\ufeff]+", "", unicodedata.normalize("NFKC", text or "")).lower()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        break
    raise TableError(_("The file is neither a CSV (UTF-8 or GB18030) nor an XLSX table."))


def _looks_like_text(text: str) -> bool:
    # Binary data often decodes as GB18030 by accident; real tables have no control characters and no U+FFFD.
    return "\ufffd" not in text and not any(
        unicodedata.category(char) == "Cc" and char not in "\r\n\t" for char in text
    )


def _delimiter(text: str) -> str:
    head = "\n".join(text[:65536].splitlines()[:HEADER_SEARCH_ROWS])
    return max(_DELIMITERS, key=head.count) if any(mark in head for mark in _DELIMITERS) else ","


def _xlsx_rows(data: bytes) -> Iterator[list]:
    # Imported when a workbook is read, not by every process that imports this module: openpyxl (and numpy,
    # which it imports when installed) cost a web worker or an export about 10 MB it never uses.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise TableError(_("The XLSX file cannot be read.")) from error
    try:
        if not workbook.worksheets:
            raise TableError(_("The XLSX file cannot be read."))
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
            raise TableError(_("The XLSX file cannot be read.")) from error
    finally:
        workbook.close()


def _raw_rows(data: bytes) -> Iterator[list]:
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(_("Old Excel (.xls) files cannot be read: save the table as .xlsx or .csv."))
    return _csv_rows(_decode(data))


def _csv_rows(text: str) -> Iterator[list]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    except csv.Error as error:  # e.g. a cell longer than the csv module's field limit (128 KB)
        raise TableError(_("The CSV file cannot be read (a cell is too long).")) from error


def read_table(
    data: bytes,
    name: str,
    aliases: dict[str, str],
    required: Iterable[str],
    *,
    header_must_have: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> list[Row]:
    """Rows of a CSV/XLSX file as canonical dicts; blank rows are left out. Raises TableError for the whole file.

    `aliases` maps header spellings to keys. `header_must_have` (keys) makes the header the first of the first
    rows that has those columns, skipping a title line above it. `labels` names keys in messages (the key
    itself otherwise). `max_rows` counts the non-blank rows below the header.
    """
    required = list(required)
    header_must_have = list(header_must_have)

    def label(key):
        return str((labels or {}).get(key, key))

    if not data or not data.strip():
        raise TableError(_("The file is empty."))
    if len(data) > max_bytes:
        raise TableError(_("The file is larger than %(size)s.") % {"size": filesizeformat(max_bytes)})
    lookup = {_header_key(alias): key for alias, key in aliases.items()}
    rows = _raw_rows(data)
    try:
        return _rows_below_header(rows, lookup, required, header_must_have, label, max_rows)
    finally:
        rows.close()  # an XLSX workbook is closed even when reading stops early


def _rows_below_header(rows, lookup, required, header_must_have, label, max_rows) -> list[Row]:
    number = 0  # the spreadsheet row of the line last read
    columns = None
    for raw in rows:
        number += 1
        keys = [lookup.get(_header_key(_clean_cell(cell))) for cell in raw]
        if header_must_have:
            if all(key in keys for key in header_must_have):
                columns = keys
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        elif any(_clean_cell(cell) for cell in raw):
            columns = keys
            break
    if columns is None:
        if header_must_have:
            raise TableError(
                _("No header row found: the table needs the columns %(columns)s.")
                % {"columns": ", ".join(label(key) for key in required)}
            )
        raise TableError(_("The file has no header row."))
    missing = [key for key in required if key not in columns]
    if missing:
        raise TableError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(label(key) for key in missing)})
    result = []
    for raw in rows:
        number += 1
        cells = [_clean_cell(cell) for cell in raw]
        if not any(cells):
            continue
        if max_rows is not None and len(result) >= max_rows:
            raise TableError(_("The file has more than %(count)s rows.") % {"count": max_rows})
        values = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(columns) if key}
        result.append(Row(number=number, values=values))
    return result


def neutralise_formula(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers and dates pass."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_stream(rows: Iterable[Iterable]) -> Iterator[bytes]:
    """UTF-8 with BOM, formula-safe, one encoded line at a time (for a StreamingHttpResponse or a file)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff".encode()
    for row in rows:
        writer.writerow([neutralise_formula(cell) for cell in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate(0)


class Percent(float):
    """A share (0.25) that a workbook shows as a percentage (25.0%)."""


DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def xlsx_write(target, sheets: Iterable[tuple[str, Iterable[Iterable]]]) -> None:
    """Write (sheet name, rows) pairs; the first row of each is its header, frozen and with an autofilter.
    Strings are never formulas; dates and times (naive, as the reader should see them) are real date cells
    with a format, and Percent values are percentages."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "in_memory": False,
            "remove_timezone": True,
        },
    )
    bold = workbook.add_format({"bold": True})
    formats = {
        "date": workbook.add_format({"num_format": DATE_FORMAT}),
        "datetime": workbook.add_format({"num_format": DATETIME_FORMAT}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
    }
    for title, rows in sheets:
        sheet = workbook.add_worksheet(title[:31])
        sheet.freeze_panes(1, 0)
        last_row = last_column = 0
        for index, row in enumerate(rows):
            if index == 0:
                header = [_xlsxwriter_cell(cell) for cell in row]
                sheet.write_row(0, 0, header, bold)
                last_column = max(len(header) - 1, 0)
                continue
            for column, cell in enumerate(row):
                _write_cell(sheet, index, column, cell, formats)
            last_row = index
        sheet.autofilter(0, 0, last_row, last_column)
    workbook.close()


def _write_cell(sheet, row: int, column: int, value, formats) -> None:
    if isinstance(value, datetime):
        sheet.write_datetime(row, column, value, formats["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value, formats["date"])
    elif isinstance(value, Percent):
        sheet.write_number(row, column, float(value), formats["percent"])
    else:
        sheet.write(row, column, _xlsxwriter_cell(value))


def _xlsxwriter_cell(value):
    """A cell as XlsxWriter should get it. In constant-memory mode it writes a string that starts with `<r>` and
    ends with `</r>` into the sheet as raw rich-text XML, so such text typed by a consumer would break the file
    or inject markup; it is handed over as one escaped rich-text run instead, which shows the same text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("<r>") and value.endswith("</r>"):
        return '<r><t xml:space="preserve">' + xml_escape(value) + "</t></r>"
    return value


# The same writing rules as PostgreSQL expressions, for exports that PostgreSQL writes itself (COPY … TO STDOUT).
# `column` is an SQL expression for a text (never NULL, unless `nullable`); it is repeated, so it should be a
# column or cheap. `plain`: the text can hold no formula character, no character XML or Excel would escape and
# no surrounding space (a date, a masked phone number). `nullable`: NULL stands for an empty cell and the text is
# never empty. The SQL has no `%` (it is combined with psycopg2 parameters). Tests compare the files both ways.


def sql_csv_cell(column: str, *, plain: bool = False, nullable: bool = False) -> str:
    """A cell for COPY … (FORMAT csv): formulas neutralised as neutralise_formula does, and NULL for an empty
    text (COPY writes NULL as nothing and an empty string as "", where csv.writer writes nothing for both)."""
    if plain:
        return column if nullable else f"NULLIF({column}, '')"
    # Compared as code points (ascii() gives the first character's, 0 for an empty text): cheaper than text.
    codes = ", ".join(str(ord(prefix)) for prefix in _FORMULA_PREFIXES)
    return f"CASE WHEN ascii({column}) IN ({codes}) THEN '''' || {column} ELSE NULLIF({column}, '') END"


# Characters XlsxWriter (constant-memory mode) writes as Excel's _xHHHH_ escapes; tab and newline stay.
_EXCEL_ESCAPED = [chr(code) for code in (*range(0x01, 0x09), *range(0x0B, 0x20), 0xFFFE, 0xFFFF)]


def sql_xlsx_text(column: str) -> str:
    """A cell text as XML character data, as xlsx_write stores it: an `_xHHHH_` already there gets its
    underscore escaped and control characters become `_xHHHH_` (XML 1.0 cannot hold them); & < > are escaped
    and a newline becomes a character reference (so that a row of XML is one line of COPY output)."""
    escaped = f"regexp_replace({column}, '(_x[0-9a-fA-F]{{4}}_)', '_x005F\\1', 'g')"
    for char in _EXCEL_ESCAPED:
        escaped = f"replace({escaped}, {sql_literal(char)}, '_x{ord(char):04X}_')"
    control = sql_literal("[" + "".join(_EXCEL_ESCAPED) + "]")
    text = f"CASE WHEN strpos({column}, '_x') > 0 OR {column} ~ {control} THEN {escaped} ELSE {column} END"
    markup = (
        f"replace(replace(replace(replace({text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), "
        f"{sql_literal(chr(10))}, '&#10;')"
    )
    # Most texts hold none of these: one match decides, and only the others go through the replacements.
    return f"CASE WHEN {column} ~ {sql_literal(_XLSX_NEEDS_ESCAPING)} THEN {markup} ELSE {column} END"


_XLSX_NEEDS_ESCAPING = "[" + "".join(_EXCEL_ESCAPED) + "&<>\n]|_x"


def sql_xlsx_clean(columns: list[str]) -> str:
    """True when none of the texts `columns` (a row's) needs sql_xlsx_text's escaping: one match over them all,
    joined by spaces (which neither `_x` nor a character of the class crosses; a false alarm only means the
    texts are tested one by one). An empty list: true."""
    if not columns:
        return "TRUE"
    return f"NOT (concat_ws(' ', {', '.join(columns)}) ~ {sql_literal(_XLSX_NEEDS_ESCAPING)})"


def sql_xlsx_cell(column: str, *, plain: bool = False, nullable: bool = False, clean: str | None = None) -> str:
    """An inline-string cell, or an empty cell `<c/>` for an empty text (xlsx_write writes nothing there; both
    read as blank). Cells carry no reference (`r` is optional): they are all there, in order. `clean`: an SQL
    condition under which the text needs no escaping (sql_xlsx_clean of the row's texts), tested first."""
    start = sql_literal('<c t="inlineStr"><is><t>' if plain else '<c t="inlineStr"><is><t xml:space="preserve">')
    text = column if plain else sql_xlsx_text(column)
    if clean is not None and not plain:
        text = f"CASE WHEN {clean} THEN {column} ELSE {text} END"
    if nullable:
        return f"coalesce({start} || {text} || '</t></is></c>', '<c/>')"
    return f"CASE WHEN {column} = '' THEN '<c/>' ELSE {start} || {text} || '</t></is></c>' END"


def sql_xlsx_number(column: str) -> str:
    """A number cell from the text of a number (never NULL)."""
    return f"'<c><v>' || {column} || '</v></c>'"


# Cell styles of xlsx_write_streamed's workbook (xl/styles.xml below): 1 bold, 2 a day, 3 a day and a time.
_XLSX_STYLE_DATE, _XLSX_STYLE_DATETIME = 2, 3


def sql_xlsx_date(serial: str, *, with_time: bool) -> str:
    """A date cell from the text of its serial number (days since 1899-12-30), or `<c/>` when it is NULL."""
    style = _XLSX_STYLE_DATETIME if with_time else _XLSX_STYLE_DATE
    return f"coalesce('<c s=\"{style}\"><v>' || {serial} || '</v></c>', '<c/>')"


def sql_xlsx_row(cells: list[str]) -> str:
    """A `<row>` of sheet XML from sql_xlsx_cell expressions (no reference either: rows follow each other)."""
    return "'<row>' || " + " || ".join(cells) + " || '</row>'"


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
        f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def xlsx_write_streamed(target, title: str, header: list[str], write_rows) -> None:
    """A one-sheet XLSX whose data rows come as ready sheet XML: `write_rows(stream)` writes `<row>` elements
    (e.g. COPY output built with sql_xlsx_cell) into the zip member as they come, so memory stays flat, and
    returns how many. The header row is bold, frozen and filtered, as in xlsx_write; text cells are inline
    strings, which Excel never evaluates, and dates use the styles of sql_xlsx_date."""
    workbook = (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        f'<sheet name="{xml_escape(title[:31], {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    cells = "".join(
        f'<c s="1" t="inlineStr"><is><t xml:space="preserve">{xml_escape(text)}</t></is></c>' for text in header
    )
    start = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews>'
        f"<sheetData><row>{cells}</row>"
    )
    # Level 1: the sheet XML is very repetitive (about a tenth after compression either way), and a higher
    # level costs several times the CPU for a few per cent of size.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, xml in (*_XLSX_PARTS.items(), ("xl/workbook.xml", workbook)):
            package.writestr(name, _XML_DECLARATION + xml)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((_XML_DECLARATION + start).encode())
            rows = write_rows(sheet)
            last = xl_rowcol_to_cell(rows or 0, max(len(header) - 1, 0))
            sheet.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())
