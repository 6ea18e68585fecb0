"""Care in the staff lists and on the record: the words for a complaint's circumstances and help (the list's
badge, the record's field) and the list's filter (complaints/models/vulnerability.py: `flagged`)."""

from django.contrib import admin
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from ..models import Complaint, Need, Vulnerability, flagged


def care_summary(complaint: Complaint, points: bool = False) -> str:
    """A complaint's circumstances and the help asked for, in words (and, with `points`, the decision's two data
    points when recorded); a dash when none."""
    separator = pgettext("list separator", ", ")
    labels = {**dict(Vulnerability.choices), **dict(Need.choices)}
    parts = [str(labels.get(code, code)) for code in [*complaint.vulnerabilities, *complaint.needs]]
    if points and complaint.vulnerable_at_decision is not None:
        parts.append(
            gettext("vulnerable when decided: %(answer)s")
            % {"answer": gettext("yes") if complaint.vulnerable_at_decision else gettext("no")}
        )
    if points and complaint.vulnerability_cause is not None:
        parts.append(
            gettext("arose from failing to consider it: %(answer)s")
            % {"answer": gettext("yes") if complaint.vulnerability_cause else gettext("no")}
        )
    return separator.join(parts) or "—"


class CareFilter(admin.SimpleListFilter):
    """Complainants who need care (complaints/models/vulnerability.py): any, or one circumstance or help. The
    list's badge shows them; the work queue keeps its order (a flag changes no deadline)."""

    title = _("care")
    parameter_name = "care"

    def lookups(self, request, model_admin):
        return [("any", _("Any circumstance or help")), *Vulnerability.choices, *Need.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any":
            return queryset.filter(flagged())
        if value in Vulnerability.values or value in Need.values:
            return queryset.filter(flagged(value))
        return queryset
