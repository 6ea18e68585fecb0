"""The PostgreSQL fast path of masked exports: the same cells as rows.export_rows, built in SQL from the same
label dictionaries (vocabulary) and from the SQL forms of the masking rules (portal.privacy) and of the
writing rules (portal.tabular), read from the same query (rows.ordered) and streamed from COPY … TO STDOUT
straight into the file: no Python per row, memory flat. An unmasked export shows phone numbers in
libphonenumber's national format, which has no SQL form, and other databases have no COPY: both take
rows.export_rows. Tests compare the two ways' files; the CSV ends lines with LF where csv_stream writes CRLF."""

import contextlib
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections
from django.db.models import F, Func, TextField
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThanOrEqual, TupleLessThan

from portal.beijing import BEIJING
from portal.privacy import (
    sql_literal,
    sql_mask_email,
    sql_mask_id_number,
    sql_mask_name,
    sql_mask_phone,
    sql_plain_name,
    sql_plain_row,
    sql_scrub_text,
)
from portal.tabular import (
    sql_csv_cell,
    sql_xlsx_cell,
    sql_xlsx_clean,
    sql_xlsx_date,
    sql_xlsx_number,
    sql_xlsx_row,
    xlsx_write_streamed,
)

from ...models import Complaint
from ..vocabulary import EXPORT_COLUMNS as COLUMNS
from ..vocabulary import EXPORT_FREE_TEXT, ON_TIME_LABELS, REMEDIATION_LABELS, SHORT_LABELS
from .rows import FILE_BUFFER, OWN_NAMES, OWN_NUMBERS, PROGRESS_EVERY, SHEET_NAME, ordered, translated_labels

COPY_BATCH_ROWS = PROGRESS_EVERY
# An export of fewer rows is one COPY: cutting it would cost more than it saves.
PARALLEL_MIN_ROWS = 100_000
COPY_BATCH_BYTES = 1 << 20


def copy_applies(queryset, *, masked: bool) -> bool:
    """Whether copy_export writes this export (masked, on PostgreSQL)."""
    return masked and connections[queryset.db].vendor == "postgresql"


def _sql_labels(column: str, labels: dict, cell, fallback: str) -> str:
    # Each label is a constant cell (PostgreSQL folds the writing rule applied to it when planning).
    whens = " ".join(
        f"WHEN {sql_literal(str(key))} THEN {cell(sql_literal(str(label)))}" for key, label in labels.items()
    )
    return f"CASE {column} {whens} ELSE {cell(fallback)} END"


def _sql_code_labels(labels: dict) -> str:
    """A code of a JSON list (`t.code`) as its label, the code itself when it has none."""
    whens = " ".join(f"WHEN {sql_literal(str(key))} THEN {sql_literal(str(label))}" for key, label in labels.items())
    return f"CASE t.code {whens} ELSE t.code END"


# China has kept UTC+8 without daylight saving time since 1991 (tz database, Asia/Shanghai). A fixed offset
# is cheaper for PostgreSQL than the zone's rules, which are kept for older moments. Casting to text (ISO
# DateStyle, set for the export) is cheaper than to_char.
_BEIJING_FIXED_SINCE = "TIMESTAMPTZ '1992-01-01 00:00+00'"


def _sql_beijing(column: str, cast: str) -> str:
    """The moment in Beijing time as `::text` ("2024-03-01 08:30:00") or `::date::text`; NULL for none."""
    return (
        f"CASE WHEN {column} >= {_BEIJING_FIXED_SINCE} THEN ({column} AT TIME ZONE INTERVAL '+08:00'){cast} "
        f"ELSE ({column} AT TIME ZONE {sql_literal(BEIJING.key)}){cast} END"
    )


# A workbook's date cells hold days since 1899-12-30 (Excel's serial numbers, as XlsxWriter writes them: whole
# days plus the fraction of the day, in float8, which PostgreSQL prints as the shortest exact decimal).
def _sql_serial(local: str, *, with_time: bool) -> str:
    days = f"({local})::date - DATE '1899-12-30'"
    if not with_time:
        return f"({days})::text"
    minute = f"date_trunc('minute', {local})"
    return f"(({minute})::date - DATE '1899-12-30' + extract(epoch FROM ({minute})::time)::float8 / 86400)::text"


# What the middle step of copy_select scrubs free text with, read once per row by the inner one: whether the
# row's texts and names need no more than the names removed (sql_plain_row, one match for them all), its names
# as stored and trimmed, and its numbers.
_OWN_DATA = {
    "plain": (OWN_NAMES[0], sql_plain_row(["{}", *(f"{{{field}}}" for field in (*OWN_NAMES[1:], *EXPORT_FREE_TEXT))])),
    **{f"r{index}": (field, "{}") for index, field in enumerate(OWN_NAMES)},
    **{f"t{index}": (field, "btrim(coalesce({}, ''), ' ')") for index, field in enumerate(OWN_NAMES)},
    **{f"n{index}": (field, "{}") for index, field in enumerate(OWN_NUMBERS)},
}
# A place in a cell's template: `{}` or `{field}` (never a regular expression's `{2,}`: no digits, no comma).
_PLACE = re.compile(r"\{([a-z_]*)\}")


class _Cell(Func):
    """One cell's SQL: `{}` in the template is the cell's column, `{name}` (a field of Complaint) another column
    of the same row; each place gets the column's SQL and its parameters, in the order they are written."""

    output_field = TextField()

    def __init__(self, field: str, template: str):
        self.cell = template
        self.columns = ["", *dict.fromkeys(other for other in _PLACE.findall(template) if other)]
        super().__init__(F(field), *(F(column) for column in self.columns[1:]))

    def as_sql(self, compiler, connection, **extra_context):
        compiled = {
            column: compiler.compile(expression)
            for column, expression in zip(self.columns, self.source_expressions, strict=True)
        }
        parts, params = [], []
        for index, piece in enumerate(_PLACE.split(self.cell)):
            if index % 2 == 0:
                parts.append(piece)
            else:
                sql, column_params = compiled[piece]
                parts.append(sql)
                params.extend(column_params)
        return "".join(parts), params


def _copy_cells(file_format: str) -> list[tuple[str, str, dict | None]]:
    """(field, inner SQL with `{}` for the column, outer writing options) in COLUMNS order. Cells whose outer
    options are None are finished inside (labels, dates and plain columns, which are cheap to repeat); masked
    texts and the secondary categories (a sub-select) are computed once inside and written outside."""
    csv = file_format == "csv"
    cell = sql_csv_cell if csv else sql_xlsx_cell
    statuses, outcomes = translated_labels()

    def text(field: str) -> str:
        # A column across a join (the branch's name) may be NULL; the complaint's own text columns are not.
        nullable = "__" in field or Complaint._meta.get_field(field).null
        return "coalesce({}, '')" if nullable else "{}"

    def moment(local: str, text_cast: str, *, with_time: bool) -> str:
        if csv:
            return cell(text_cast, plain=True, nullable=True)
        return sql_xlsx_date(_sql_serial(local, with_time=with_time), with_time=with_time)

    inner = {
        "received_at": moment(_sql_beijing("{}", ""), f"left({_sql_beijing('{}', '::text')}, 16)", with_time=True),
        **{field: _sql_labels("{}", labels, cell, text(field)) for field, labels in SHORT_LABELS.items()},
        "status": _sql_labels("{}", statuses, cell, text("status")),
        "due_date": moment("{}", "{}::text", with_time=False),
        "extensions": cell("{}::text", plain=True) if csv else sql_xlsx_number("{}::text"),
        **{field: moment("{}", "{}::text", with_time=False) for field in ("regulator_deadline", "late_since")},
        "on_time": f"CASE {{}} WHEN TRUE THEN {cell(sql_literal(ON_TIME_LABELS[True]))} "
        f"WHEN FALSE THEN {cell(sql_literal(ON_TIME_LABELS[False]))} ELSE {cell("''")} END",
        "decided_at": moment(_sql_beijing("{}", ""), _sql_beijing("{}", "::date::text"), with_time=False),
        "ended_on": moment("{}", "{}::text", with_time=False),
        "outcome": _sql_labels("{}", outcomes, cell, "''"),
        "remediation_state": _sql_labels("{}", REMEDIATION_LABELS, cell, "''"),
        "resolved_at_first_contact": f"CASE WHEN {{}} THEN {cell(sql_literal(ON_TIME_LABELS[True]))} "
        f"ELSE {cell(sql_literal(ON_TIME_LABELS[False]))} END",
    }
    masked = {
        "name": (sql_mask_name("{}"), {}),
        "phone": (sql_mask_phone("{}"), {"plain": True}),
        "email": (sql_mask_email("{}"), {}),
        "id_number": (sql_mask_id_number("{}"), {}),
        "policy_number": (sql_mask_id_number("{}"), {}),
        # Free text is read as it is here and scrubbed in the middle step (copy_select), of the generic patterns
        # and of the row's own names and numbers (columns of the same row: one expression per cell, no query per
        # row).
        **{field: ("{}", {}) for field in EXPORT_FREE_TEXT},
        # The secondary categories' short labels in their stored order, joined with 、 (empty without any, which
        # most complaints have: no sub-select for them). Computed once inside and written outside, as a masked
        # text: a cell written inside would repeat the sub-select.
        "secondary_categories": (
            "CASE WHEN {} IS NULL OR {} = '[]'::jsonb THEN '' ELSE "  # noqa: S608 (constants)
            f"coalesce((SELECT string_agg({_sql_code_labels(SHORT_LABELS['category'])}, '、' ORDER BY t.n) "
            "FROM jsonb_array_elements_text({}) WITH ORDINALITY AS t(code, n)), '') END",
            {},
        ),
    }
    cells = []
    for field, _heading in COLUMNS:
        if field in masked:
            template, options = masked[field]
            cells.append((field, template, options))
        else:
            # A text as it is, written inside in CSV; outside in a workbook, where one test of the row's texts
            # decides whether any needs escaping.
            if field in inner:
                cells.append((field, inner[field], None))
            else:
                cells.append((field, cell(text(field)), None) if csv else (field, text(field), {}))
    return cells


def copy_select(queryset, file_format: str) -> tuple[str, tuple]:
    """The SELECT whose rows are the export's lines, masked: CSV cells, or one `<row>` of sheet XML per
    complaint. Inside, the same query as export_rows (filters, order) computes the cells (in its SELECT list,
    which PostgreSQL may spread over parallel workers); OFFSET 0 keeps it a separate step, so that writing a
    masked text outside does not compute the masking again. Free text is scrubbed in a middle step, from what
    the inner step computes once per row (not once for each of the three texts): one test of all of the row's
    texts and names, which for nearly every row leaves only the names to remove, and the names trimmed. The outer
    queries keep the rows' order (plain scans of the ordered subquery; a test checks it)."""
    cells = _copy_cells(file_format)
    names = {f"x{index}": _Cell(field, template) for index, (field, template, _options) in enumerate(cells)}
    own = {name: _Cell(field, template) for name, (field, template) in _OWN_DATA.items()}
    inner, params = ordered(queryset).annotate(**names, **own).values_list(*names, *own).query.sql_with_params()
    scrub = {
        "names": [f"i.{name}" for name in own if name.startswith("r")],
        "numbers": [f"i.{name}" for name in own if name.startswith("n")],
        "plain": "i.plain",
        "plain_names": [sql_plain_name(f"i.{name}") for name in own if name.startswith("t")],
    }
    middle = [
        sql_scrub_text(f"i.{name}", **scrub) if field in EXPORT_FREE_TEXT else f"i.{name}"
        for name, (field, *_) in zip(names, cells, strict=True)
    ]
    middle = f"SELECT {', '.join(middle)} FROM ({inner} OFFSET 0) AS i ({', '.join([*names, *own])}) OFFSET 0"  # noqa: S608 (no input)
    columns = ", ".join(names)
    if file_format == "csv":
        outer = [
            f"d.{name}" if options is None else sql_csv_cell(f"d.{name}", **options)
            for name, (*_, options) in zip(names, cells, strict=True)
        ]
        return f"SELECT {', '.join(outer)} FROM ({middle}) AS d ({columns})", params  # noqa: S608 (no input)
    # A workbook takes one more step: whether any of the row's texts (scrubbed) needs escaping, tested once.
    texts = [f"c.{name}" for name, (*_, options) in zip(names, cells, strict=True) if options == {}]
    middle = f"SELECT c.*, {sql_xlsx_clean(texts)} FROM ({middle}) AS c ({columns}) OFFSET 0"  # noqa: S608 (no input)
    outer = [
        f"d.{name}" if options is None else sql_xlsx_cell(f"d.{name}", **options, clean="d.clean")
        for name, (*_, options) in zip(names, cells, strict=True)
    ]
    return f"SELECT {sql_xlsx_row(outer)} FROM ({middle}) AS d ({columns}, clean)", params  # noqa: S608 (no input)


class _CopyTarget:
    """Collects what COPY writes and passes it on to the file in large writes (a batch of rows, or a mebibyte:
    a workbook's rows are long, and a batch of them held twice, as parts and joined, cost 15 MB), reporting
    progress every batch. psycopg2 writes each row PostgreSQL sends (one COPY data message per row) with its own
    write() call, so calls count rows; the total COPY reports is what counts in the end."""

    def __init__(self, stream, progress: Callable[[int], None] | None):
        self.stream = stream
        self.progress = progress
        self.rows = 0
        self.size = 0
        self.buffer: list[bytes] = []

    def write(self, data) -> None:
        self.buffer.append(data)
        self.rows += 1
        self.size += len(data)
        if self.rows % COPY_BATCH_ROWS == 0:
            self.flush()
        elif self.size >= COPY_BATCH_BYTES:
            self._pass_on()

    def _pass_on(self) -> None:
        self.stream.write(b"".join(self.buffer))
        self.buffer.clear()
        self.size = 0

    def flush(self) -> None:
        self._pass_on()
        if self.progress is not None:
            self.progress(self.rows)


# JIT compiling these long expressions costs more (about a second, in every worker) than it saves. At most one
# parallel worker (measured on 2 cores: 4.0 s against 4.9 s with two workers, which compete with the writer);
# while the cells hold correlated sub-selects (remediation state, secondary categories) PostgreSQL uses none.
# Dates cast to text are ISO whatever the server's default.
_COPY_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "1", "DateStyle": "ISO, YMD"}


def _copy_into(queryset, file_format: str, stream, progress) -> int:
    select, params = copy_select(queryset, file_format)
    # The XML rows hold no control character, newline or quote, so these never apply: each row passes as is.
    options = "FORMAT csv" if file_format == "csv" else "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'"
    connection = connections[queryset.db]
    # Inside someone's transaction the settings end with it (LOCAL); otherwise they are reset afterwards.
    local = connection.in_atomic_block
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-progress") as reporter:
        # While COPY streams, this connection can run nothing else, so progress (a background job writes it to
        # the database) is reported from a helper thread, which has a connection of its own (autocommit: the
        # job's page sees it at once). Inside a transaction nobody would see it before the commit, and the
        # helper could wait for a row this transaction holds: progress is then reported once, at the end.
        reports = []
        streaming = progress is not None and not local
        report = (lambda rows: reports.append(reporter.submit(progress, rows))) if streaming else None
        # A file takes each row in C; the zip member's writer (Python) and progress want rows in batches.
        buffered = report is not None or file_format == "xlsx"
        target = _CopyTarget(stream, report) if buffered else stream
        try:
            with connection.cursor() as cursor:
                for name, value in _COPY_SETTINGS.items():
                    cursor.execute(f"SET {'LOCAL ' if local else ''}{name} = {sql_literal(value)}")
                try:
                    cursor.copy_expert(cursor.mogrify(f"COPY ({select}) TO STDOUT WITH ({options})", params), target)
                    copied = cursor.rowcount
                finally:
                    if not local:
                        for name in _COPY_SETTINGS:
                            cursor.execute(f"RESET {name}")
                if buffered:
                    target.flush()
        finally:
            reporter.submit(connections.close_all)
    for done in reports:
        done.result()  # an error in reporting progress is not swallowed
    if progress is not None and not streaming:
        progress(copied)
    return copied


def copy_export(queryset, file_format: str, target, *, progress: Callable[[int], None] | None = None) -> int:
    """Write the export of `queryset` (masked) as CSV or XLSX to a path or binary file with PostgreSQL's COPY;
    the file reads as export_rows written by write_rows would. Returns the number of complaints."""
    header = [heading for _field, heading in COLUMNS]
    if file_format == "xlsx":
        counted = []

        def write(sheet) -> int:
            counted.append(_copy_into(queryset, "xlsx", sheet, progress))
            return counted[0]

        xlsx_write_streamed(target, SHEET_NAME, header, write)
        return counted[0]
    if isinstance(target, str | os.PathLike):
        with open(target, "wb", buffering=FILE_BUFFER) as handle:
            return copy_export(queryset, file_format, handle, progress=progress)
    # PostgreSQL ends CSV lines with LF (csv_stream with CRLF); RFC 4180 readers and Excel take both. The
    # header (fixed names, nothing to quote) ends as the lines below it.
    target.write(b"\xef\xbb\xbf" + ",".join(header).encode() + b"\n")
    parts = _parts(queryset)
    if len(parts) == 1:
        return _copy_into(queryset, "csv", target, progress)
    return _copy_parts(parts, target, progress)


def _parts(queryset) -> list:
    """The export cut into settings.PORTAL_EXPORT_PARTS consecutive ranges of its order, (received_at, id), of
    about as many rows each, to be computed side by side; one part when the export is small, the database has
    one core to give, or the caller holds a transaction (its rows are not visible to other connections)."""
    wanted = int(getattr(settings, "PORTAL_EXPORT_PARTS", 1) or 1)
    database = queryset.db
    if wanted < 2 or connections[database].in_atomic_block:
        return [queryset]
    keys = queryset.order_by("received_at", "id").values_list("received_at", "id")
    count = keys.count()
    if count < PARALLEL_MIN_ROWS:
        return [queryset]
    # Each boundary is a row's key, read through the (received_at, id) index.
    bounds = [None, *(keys[count * index // wanted] for index in range(1, wanted)), None]
    order = Tuple("received_at", "id")
    parts = []
    for low, high in itertools.pairwise(bounds):
        part = queryset
        if low is not None:
            part = part.filter(TupleGreaterThanOrEqual(order, low))
        if high is not None:
            part = part.filter(TupleLessThan(order, high))
        parts.append(part.using(database))
    return parts


def _copy_parts(parts: list, target, progress) -> int:
    """The first part streams into the file while each other part is computed on a connection of its own (a
    thread each) into a temporary file, appended in order once the part before it is written: the database
    computes the parts' cells on as many cores, memory stays that of one part's buffer. The parts are read
    moments apart, not in one snapshot: each complaint is in exactly one range, so none is left out or written
    twice; one registered meanwhile is in the file when its range is read after it."""

    def spool(part, handle):
        try:
            return _copy_into(part, "csv", handle, None)
        finally:
            connections.close_all()

    with contextlib.ExitStack() as files, ThreadPoolExecutor(len(parts) - 1, "export-part") as pool:
        spooled = [files.enter_context(tempfile.TemporaryFile()) for _part in parts[1:]]
        later = [pool.submit(spool, part, handle) for part, handle in zip(parts[1:], spooled, strict=True)]
        total = _copy_into(parts[0], "csv", target, progress)
        for future, handle in zip(later, spooled, strict=True):
            total += future.result()
            handle.seek(0)
            shutil.copyfileobj(handle, target, FILE_BUFFER)
    if progress is not None:
        progress(total)
    return total
