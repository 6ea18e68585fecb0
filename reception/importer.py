"""Reading a reception schedule as branches publish it: CSV (UTF-8 with or without BOM, or GB18030 as Excel in
China saves it) or XLSX, with the published Chinese headers or English ones. The file is read by
`portal.tabular.read_table` (encodings, delimiters, the header below a title line, size limits); this module
adds what is particular to schedules: cells merged down a column, published dates and time windows.

Parsing is pure (no database): it yields `ScheduleRow`s or a list of `ImportProblem`s naming the row and the
column. The whole file is refused when any row is wrong; `services.reception_import` writes nothing until the
file is clean.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from portal.phones import validate_phone
from portal.tabular import TableError, read_table

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

# Column key → accepted headers (compared after removing spaces, case-insensitive).
COLUMNS = {
    "branch": ("分支机构", "分公司", "机构", "branch"),
    "date": ("接待日期", "日期", "date"),
    "receptionist": ("接待人员", "接待人", "receptionist"),
    "title": ("职务", "title", "position"),
    "phone": ("接待电话", "电话", "phone", "telephone"),
    "place": ("接待地点", "地点", "place", "location"),
    "window": ("接待时间", "时间", "time", "timewindow", "hours"),
    "liaison": ("联络人员", "联络人", "liaison", "contact"),
    "notes": ("备注", "notes", "note"),
}
COLUMN_LABELS = {
    "branch": gettext_lazy("branch"),
    "date": gettext_lazy("date"),
    "receptionist": gettext_lazy("receptionist"),
    "title": pgettext_lazy("job", "title"),
    "phone": gettext_lazy("phone"),
    "place": gettext_lazy("place"),
    "window": gettext_lazy("time"),
    "liaison": gettext_lazy("liaison"),
    "notes": gettext_lazy("notes"),
}
REQUIRED = ("branch", "date", "receptionist", "place", "window")
# A cell merged over several rows in the published table is given once and left blank below: these columns
# take the value from the row above when blank. The date never does: every row is its own day.
FILLED_DOWN = ("branch", "receptionist", "title", "phone", "place", "window", "liaison")


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # the spreadsheet row number (the header is row 1); None for the whole file
    column: str | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": COLUMN_LABELS.get(self.column, self.column),
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ScheduleRow:
    row: int
    branch: str
    date: date
    start_time: time
    end_time: time
    receptionist: str
    title: str = ""
    phone: str = ""
    place: str = ""
    liaison: str = ""
    notes: str = ""


@dataclass
class ParseResult:
    rows: list[ScheduleRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _clean(value) -> str:
    """A cell as text: None → "", ideographic and repeated spaces collapsed, ends stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


# --- dates and windows -----------------------------------------------------------------------------------------

# An XLSX date cell reads as "2024-01-10 00:00:00": the time of day, if any, is dropped.
_ISO_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_PUBLISHED_DATE = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_PERIOD = r"(上午|中午|下午|晚上|AM|PM|am|pm)?"
_WINDOW = re.compile(
    rf"^{_PERIOD}\s*(\d{{1,2}})\s*[:.]\s*(\d{{2}})\s*(?:-|~|至|到)\s*{_PERIOD}\s*(\d{{1,2}})\s*[:.]\s*(\d{{2}})$"
)
_DASHES = str.maketrans({"–": "-", "—": "-", "―": "-", "−": "-", "〜": "~", "～": "~", "﹣": "-"})


def parse_date(value, year: int | None) -> date:
    """2023-01-11, 2023/1/11, 2023年1月11日, or 1月11日 as published (the year then comes from `year`)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", _clean(value)).translate(_DASHES).replace(" ", "")
    if not text:
        raise ValueError(_("The date is missing."))
    if match := _ISO_DATE.match(text):
        numbers = [int(part) for part in match.groups()]
    elif match := _PUBLISHED_DATE.match(text):
        if year is None:
            raise ValueError(_("“%(value)s” has no year: give the year (--year).") % {"value": text})
        numbers = [year, int(match.group(1)), int(match.group(2))]
    else:
        raise ValueError(_("“%(value)s” is not a date (expected 2023-01-11 or 1月11日).") % {"value": text})
    try:
        return date(*numbers)
    except ValueError:
        raise ValueError(_("“%(value)s” does not exist in the calendar.") % {"value": text}) from None


def _hour(period: str | None, hour: int) -> int:
    # 下午2:00 means 14:00; 下午14:00 is already 14:00; 中午12:30 stays 12:30.
    if period in ("下午", "晚上", "PM", "pm") and hour < 12:
        return hour + 12
    return hour


def parse_window(value) -> tuple[time, time]:
    """上午9:00-11:30, 下午14:00-16:30, 下午2:00-4:30 (= 14:00-16:30), 09:00-11:30, with full-width signs too."""
    text = unicodedata.normalize("NFKC", _clean(value)).translate(_DASHES)
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(
            _("“%(value)s” is not a time window (expected 上午9:00-11:30 or 09:00-11:30).") % {"value": text}
        )
    start_period, start_hour, start_minute, end_period, end_hour, end_minute = match.groups()
    end_period = end_period or start_period
    try:
        start = time(_hour(start_period, int(start_hour)), int(start_minute))
        end = time(_hour(end_period, int(end_hour)), int(end_minute))
    except ValueError:
        raise ValueError(_("“%(value)s” is not a possible time.") % {"value": text}) from None
    if start >= end:
        raise ValueError(_("“%(value)s” ends before it starts.") % {"value": text})
    return start, end


# --- files -----------------------------------------------------------------------------------------------------

# Header spelling → column key, for portal.tabular (which ignores case, spaces and underscores in headers).
ALIASES = {name: key for key, names in COLUMNS.items() for name in names}


def parse(data: bytes, *, year: int | None = None) -> ParseResult:
    """The rows of a schedule file, or every problem found in it (all rows are checked, not only the first)."""
    try:
        table = read_table(
            data,
            "",
            ALIASES,
            REQUIRED,
            # Published tables often have a title line above the header; the header is the row naming these.
            header_must_have=("date", "branch"),
            labels=COLUMN_LABELS,
            max_rows=MAX_ROWS,
            max_bytes=MAX_BYTES,
        )
    except TableError as error:
        return ParseResult(problems=[ImportProblem(None, None, str(error))])
    result = ParseResult()
    above: dict[str, str] = {}
    seen: dict[tuple[str, date], int] = {}
    for row in table:
        number = row.number
        values = {key: _clean(value) for key, value in row.values.items()}
        if not any(values.values()):
            continue
        for key in FILLED_DOWN:
            if key in values:
                if values[key]:
                    above[key] = values[key]
                else:
                    values[key] = above.get(key, "")
        problems = []
        for key in ("branch", "receptionist", "place"):
            if not values.get(key):
                problems.append(ImportProblem(number, key, _("This cell is empty.")))
        try:
            day = parse_date(values["date"], year)
        except ValueError as error:
            problems.append(ImportProblem(number, "date", str(error)))
            day = None
        try:
            start, end = parse_window(values["window"])
        except ValueError as error:
            problems.append(ImportProblem(number, "window", str(error)))
            start = end = None
        phone = values.get("phone", "")
        if phone:
            try:
                validate_phone(unicodedata.normalize("NFKC", phone).translate(_DASHES))
            except ValidationError:
                problems.append(
                    ImportProblem(number, "phone", _("“%(value)s” is not a phone number.") % {"value": phone})
                )
        if day and values.get("branch"):
            key = (values["branch"], day)
            if key in seen:
                problems.append(
                    ImportProblem(number, "date", _("Same branch and date as row %(row)s.") % {"row": seen[key]})
                )
            seen.setdefault(key, number)
        if problems:
            result.problems.extend(problems)
            continue
        result.rows.append(
            ScheduleRow(
                row=number,
                branch=values["branch"],
                date=day,
                start_time=start,
                end_time=end,
                receptionist=values["receptionist"],
                title=values.get("title", ""),
                phone=unicodedata.normalize("NFKC", phone).translate(_DASHES),
                place=values["place"],
                liaison=values.get("liaison", ""),
                notes=values.get("notes", ""),
            )
        )
    if not result.rows and not result.problems:
        result.problems.append(ImportProblem(None, None, _("The table has a header but no rows.")))
    return result
