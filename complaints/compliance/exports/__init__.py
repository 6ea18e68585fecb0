"""Exports of complaint data: one entry point, `complaint_export`, for the command, the admin's export page,
background jobs and the changelist's "export selected" action. Exports are generators: each row is written as
it is read.

The rules:
- `filters` says which complaints (checked by filters.clean_filters, stored in that form in the log); the
  query is filters.export_queryset, limited to what the user may see.
- rows.export_rows yields a header and then one row per complaint, read with a server-side cursor in chunks,
  so 1,000,000 complaints cost the memory of a chunk; the writers (portal.tabular) stream too.
- On PostgreSQL a masked export is written by copy.copy_export instead: the same query computes every cell in
  SQL and COPY streams the lines into the CSV, or the `<row>`s into the XLSX sheet, with no Python per row.
- Phone, ID number and email (and the name) are masked by default with portal.privacy, in the exporter, once.
  The full values only for a user who may both export and see personal data in full.
- Every export is logged in ExportLog (who, when, filters, rows, masked or not), which nobody can change; the
  command run without --user is logged as the system's account (portal.actors).
- Exports asked for in the admin run at once when small and as a background task otherwise (../jobs.py).
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from portal.actors import system_actor
from portal.replica import reading_from_replica

from ..models import ExportLog
from .copy import copy_applies, copy_export
from .filters import (
    FORMATS,
    ExportRefused,
    can_export,
    can_export_unmasked,
    check_allowed,
    clean_filters,
    export_queryset,
    filters_from_changelist,
)
from .rows import COLUMNS, export_rows, write_rows

__all__ = [
    "COLUMNS",
    "FORMATS",
    "ExportRefused",
    "can_export",
    "can_export_unmasked",
    "check_allowed",
    "clean_filters",
    "complaint_export",
    "copy_applies",
    "copy_export",
    "export_queryset",
    "export_rows",
    "filters_from_changelist",
    "write_rows",
]

# How many selected tracking numbers the log keeps for an export of a selection.
LOGGED_SELECTION = 1000


def complaint_export(
    *,
    filters: dict,
    file_format: str,
    target,
    user=None,
    masked: bool = True,
    via: str = "command",
    selection=None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Export the complaints the filters select to `target` (a path or a binary file), log it, and return the
    number of rows. Checks the permission first (see check_allowed); the log is written once the file is
    complete. `selection`, a queryset of complaints (the changelist's ticked rows), narrows the export to
    those; the log then names them."""
    if file_format not in FORMATS:
        raise ExportRefused(_("Unknown format: %(format)s.") % {"format": str(file_format)[:10]})
    check_allowed(user, masked=masked, command=via == "command")
    filters = clean_filters(filters)
    logged = dict(filters)
    # The rows are read from the read replica when there is one (portal/replica.py); the log is written on the
    # primary, as every write is.
    with reading_from_replica():
        queryset = export_queryset(filters, user)
        if selection is not None:
            queryset = queryset.filter(pk__in=selection.values("pk"))
            logged["selected"] = sorted(queryset.values_list("tracking_number", flat=True)[:LOGGED_SELECTION])
        if copy_applies(queryset, masked=masked):
            count = copy_export(queryset, file_format, target, progress=progress)
        else:
            count = write_rows(export_rows(queryset, masked=masked), file_format, target, progress=progress)
    # Only the command runs without a user (check_allowed): an operator's masked export, logged as the system's.
    ExportLog.objects.create(
        user=user if user is not None else system_actor(),
        via=via,
        filters=logged,
        file_format=file_format,
        rows=count,
        masked=masked,
    )
    return count
