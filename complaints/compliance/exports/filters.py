"""Which complaints an export holds: its filters (from the command, a form, a stored job or the admin's
changelist), checked and stored in one form, the query they select, and who may export at all."""

import calendar
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from portal.beijing import day_start
from portal.models import PROVINCES, Branch

from ...models import FULL_DATA_PERMISSION, BusinessChannel, Category, Channel, Complaint, Source, Status

FORMATS = ("csv", "xlsx")
EXPORT_PERMISSION = "complaints.export_complaint"

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


def export_queryset(filters: dict, user=None):
    """The complaints the (cleaned) filters select, limited to what `user` may see."""
    queryset = Complaint.objects.all()
    if user is not None:
        queryset = queryset.visible_to(user)
    if filters.get("start"):
        queryset = queryset.filter(received_at__gte=day_start(date.fromisoformat(filters["start"])))
    if filters.get("end"):
        end = date.fromisoformat(filters["end"])
        queryset = queryset.filter(received_at__lt=day_start(date.fromordinal(end.toordinal() + 1)))
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
