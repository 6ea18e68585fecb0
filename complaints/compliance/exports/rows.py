"""The reference exporter: a header and then one row per complaint, read in chunks with a server-side
cursor and written by portal.tabular's streaming writers (CSV with a BOM and formulas neutralised, XLSX in
constant memory). Personal data is masked here, with portal.privacy, unless asked otherwise. The COPY fast
path (copy.py) writes files that read exactly as these rows do."""

import os
from collections.abc import Callable, Iterator

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.beijing import BEIJING
from portal.phones import display_phone
from portal.privacy import mask_email, mask_id_number, mask_name, mask_phone
from portal.tabular import csv_stream, xlsx_write

from ...models import Outcome, Status
from ..vocabulary import EXPORT_COLUMNS as COLUMNS
from ..vocabulary import ON_TIME_LABELS, SHORT_LABELS
from .filters import ExportRefused

CHUNK_SIZE = 2000
PROGRESS_EVERY = 5000
FILE_BUFFER = 1 << 20
SHEET_NAME = "投诉数据"


def _phone(value: str, masked: bool) -> str:
    if masked:
        return mask_phone(value)
    return display_phone(value).replace(" ", "") if value else ""


def translated_labels() -> tuple[dict, dict]:
    with translation.override("zh-hans"):
        statuses = {value: str(label) for value, label in Status.choices}
        outcomes = {value: str(label) for value, label in Outcome.choices}
    return statuses, outcomes


def ordered(queryset):
    """Oldest first: the order of every export, whichever way it is written; with the on-time rule."""
    return queryset.with_timeliness().order_by("received_at", "id")


def _day(value) -> str:
    return value.isoformat() if value else ""


def export_rows(queryset, *, masked: bool = True) -> Iterator[list]:
    """The header, then one list per complaint, oldest first, personal data masked unless `masked` is False."""
    statuses, outcomes = translated_labels()
    yield [heading for _field, heading in COLUMNS]
    fields = [field for field, _heading in COLUMNS]
    rows = ordered(queryset).values_list(*fields).iterator(chunk_size=CHUNK_SIZE)
    for values in rows:
        row = dict(zip(fields, values, strict=True))
        yield [
            row["tracking_number"],
            timezone.localtime(row["received_at"], BEIJING).strftime("%Y-%m-%d %H:%M"),
            SHORT_LABELS["source"].get(row["source"], row["source"]),
            row["regulator_ref"],
            SHORT_LABELS["channel"].get(row["channel"], row["channel"]),
            SHORT_LABELS["business_channel"].get(row["business_channel"], row["business_channel"]),
            SHORT_LABELS["category"].get(row["category"], row["category"]),
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


class _Counted:
    """The rows passed through, counted (the header aside), with progress reported every PROGRESS_EVERY."""

    def __init__(self, rows: Iterator[list], progress: Callable[[int], None] | None):
        self.rows, self.progress, self.count = rows, progress, 0

    def __iter__(self) -> Iterator[list]:
        rows = iter(self.rows)
        yield next(rows)
        for row in rows:
            self.count += 1
            if self.progress is not None and self.count % PROGRESS_EVERY == 0:
                self.progress(self.count)
            yield row


def write_rows(rows, file_format: str, target, *, progress: Callable[[int], None] | None = None) -> int:
    """Write rows (a header, then data) as CSV (bytes, streamed) or XLSX (constant memory) to a path or a binary
    file; returns how many data rows were written."""
    counted = _Counted(rows, progress)
    if file_format == "csv":
        if isinstance(target, str | os.PathLike):
            with open(target, "wb", buffering=FILE_BUFFER) as handle:
                handle.writelines(csv_stream(counted))
        else:
            target.writelines(csv_stream(counted))
    elif file_format == "xlsx":
        xlsx_write(target, [(SHEET_NAME, counted)])
    else:
        raise ExportRefused(_("Unknown format: %(format)s.") % {"format": file_format[:10]})
    return counted.count
