"""Exports of complaint data: one exporter for the command and the admin (DESIGN.md 8: exports are generators).

The rules:
- `export_rows` yields a header and then one row per complaint, read with a server-side cursor in chunks
  (`values_list(...).iterator(chunk_size=…)`), so 1,000,000 complaints cost the memory of a chunk. The writers
  (portal.tabular) stream too: CSV in UTF-8 with a BOM, formulas neutralised; XLSX in constant-memory mode.
- On PostgreSQL a masked export is written by `copy_export` instead: the same query computes every cell in
  SQL (the same labels, the SQL forms of the masking and writing rules) and COPY streams the lines into the
  CSV, or the `<row>`s into the XLSX sheet, with no Python per row. Its files read exactly as export_rows'
  (tests compare them); the CSV ends lines with LF where csv_stream writes CRLF.
- Phone, ID number and email (and the name) are masked by default with portal.privacy, here, once. The full
  values only for a user who may both export and see personal data in full.
- Every export is logged in ExportLog (who, when, filters, rows, masked or not), which nobody can change.
- Exports asked for in the admin run at once when small and as a background task (django.tasks) otherwise;
  the job records its progress and its file, which only the person who asked may download.
"""

import calendar
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import F, Func, Q, TextField
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from portal.models import PROVINCES, Branch
from portal.phones import display_phone
from portal.privacy import (
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    sql_literal,
    sql_mask_email,
    sql_mask_id_number,
    sql_mask_name,
    sql_mask_phone,
)
from portal.tabular import (
    csv_stream,
    sql_csv_cell,
    sql_xlsx_cell,
    sql_xlsx_row,
    xlsx_write,
    xlsx_write_streamed,
)

from .models import (
    BusinessChannel,
    Category,
    Channel,
    Complaint,
    ExportJob,
    ExportLog,
    Outcome,
    Source,
    Status,
)
from .reports import BEIJING

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
PROGRESS_EVERY = 5000
EXPORT_PERMISSION = "complaints.export_complaint"
FULL_DATA_PERMISSION = "complaints.view_full_personal_data"

# (values_list field, heading). The headings are the importer's Chinese column names, so an unmasked export
# can be imported again.
COLUMNS = (
    ("tracking_number", "投诉编号"),
    ("received_at", "接收时间"),
    ("source", "来源"),
    ("regulator_ref", "监管编号"),
    ("channel", "渠道"),
    ("business_channel", "业务渠道"),
    ("category", "投诉类别"),
    ("province", "省份"),
    ("branch__name", "分支机构"),
    ("status", "状态"),
    ("due_date", "办理期限"),
    ("regulator_deadline", "监管期限"),
    ("late_since", "逾期日期"),
    # Complaint.objects.with_timeliness: 是 / 否, empty while the complaint is being handled.
    ("on_time", "按时办结"),
    ("decided_at", "办结日期"),
    ("outcome", "处理结果"),
    ("name", "姓名"),
    ("phone", "联系电话"),
    ("email", "电子邮箱"),
    ("id_number", "证件号码"),
    ("description", "投诉内容"),
)
_SHORT = {
    "source": {Source.SELF: "自收", Source.REGULATOR: "监管转办"},
    "channel": {
        Channel.LETTER: "信", Channel.VISIT: "访", Channel.WEB: "网", Channel.PHONE: "电", Channel.WECHAT: "微",
        Channel.EMAIL: "邮",
    },
    "business_channel": {
        BusinessChannel.AGENCY: "个险", BusinessChannel.BANCASSURANCE: "银保", BusinessChannel.BROKER: "经代",
        BusinessChannel.INTERNET: "互联网", BusinessChannel.GROUP: "团险",
    },
    "category": {
        Category.SALES: "销售", Category.UNDERWRITING: "承保", Category.POLICY_SERVICE: "保全退保",
        Category.CLAIMS: "理赔", Category.SERVICE: "服务", Category.OTHER: "其他",
    },
}  # fmt: skip

# Filters an export understands (the command's options, the dashboard's period, the admin changelist's).
FILTER_FIELDS = ("status", "source", "channel", "business_channel", "category", "province")
FILTER_CHOICES = {
    "status": Status.values,
    "source": Source.values,
    "channel": Channel.values,
    "business_channel": BusinessChannel.values,
    "category": Category.values,
    "province": PROVINCES,
}


class ExportRefused(PermissionDenied):
    """The export is not allowed or its filters are not understood; the message says why."""


def can_export(user) -> bool:
    return user is not None and user.is_active and user.has_perm(EXPORT_PERMISSION)


def can_export_unmasked(user) -> bool:
    return can_export(user) and user.has_perm(FULL_DATA_PERMISSION)


def check_allowed(user, *, masked: bool, command: bool = False) -> None:
    """Masked exports: anyone who may export (or an operator running the command without naming a user).
    Unmasked: only a named user who may export and see personal data in full."""
    if not masked and not can_export_unmasked(user):
        raise ExportRefused(_("An unmasked export needs a user allowed to see personal data in full."))
    if user is None and command:
        return
    if not can_export(user):
        raise ExportRefused(_("You do not have permission to export complaint data."))


def clean_filters(raw: dict) -> dict:
    """Check filters (from the command, a form or a stored job) and return them in their stored form:
    start and end are days of receipt in Beijing time, both included."""
    filters = {}
    for key in ("start", "end"):
        value = raw.get(key)
        if value in (None, ""):
            continue
        day = value if isinstance(value, date) else parse_date(str(value)) if _is_iso_date(str(value)) else None
        if day is None:
            raise ExportRefused(_("“%(value)s” is not a date (write 2024-01-31).") % {"value": str(value)[:40]})
        filters[key] = day.isoformat()
    if filters.get("start") and filters.get("end") and filters["start"] > filters["end"]:
        raise ExportRefused(_("The start date is after the end date."))
    for key in FILTER_FIELDS:
        value = raw.get(key)
        if value in (None, ""):
            continue
        if str(value) not in FILTER_CHOICES[key]:
            raise ExportRefused(
                _("Unknown value for %(filter)s: %(value)s.") % {"filter": key, "value": str(value)[:40]}
            )
        filters[key] = str(value)
    if raw.get("branch"):
        branch = Branch.objects.filter(slug=str(raw["branch"])).first()
        if branch is None:
            raise ExportRefused(_("Unknown branch: %(value)s.") % {"value": str(raw["branch"])[:40]})
        filters["branch"] = branch.slug
    if raw.get("deadline"):
        if raw["deadline"] not in ("overdue", "due_soon"):
            raise ExportRefused(_("Unknown value for %(filter)s: %(value)s.") % {"filter": "deadline", "value": "…"})
        filters["deadline"] = raw["deadline"]
    if raw.get("handler"):
        if not str(raw["handler"]).isdigit():
            raise ExportRefused(_("Unknown value for %(filter)s: %(value)s.") % {"filter": "handler", "value": "…"})
        filters["handler"] = int(raw["handler"])
    if raw.get("q"):
        filters["q"] = str(raw["q"])[:60]
    return filters


def _is_iso_date(text: str) -> bool:
    try:
        return parse_date(text) is not None
    except ValueError:
        return False


# The admin changelist's query parameters (list_filter, date_hierarchy, search) and what they mean here.
CHANGELIST_PARAMETERS = {
    **{f"{name}__exact": name for name in FILTER_FIELDS},
    "branch__id__exact": "branch_id",
    "handler__id__exact": "handler",
    "deadline": "deadline",
    "q": "q",
}
CHANGELIST_IGNORED = {"o", "p", "e", "_changelist_filters", "all", "_to_field", "_popup"}


def filters_from_changelist(params) -> dict:
    """The complaint changelist's current filters as export filters. A filter the export does not know is
    refused rather than ignored: the export must never hold more than the list the person was looking at."""
    raw: dict = {}
    year = params.get("received_at__year")
    month = params.get("received_at__month")
    day = params.get("received_at__day")
    if year:
        try:
            start = date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise ExportRefused(_("The date filter of the list is not understood.")) from None
        if day:
            end = start
        elif month:
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        else:
            end = date(start.year, 12, 31)
        raw["start"], raw["end"] = start, end
    for key in params:
        if key.startswith("received_at__") or key in CHANGELIST_IGNORED:
            continue
        if key not in CHANGELIST_PARAMETERS:
            raise ExportRefused(_("The list filter “%(filter)s” cannot be exported.") % {"filter": key[:40]})
        target = CHANGELIST_PARAMETERS[key]
        value = params.get(key)
        if target == "branch_id":
            branch = Branch.objects.filter(pk=value).first() if str(value).isdigit() else None
            raw["branch"] = branch.slug if branch else "?"
        else:
            raw[target] = value
    return clean_filters(raw)


def _moment(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(0, 0), tzinfo=BEIJING)


def export_queryset(filters: dict, user=None):
    """The complaints the (cleaned) filters select, limited to what `user` may see."""
    queryset = Complaint.objects.all()
    if user is not None:
        queryset = queryset.visible_to(user)
    if filters.get("start"):
        queryset = queryset.filter(received_at__gte=_moment(filters["start"]))
    if filters.get("end"):
        end = date.fromisoformat(filters["end"])
        queryset = queryset.filter(received_at__lt=_moment(date.fromordinal(end.toordinal() + 1).isoformat()))
    queryset = queryset.filter(**{key: filters[key] for key in FILTER_FIELDS if key in filters})
    if filters.get("branch"):
        queryset = queryset.filter(branch__slug=filters["branch"])
    if filters.get("handler"):
        queryset = queryset.filter(handler_id=filters["handler"])
    if filters.get("deadline") == "overdue":
        queryset = queryset.overdue(timezone.localdate())
    elif filters.get("deadline") == "due_soon":
        queryset = queryset.due_soon(timezone.localdate())
    if filters.get("q"):
        queryset = queryset.filter(Q(tracking_number__icontains=filters["q"]))
    return queryset


def _phone(value: str, masked: bool) -> str:
    if masked:
        return mask_phone(value)
    return display_phone(value).replace(" ", "") if value else ""


def _labels() -> tuple[dict, dict]:
    with translation.override("zh-hans"):
        statuses = {value: str(label) for value, label in Status.choices}
        outcomes = {value: str(label) for value, label in Outcome.choices}
    return statuses, outcomes


def _ordered(queryset):
    """Oldest first: the order of every export, whichever way it is written; with the on-time rule."""
    return queryset.with_timeliness().order_by("received_at", "id")


ON_TIME_LABELS = {True: "是", False: "否"}


def _day(value) -> str:
    return value.isoformat() if value else ""


def export_rows(queryset, *, masked: bool = True) -> Iterator[list]:
    """The header, then one list per complaint, oldest first, personal data masked unless `masked` is False."""
    statuses, outcomes = _labels()
    yield [heading for _field, heading in COLUMNS]
    fields = [field for field, _heading in COLUMNS]
    rows = _ordered(queryset).values_list(*fields).iterator(chunk_size=CHUNK_SIZE)
    for values in rows:
        row = dict(zip(fields, values, strict=True))
        yield [
            row["tracking_number"],
            timezone.localtime(row["received_at"], BEIJING).strftime("%Y-%m-%d %H:%M"),
            _SHORT["source"].get(row["source"], row["source"]),
            row["regulator_ref"],
            _SHORT["channel"].get(row["channel"], row["channel"]),
            _SHORT["business_channel"].get(row["business_channel"], row["business_channel"]),
            _SHORT["category"].get(row["category"], row["category"]),
            row["province"],
            row["branch__name"] or "",
            statuses.get(row["status"], row["status"]),
            _day(row["due_date"]),
            _day(row["regulator_deadline"]),
            _day(row["late_since"]),
            ON_TIME_LABELS.get(row["on_time"], ""),
            timezone.localtime(row["decided_at"], BEIJING).strftime("%Y-%m-%d") if row["decided_at"] else "",
            outcomes.get(row["outcome"], ""),
            mask_name(row["name"]) if masked else row["name"],
            _phone(row["phone"], masked),
            mask_email(row["email"]) if masked else row["email"],
            mask_id_number(row["id_number"]) if masked else row["id_number"],
            row["description"],
        ]


def _counting(rows: Iterator[list], progress: Callable[[int], None] | None, counter: list) -> Iterator[list]:
    header = next(rows)
    yield header
    for row in rows:
        counter[0] += 1
        if progress is not None and counter[0] % PROGRESS_EVERY == 0:
            progress(counter[0])
        yield row


def write_rows(rows, file_format: str, target) -> None:
    """Write rows as CSV (bytes, streamed) or XLSX (constant memory) to a path or a binary file."""
    if file_format == "csv":
        if isinstance(target, str | os.PathLike):
            with open(target, "wb", buffering=COPY_FILE_BUFFER) as handle:
                handle.writelines(csv_stream(rows))
        else:
            target.writelines(csv_stream(rows))
    elif file_format == "xlsx":
        xlsx_write(target, [("投诉数据", rows)])
    else:
        raise ExportRefused(_("Unknown format: %(format)s.") % {"format": file_format[:10]})


# Exports that PostgreSQL formats itself. The same cells as export_rows, built in SQL from the same label
# dictionaries and from the SQL forms of the masking rules (portal.privacy) and of the writing rules
# (portal.tabular), read from the same query (_ordered) and streamed from COPY … TO STDOUT straight into
# the file: no Python per row, memory flat. Masked exports on PostgreSQL take this way. An unmasked export
# shows phone numbers in libphonenumber's national format, which has no SQL form, and other databases have no
# COPY: both take export_rows.

COPY_BATCH_ROWS = PROGRESS_EVERY
COPY_FILE_BUFFER = 1 << 20


def copy_applies(queryset, *, masked: bool) -> bool:
    """Whether copy_export writes this export (masked, on PostgreSQL)."""
    return masked and connections[queryset.db].vendor == "postgresql"


def _sql_labels(column: str, labels: dict, cell, fallback: str) -> str:
    # Each label is a constant cell (PostgreSQL folds the writing rule applied to it when planning).
    whens = " ".join(
        f"WHEN {sql_literal(str(key))} THEN {cell(sql_literal(str(label)))}" for key, label in labels.items()
    )
    return f"CASE {column} {whens} ELSE {cell(fallback)} END"


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


def _copy_cells(file_format: str) -> list[tuple[str, str, dict | None]]:
    """(field, inner SQL with `{}` for the column, outer writing options) in COLUMNS order. Cells whose outer
    options are None are finished inside (labels, dates and plain columns, which are cheap to repeat); masked
    texts are computed once inside and written outside."""
    cell = sql_csv_cell if file_format == "csv" else sql_xlsx_cell
    statuses, outcomes = _labels()

    def text(field: str) -> str:
        # A column across a join (the branch's name) may be NULL; the complaint's own text columns are not.
        nullable = "__" in field or Complaint._meta.get_field(field).null
        return "coalesce({}, '')" if nullable else "{}"

    inner = {
        "received_at": cell(f"left({_sql_beijing('{}', '::text')}, 16)", plain=True, nullable=True),
        **{field: _sql_labels("{}", labels, cell, text(field)) for field, labels in _SHORT.items()},
        "status": _sql_labels("{}", statuses, cell, text("status")),
        **{
            field: cell("{}::text", plain=True, nullable=True)
            for field in ("due_date", "regulator_deadline", "late_since")
        },
        "on_time": f"CASE {{}} WHEN TRUE THEN {cell(sql_literal(ON_TIME_LABELS[True]))} "
        f"WHEN FALSE THEN {cell(sql_literal(ON_TIME_LABELS[False]))} ELSE {cell("''")} END",
        "decided_at": cell(_sql_beijing("{}", "::date::text"), plain=True, nullable=True),
        "outcome": _sql_labels("{}", outcomes, cell, "''"),
    }
    masked = {
        "name": (sql_mask_name("{}"), {}),
        "phone": (sql_mask_phone("{}"), {"plain": True}),
        "email": (sql_mask_email("{}"), {}),
        "id_number": (sql_mask_id_number("{}"), {}),
    }
    return [
        (field, *masked[field])
        if field in masked
        else (field, inner[field] if field in inner else cell(text(field)), None)
        for field, _heading in COLUMNS
    ]


def copy_select(queryset, file_format: str) -> tuple[str, tuple]:
    """The SELECT whose rows are the export's lines, masked: CSV cells, or one `<row>` of sheet XML per
    complaint. Inside, the same query as export_rows (filters, order) computes the cells (in its SELECT list,
    which PostgreSQL may spread over parallel workers); OFFSET 0 keeps it a separate step, so that writing a
    masked text outside does not compute the masking again. The outer query keeps the rows' order (a plain scan
    of the ordered subquery; a test checks it)."""
    cells = _copy_cells(file_format)
    names = {
        f"x{index}": Func(F(field), template=template.replace("{}", "%(expressions)s"), output_field=TextField())
        for index, (field, template, _options) in enumerate(cells)
    }
    inner, params = _ordered(queryset).annotate(**names).values_list(*names).query.sql_with_params()
    cell = sql_csv_cell if file_format == "csv" else sql_xlsx_cell
    outer = [
        f"d.{name}" if options is None else cell(f"d.{name}", **options)
        for name, (*_, options) in zip(names, cells, strict=True)
    ]
    outer = ", ".join(outer) if file_format == "csv" else sql_xlsx_row(outer)
    return f"SELECT {outer} FROM ({inner} OFFSET 0) AS d ({', '.join(names)})", params  # noqa: S608 (no input)


class _CopyTarget:
    """Collects what COPY writes and passes it on to the file in large writes, reporting progress as it goes.
    psycopg2 writes each row PostgreSQL sends (one COPY data message per row) with its own write() call, so
    calls count rows; the total COPY reports is what counts in the end."""

    def __init__(self, stream, progress: Callable[[int], None] | None):
        self.stream = stream
        self.progress = progress
        self.rows = 0
        self.buffer: list[bytes] = []

    def write(self, data) -> None:
        self.buffer.append(data)
        if len(self.buffer) == COPY_BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        self.stream.write(b"".join(self.buffer))
        self.rows += len(self.buffer)
        self.buffer.clear()
        if self.progress is not None:
            self.progress(self.rows)


# JIT compiling these long expressions costs more (about a second, in every worker) than it saves. One
# parallel worker computes the cells while the backend merges and writes the lines: a two-stage pipeline
# (measured on 2 cores: 4.0 s against 4.9 s with two workers, which compete with the writer). Dates cast to
# text are ISO whatever the server's default.
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
        xlsx_write_streamed(
            target, "投诉数据", header, lambda sheet: counted.append(_copy_into(queryset, "xlsx", sheet, progress))
        )
        return counted[0]
    if isinstance(target, str | os.PathLike):
        with open(target, "wb", buffering=COPY_FILE_BUFFER) as handle:
            return copy_export(queryset, file_format, handle, progress=progress)
    # PostgreSQL ends CSV lines with LF (csv_stream with CRLF); RFC 4180 readers and Excel take both. The
    # header (fixed names, nothing to quote) ends as the lines below it.
    target.write(b"\xef\xbb\xbf" + ",".join(header).encode() + b"\n")
    return _copy_into(queryset, "csv", target, progress)


def complaint_export(
    *,
    filters: dict,
    file_format: str,
    target,
    user=None,
    masked: bool = True,
    via: str = "command",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Export the complaints the filters select to `target`, log it, and return the number of rows.
    Checks the permission first (see check_allowed); the log is written once the file is complete."""
    if file_format not in FORMATS:
        raise ExportRefused(_("Unknown format: %(format)s.") % {"format": str(file_format)[:10]})
    check_allowed(user, masked=masked, command=via == "command")
    filters = clean_filters(filters)
    queryset = export_queryset(filters, user)
    if copy_applies(queryset, masked=masked):
        count = copy_export(queryset, file_format, target, progress=progress)
    else:
        counter = [0]
        rows = export_rows(queryset, masked=masked)
        write_rows(_counting(rows, progress, counter), file_format, target)
        count = counter[0]
    ExportLog.objects.create(user=user, via=via, filters=filters, file_format=file_format, rows=count, masked=masked)
    return count


# Exports from the admin.


def inline_limit() -> int:
    """Exports up to this many rows run in the request (a second or two); larger ones in the background."""
    return int(getattr(settings, "COMPLAINT_EXPORT_INLINE_ROWS", 20_000))


def export_directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


EXPORT_RETENTION = timedelta(days=7)


def purge_old_exports(now: datetime | None = None) -> int:
    """Delete the files of exports finished more than a week ago (personal data is kept no longer than
    needed); the jobs stay, without a file, and the export log is untouched. Returns how many were removed."""
    cutoff = (now or timezone.now()) - EXPORT_RETENTION
    removed = 0
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        (export_directory() / job.file).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        removed += 1
    return removed


def export_job_start(*, user, filters: dict, file_format: str, masked: bool = True) -> ExportJob:
    """Create an export job for `user`. Small exports run now; larger ones are queued for the worker
    (`manage.py db_worker`). Refused (ExportRefused) when the user may not export this way."""
    if file_format not in FORMATS:
        raise ExportRefused(_("Unknown format: %(format)s.") % {"format": str(file_format)[:10]})
    check_allowed(user, masked=masked)
    filters = clean_filters(filters)
    purge_old_exports()
    total = export_queryset(filters, user).count()
    job = ExportJob.objects.create(user=user, filters=filters, file_format=file_format, masked=masked, rows_total=total)
    if total <= inline_limit():
        export_job_run(str(job.pk))
    else:
        from .tasks import run_export_job

        run_export_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def export_job_run(job_id: str) -> None:
    """Run a queued export job: write its file, record progress as it goes, and log the export."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id, state=ExportJob.State.QUEUED).first()
    if job is None:
        return
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING)
    path = export_directory() / f"{job.pk}.{job.file_format}"

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        rows = complaint_export(
            filters=job.filters,
            file_format=job.file_format,
            target=str(path),
            user=job.user,
            masked=job.masked,
            via="admin",
            progress=progress,
        )
    except Exception as error:
        path.unlink(missing_ok=True)
        message = str(error) if isinstance(error, ExportRefused) else _("The export failed; try again.")
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=message[:300], finished_at=timezone.now()
        )
        if not isinstance(error, ExportRefused):
            raise
        return
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, rows_done=rows, file=path.name, finished_at=timezone.now()
    )


def export_file_path(job: ExportJob) -> Path | None:
    if job.state != ExportJob.State.DONE or not job.file:
        return None
    path = export_directory() / job.file
    return path if path.is_file() else None


def export_file_name(job: ExportJob) -> str:
    start = job.filters.get("start", "all")
    end = job.filters.get("end", "all")
    return f"complaints-{start}-{end}.{job.file_format}"
