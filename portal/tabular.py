"""Reading and writing tables (CSV and XLSX) for every import and export. One place for the rules:

Reading
- CSV in UTF-8 (with or without the BOM Excel adds) or GB18030 (what Chinese Excel saves as "CSV"), detected by
  trying UTF-8 first; XLSX through openpyxl in read-only mode. Any other content is refused with a clear error.
- Rows come back as dicts keyed by canonical column names (a header alias map turns 接待日期 or received_at into
  the same key), each with its 1-based spreadsheet row number, so that errors can name the row people see.

Writing
- `csv_stream(rows)` yields UTF-8 with a BOM (Excel opens it as UTF-8) and neutralises spreadsheet formulas:
  a cell starting with = + - @ (or a tab/CR) gets a leading apostrophe, so it shows as text and never executes.
- `xlsx_write(path_or_file, sheets)` uses XlsxWriter's constant-memory mode (memory stays flat however many
  rows) and stores every text as a string cell, which Excel never evaluates.
"""

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

MAX_IMPORT_BYTES = 20 * 1024 * 1024
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


class TableError(ValueError):
    """The file as a whole cannot be read (not a table, wrong encoding, no header, missing columns)."""


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (the header is row 1)
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
    return unicodedata.normalize("NFKC", text or "").strip().lower().replace(" ", "_").lstrip("\ufeff")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise TableError(_("The file is not a readable CSV (UTF-8 or GB18030) or XLSX table."))


def _raw_rows(data: bytes, name: str) -> Iterator[list]:
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise TableError(_("The XLSX file cannot be opened.")) from error
        sheet = workbook.worksheets[0]
        try:
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
        return
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as error:  # e.g. a cell longer than the csv module allows (128 KB)
        raise TableError(_("The CSV file cannot be read (a cell is too long).")) from error


def read_table(data: bytes, name: str, aliases: dict[str, str], required: Iterable[str]) -> list[Row]:
    """Rows of a CSV/XLSX file as canonical dicts. `aliases` maps header spellings (lower case) to keys."""
    if not data:
        raise TableError(_("The file is empty."))
    if len(data) > MAX_IMPORT_BYTES:
        raise TableError(_("The file is larger than 20 MB."))
    rows = _raw_rows(data, name)
    header = None
    for raw in rows:
        if any(_clean_cell(cell) for cell in raw):
            header = raw
            break
    if header is None:
        raise TableError(_("The file has no header row."))
    lookup = {_header_key(alias): key for alias, key in aliases.items()}
    columns = [lookup.get(_header_key(_clean_cell(cell))) for cell in header]
    missing = [key for key in required if key not in columns]
    if missing:
        raise TableError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    result = []
    # csv.reader and openpyxl both count from the header; the header is spreadsheet row 1 only when nothing is
    # above it, so count the lines actually read.
    number = 1
    for raw in rows:
        number += 1
        cells = [_clean_cell(cell) for cell in raw]
        if not any(cells):
            continue
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


def xlsx_write(target, sheets: Iterable[tuple[str, Iterable[Iterable]]]) -> None:
    """Write (sheet name, rows) pairs; the first row of each is its header. Strings are never formulas."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "in_memory": False},
    )
    bold = workbook.add_format({"bold": True})
    for title, rows in sheets:
        sheet = workbook.add_worksheet(title[:31])
        for index, row in enumerate(rows):
            # With strings_to_formulas off, text is stored as a string cell: it cannot execute.
            sheet.write_row(index, 0, ["" if cell is None else cell for cell in row], bold if index == 0 else None)
    workbook.close()
