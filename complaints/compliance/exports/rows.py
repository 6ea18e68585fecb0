"""The reference exporter: a header and then one row per complaint, read in chunks with a server-side
cursor and written by portal.tabular's streaming writers (CSV with a BOM and formulas neutralised, XLSX in
constant memory). Personal data is masked here, with portal.privacy, unless asked otherwise. The COPY fast
path (copy.py) writes files that read exactly as these rows do."""

import os
from collections.abc import Callable, Iterator
from datetime import date, datetime

from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.beijing import BEIJING
from portal.display import name_from
from portal.phones import display_phone
from portal.privacy import mask_email, mask_id_number, mask_name, mask_phone, scrubber
from portal.tabular import csv_stream, xlsx_write

from ...models import Outcome, RemediationItem, Status
from ..vocabulary import EXPORT_COLUMNS as COLUMNS
from ..vocabulary import ON_TIME_LABELS, REMEDIATION_LABELS, SHORT_LABELS
from .filters import ExportRefused

CHUNK_SIZE = 2000
PROGRESS_EVERY = 5000
FILE_BUFFER = 1 << 20
SHEET_NAME = "投诉数据"
# The case's own data that its free text is scrubbed of when masked, besides the generic patterns (portal.privacy
# scrub_text): the complainant's and the principal's names, the phone, the ID and the policy number, in any format.
OWN_NAMES = ("name", "principal_name")
OWN_NUMBERS = ("phone", "id_number", "policy_number")


def _phone(value: str, masked: bool) -> str:
    if masked:
        return mask_phone(value)
    return display_phone(value).replace(" ", "") if value else ""


def _as_written(text: str | None) -> str:
    return text or ""


def translated_labels() -> tuple[dict, dict]:
    with translation.override("zh-hans"):
        statuses = {value: str(label) for value, label in Status.choices}
        outcomes = {value: str(label) for value, label in Outcome.choices}
    return statuses, outcomes


def ordered(queryset):
    """Oldest first: the order of every export, whichever way it is written, with the on-time rule
    (Complaint.objects.with_timeliness). Each complaint carries its remediation state: "open" while an item
    is open, "done" once every item ended, "" without items."""
    items = RemediationItem.objects.filter(complaint=OuterRef("pk"))
    state = Case(
        When(Exists(items.filter(status=RemediationItem.Status.OPEN)), then=Value("open")),
        When(Exists(items), then=Value("done")),
        default=Value(""),
        output_field=CharField(),
    )
    return queryset.with_timeliness().annotate(remediation_state=state).order_by("received_at", "id")


def _local(moment):
    """A moment as Beijing wall-clock time to the minute (naive: a workbook cell has no time zone)."""
    return timezone.localtime(moment, BEIJING).replace(second=0, microsecond=0, tzinfo=None)


def export_rows(queryset, *, masked: bool = True) -> Iterator[list]:
    """The header, then one list per complaint, oldest first, personal data masked unless `masked` is False.
    Moments are naive Beijing datetimes to the minute and days are dates (write_rows writes them as date
    cells in a workbook and as text in CSV); free text is scrubbed of numbers and addresses, and of the row's own
    names and numbers (OWN_NAMES, OWN_NUMBERS), when masked."""
    statuses, outcomes = translated_labels()
    yield [heading for _field, heading in COLUMNS]
    fields = [field for field, _heading in COLUMNS]
    # The handler is named by name (portal.display), read with the row; the row's own names and numbers feed the
    # masked scrub.
    extra = ["handler__first_name", "handler__last_name", *OWN_NAMES, *OWN_NUMBERS]
    read = [*fields, *(field for field in dict.fromkeys(extra) if field not in fields)]
    rows = ordered(queryset).values_list(*read).iterator(chunk_size=CHUNK_SIZE)
    for values in rows:
        row = dict(zip(read, values, strict=True))
        if masked:
            scrub = scrubber(names=[row[field] for field in OWN_NAMES], numbers=[row[field] for field in OWN_NUMBERS])
        else:
            scrub = _as_written
        decided = row["decided_at"]
        yield [
            row["tracking_number"],
            _local(row["received_at"]),
            SHORT_LABELS["source"].get(row["source"], row["source"]),
            row["regulator_ref"],
            row["platform_ref"],
            SHORT_LABELS["channel"].get(row["channel"], row["channel"]),
            SHORT_LABELS["business_channel"].get(row["business_channel"], row["business_channel"]),
            SHORT_LABELS["category"].get(row["category"], row["category"]),
            SHORT_LABELS["product_line"].get(row["product_line"], row["product_line"]),
            row["province"],
            row["branch__name"] or "",
            name_from(row["handler__username"], row["handler__first_name"], row["handler__last_name"]),
            statuses.get(row["status"], row["status"]),
            row["due_date"],
            row["extensions"],
            row["regulator_deadline"],
            row["late_since"],
            ON_TIME_LABELS.get(row["on_time"], ""),
            timezone.localtime(decided, BEIJING).date() if decided else None,
            row["ended_on"],
            outcomes.get(row["outcome"], ""),
            row["cause__name_zh_hans"] or "",
            row["responsible_unit"],
            REMEDIATION_LABELS.get(row["remediation_state"], ""),
            mask_name(row["name"]) if masked else row["name"],
            _phone(row["phone"], masked),
            mask_email(row["email"]) if masked else row["email"],
            mask_id_number(row["id_number"]) if masked else row["id_number"],
            mask_id_number(row["policy_number"]) if masked else row["policy_number"],
            scrub(row["description"]),
            scrub(row["desired_outcome"]),
            scrub(row["root_cause"]),
            "、".join(SHORT_LABELS["category"].get(code, code) for code in row["secondary_categories"] or []),
            ON_TIME_LABELS[bool(row["resolved_at_first_contact"])],
        ]


def csv_cells(row: list) -> list:
    """A row as CSV text: moments "2024-03-01 08:30", days "2024-03-01", nothing for none. Every value is plain:
    an identifier is written as it is (a reader keeps it as text by reading the column as text, docs/compliance.md);
    the only change csv_stream makes is the formula escape (portal.tabular.neutralise_formula)."""
    cells = []
    for value in row:
        if isinstance(value, datetime):
            value = value.strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, date):
            value = value.isoformat()
        elif value is None:
            value = ""
        cells.append(value)
    return cells


class _Counted:
    """The rows passed through, counted (the header aside), with progress reported every PROGRESS_EVERY."""

    def __init__(self, rows: Iterator[list], progress: Callable[[int], None] | None):
        self.rows, self.progress, self.count = rows, progress, 0
        self.convert = None

    def __iter__(self) -> Iterator[list]:
        rows = iter(self.rows)
        yield next(rows)
        for row in rows:
            self.count += 1
            if self.progress is not None and self.count % PROGRESS_EVERY == 0:
                self.progress(self.count)
            yield row if self.convert is None else self.convert(row)


def write_rows(rows, file_format: str, target, *, progress: Callable[[int], None] | None = None) -> int:
    """Write rows (a header, then data) as CSV (bytes, streamed) or XLSX (constant memory) to a path or a binary
    file; returns how many data rows were written."""
    counted = _Counted(rows, progress)
    if file_format == "csv":
        counted.convert = csv_cells
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
